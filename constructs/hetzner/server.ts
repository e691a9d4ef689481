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
  /**
   * Primary IPs (ids) the server takes its public addresses from, so they outlive the server. Default:
   * addresses made with the server, and gone with it.
   */
  readonly primaryIps?: { readonly ipv4?: number; readonly ipv6?: number };
  /** Hetzner's daily server backups (7 kept) of the server's own disk; attached volumes are not in them. */
  readonly backups?: boolean;
  /**
   * Default false, for a server holding data (the database): later changes to its cloud-init are
   * ignored, since applying them means a new server, and `protect` locks deletion and rebuild. True
   * for a stateless server (the app): a change to its cloud-init (a new image, new settings) replaces
   * it, and it is never protected, since protection would make that replacement fail.
   */
  readonly replaceOnCloudInitChange?: boolean;
}

/**
 * A Debian server on the private network behind a firewall, configured by cloud-init. With
 * `protect`, deletion and rebuild of a server holding data are locked so neither a stray destroy nor
 * a rebuild loses it.
 */
export function hetznerServer(scope: Construct, id: string, env: HetznerEnvironment, net: HetznerNetwork, props: HetznerServerProps): Server {
  const stateless = props.replaceOnCloudInitChange ?? false;
  const server = new Server(scope, id, {
    name: props.name,
    serverType: props.serverType,
    image: env.serverImage,
    location: env.location,
    sshKeys: env.sshKeys,
    firewallIds: [props.firewallId],
    publicNet: [{ ipv4Enabled: props.publicIpv4 ?? false, ipv6Enabled: true, ipv4: props.primaryIps?.ipv4, ipv6: props.primaryIps?.ipv6 }],
    network: [{ networkId: net.networkId, ip: props.privateIp }],
    userData: props.cloudInit.userData,
    backups: props.backups ?? false,
    deleteProtection: env.protect && !stateless,
    rebuildProtection: env.protect && !stateless,
    labels: { environment: env.name },
    dependsOn: [net.subnet],
  });
  // user_data can only be applied by replacing the server (the provider forces it): wanted for a
  // stateless server, never for the database, whose boot disk would go (apply those by hand).
  server.addOverride("lifecycle.ignore_changes", stateless ? ["ssh_keys", "image"] : ["user_data", "ssh_keys", "image"]);
  return server;
}
