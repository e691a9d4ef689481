import { Construct } from "constructs";
import { Server } from "../../.gen/providers/hcloud/server";
import { HetznerEnvironment } from "../../lib/environment";
import { CloudInit } from "./cloud-init";
import { HetznerNetwork } from "./network";

/** Used where the environment names no size: 2 vCPU, 4 GB, the smallest current shared type. */
export const DEFAULT_SERVER_TYPE = "cx23";

export interface HetznerServerProps {
  readonly name: string;
  readonly serverType: string;
  readonly privateIp: string;
  readonly firewallId: number;
  readonly cloudInit: CloudInit;
  /** Default false: a server without public IPv4 reaches out (apt) over IPv6 only. */
  readonly publicIpv4?: boolean;
  /** Hetzner's daily server backups (7 kept). */
  readonly backups?: boolean;
}

/**
 * A Debian server on the private network behind a firewall, configured by cloud-init. With
 * `protect`, deletion and rebuild are locked so neither a stray destroy nor a rebuild loses it.
 */
export function hetznerServer(scope: Construct, id: string, env: HetznerEnvironment, net: HetznerNetwork, props: HetznerServerProps): Server {
  const server = new Server(scope, id, {
    name: props.name,
    serverType: props.serverType,
    image: env.serverImage,
    location: env.location,
    sshKeys: env.sshKeys,
    firewallIds: [props.firewallId],
    publicNet: [{ ipv4Enabled: props.publicIpv4 ?? false, ipv6Enabled: true }],
    network: [{ networkId: net.networkId, ip: props.privateIp }],
    userData: props.cloudInit.userData,
    backups: props.backups ?? false,
    deleteProtection: env.protect,
    rebuildProtection: env.protect,
    labels: { environment: env.name },
    dependsOn: [net.subnet],
  });
  // user_data changes would replace the server (and, for the database, its disk): apply them by hand.
  server.addOverride("lifecycle.ignore_changes", ["user_data", "ssh_keys", "image"]);
  return server;
}
