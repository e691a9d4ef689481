import { Construct } from "constructs";
import { Token } from "cdktf";
import { Server } from "../../.gen/providers/hcloud/server";
import { SshHostKey } from "../../.gen/providers/portable/ssh-host-key";
import { portableProvider } from "../deployer-secrets";
import { CloudConfig, CloudInit, systemdUnit } from "./cloud-init";
import { HetznerNetwork } from "./network";

/** Used where the environment names no size: 2 vCPU, 4 GB, the smallest current shared type. */
export const DEFAULT_SERVER_TYPE = "cx23";
/** The one user ssh lets in; in the `docker` group, so root on the server in effect (as Docker is). */
export const DEPLOY_USER = "deploy";

export interface HetznerDockerHostProps {
  /** The server's name. */
  readonly name: string;
  /** A Hetzner server type, e.g. cx23 (DEFAULT_SERVER_TYPE). */
  readonly serverType: string;
  /** The server's image: a Debian one (its cloud-init installs docker.io from Debian). */
  readonly image: string;
  /** The server's Hetzner location. */
  readonly location: string;
  /** The private network the server joins, after its subnet exists. */
  readonly network: HetznerNetwork;
  /** Its address on the private network (in the network's subnet). */
  readonly privateIp: string;
  /** The firewall of its public interfaces (one of the network's). */
  readonly firewallId: number;
  /**
   * Names of ssh keys of the Hetzner project, which log in as DEPLOY_USER.
   * @default none
   */
  readonly sshKeys?: readonly string[];
  /**
   * Primary IPs (ids) the server takes its public addresses from, so they outlive the server.
   * @default none: addresses made with the server, and gone with it
   */
  readonly primaryIps?: { readonly ipv4?: number; readonly ipv6?: number };
  /**
   * Hetzner's daily server backups (7 kept) of the server's own disk; attached volumes are not in them.
   * @default false
   */
  readonly backups?: boolean;
  /**
   * True for a server holding data (on a volume, see HetznerMachines): deletion and rebuild are locked
   * with `protect`, and later changes to its cloud-init are ignored (applying them means a new server).
   * False: a change to its cloud-init replaces it, and the containers are deployed onto the new one.
   * @default false
   */
  readonly holdsData?: boolean;
  /**
   * Deletion and rebuild protection of a server that `holdsData`.
   * @default true
   */
  readonly protect?: boolean;
  /**
   * What its cloud-init does first, before Docker starts (the data server mounts its volume).
   * @default none
   */
  readonly prepare?: CloudConfig;
  /**
   * Labels of the server.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A Hetzner server as a long-lived Docker host. Its cloud-init installs Docker and hardens ssh, and that
 * is all: the containers (the app, Postgres, the proxy, ...) are deployed onto it over ssh by the
 * backend's stack, so a release changes containers, never the server, and no secret of the app or its
 * image is in the user data. ssh lets in `deploy` only, with the project's ssh keys, no password, no
 * root. Its ssh host key is made by Terraform (portable_ssh_host_key) and given to the server, so the
 * deploy pins it instead of trusting the server the first time it connects: that key is the one secret
 * in the user data (readable through the metadata service, which the containers are cut off from, and
 * with the project's API token, which can take the server over anyway).
 */
export class HetznerDockerHost extends Construct {
  readonly server: Server;
  private readonly cloudInit = new CloudInit();
  readonly privateIp: string;
  /** The public IPv4 ssh is reached at. */
  readonly publicIpv4: string;
  /** The line a known_hosts file pins the server with: "<ip> ssh-ed25519 AAAA…". */
  readonly knownHosts: string;

  constructor(scope: Construct, id: string, props: HetznerDockerHostProps) {
    super(scope, id);
    this.privateIp = props.privateIp;
    const hostKey = new SshHostKey(this, "host-key", { provider: portableProvider(this), comment: `${props.name} host key` });
    if (props.prepare) this.cloudInit.add(props.prepare);
    this.cloudInit.add(dockerHostConfig(hostKey));
    const holdsData = props.holdsData ?? false;
    const locked = holdsData && (props.protect ?? true);
    this.server = new Server(this, "server", {
      name: props.name,
      serverType: props.serverType,
      image: props.image,
      location: props.location,
      sshKeys: [...props.sshKeys ?? []],
      firewallIds: [props.firewallId],
      // Every Docker host has a public IPv4: the deploy reaches its engine over ssh (IPv6 is rare in CI),
      // and it pulls images from registries without IPv6 (ghcr.io among them). The firewall lets ssh in
      // from the admin and deploy CIDRs only.
      publicNet: [{ ipv4Enabled: true, ipv6Enabled: true, ipv4: props.primaryIps?.ipv4, ipv6: props.primaryIps?.ipv6 }],
      network: [{ networkId: props.network.networkId, ip: props.privateIp }],
      userData: this.cloudInit.userData,
      backups: props.backups ?? false,
      deleteProtection: locked,
      rebuildProtection: locked,
      labels: props.labels ?? {},
      dependsOn: [props.network.subnet],
    });
    // user_data can only be applied by replacing the server (the provider forces it): fine for a host
    // whose containers are redeployed, never for the one holding data, whose boot disk would go.
    this.server.addOverride("lifecycle.ignore_changes", holdsData ? ["user_data", "ssh_keys", "image"] : ["ssh_keys", "image"]);
    this.publicIpv4 = this.server.ipv4Address;
    this.knownHosts = `${this.publicIpv4} ${Token.asString(hostKey.publicKey)}`;
  }
}

/** Docker and hardened ssh, and the containers cut off from the metadata service. */
function dockerHostConfig(hostKey: SshHostKey) {
  return {
    package_update: true,
    packages: ["docker.io"],
    users: [{ name: DEPLOY_USER, groups: "docker", shell: "/bin/bash", lock_passwd: true }],
    ssh_pwauth: false,
    // The server's host key is the one Terraform made (and the deploy pins), no other.
    ssh_deletekeys: true,
    // cloud-init generates only the types missing (none: the ed25519 key is given), and no rsa or ecdsa key.
    ssh_genkeytypes: ["ed25519"],
    ssh_keys: { ed25519_private: hostKey.privateKeyOpenssh, ed25519_public: hostKey.publicKey },
    write_files: [
      {
        path: "/etc/ssh/sshd_config.d/10-portable-backend.conf",
        content: ["PasswordAuthentication no", "KbdInteractiveAuthentication no", "PermitRootLogin no", `AllowUsers ${DEPLOY_USER}`, "X11Forwarding no", ""].join("\n"),
      },
      {
        // Containers publish ports on the server's private address (Postgres, Redis; a proxy behind the load
        // balancer), which Hetzner configures on its own schedule at boot: let them bind it before it is up.
        path: "/etc/sysctl.d/60-portable-backend.conf",
        content: "net.ipv4.ip_nonlocal_bind = 1\n",
      },
      {
        // The metadata service hands out the user data (the host key) to any process that asks: not to containers.
        path: "/etc/systemd/system/containers-without-metadata.service",
        content: systemdUnit({
          Unit: { Description: "Keep containers from the metadata service", After: "docker.service", Requires: "docker.service" },
          Service: { Type: "oneshot", RemainAfterExit: "yes", ExecStart: "/usr/sbin/iptables -I DOCKER-USER -d 169.254.169.254 -j DROP" },
          Install: { WantedBy: "multi-user.target" },
        }),
      },
    ],
    runcmd: [
      // Hetzner puts the project's ssh keys in root's authorized_keys; deploy is who logs in.
      ["install", "-d", "-m", "0700", "-o", DEPLOY_USER, "-g", DEPLOY_USER, `/home/${DEPLOY_USER}/.ssh`],
      ["install", "-m", "0600", "-o", DEPLOY_USER, "-g", DEPLOY_USER, "/root/.ssh/authorized_keys", `/home/${DEPLOY_USER}/.ssh/authorized_keys`],
      ["sysctl", "--system"],
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", "--now", "docker.service", "containers-without-metadata.service"],
      ["systemctl", "restart", "ssh.service"],
    ],
  };
}
