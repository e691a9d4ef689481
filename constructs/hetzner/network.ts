import { Construct } from "constructs";
import { Token } from "cdktf";
import { Firewall, FirewallRule } from "../../.gen/providers/hcloud/firewall";
import { Network } from "../../.gen/providers/hcloud/network";
import { NetworkSubnet } from "../../.gen/providers/hcloud/network-subnet";
import { HETZNER_NETWORK_ZONE } from "../../lib/residency/hetzner";
import { privateAddresses } from "./addresses";

const ANYWHERE = ["0.0.0.0/0", "::/0"];

export interface HetznerNetworkProps {
  /** Prefix of the network's and the firewalls' names (the network is `<name>`, the firewalls `<name>-app` and `<name>-data`): the environment's name. */
  readonly name: string;
  /** The private network's range (RFC 1918, /24 or larger); the servers' subnet and addresses are derived from it (privateAddresses). */
  readonly cidr: string;
  /** The servers' Hetzner location: the subnet is in its network zone. */
  readonly location: string;
  /**
   * Who may reach ssh (22) for administration.
   * @default none: nobody
   */
  readonly adminCidrs?: readonly string[];
  /**
   * Where deploys run from: they reach the Docker engines over ssh.
   * @default none: only the admin CIDRs
   */
  readonly deployCidrs?: readonly string[];
  /**
   * Whether the app servers are behind a load balancer, which reaches them over the private network: their
   * firewall then lets nothing in from the internet but ssh.
   * @default false: HTTP and HTTPS from anywhere
   */
  readonly loadBalanced?: boolean;
  /**
   * Deletion protection of the network.
   * @default true
   */
  readonly protect?: boolean;
  /**
   * Labels of the network and the firewalls.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The private network (one subnet in the location's network zone) and the firewalls of the Docker
 * hosts: a single app server accepts HTTP/HTTPS from anywhere (its proxy gets the certificate); app
 * servers behind a load balancer accept nothing from the internet, as the load balancer reaches them
 * over the private network (Hetzner's firewalls filter public interfaces only), so nobody can bypass its
 * TLS. Every server accepts ssh only from the admin and deploy CIDRs: the deploy reaches the Docker
 * engines over ssh. Nothing else comes in; Postgres and Redis listen on the data server's private
 * address only.
 */
export class HetznerNetwork extends Construct {
  readonly network: Network;
  readonly subnet: NetworkSubnet;
  readonly addresses: ReturnType<typeof privateAddresses>;
  readonly appFirewall: Firewall;
  readonly dataFirewall: Firewall;

  constructor(scope: Construct, id: string, props: HetznerNetworkProps) {
    super(scope, id);
    this.addresses = privateAddresses(props.cidr);
    const labels = props.labels ?? {};
    const networkZone = HETZNER_NETWORK_ZONE[props.location];
    if (!networkZone) throw new Error(`${props.location} is not a Hetzner location with private networks (${Object.keys(HETZNER_NETWORK_ZONE).join(", ")})`);
    this.network = new Network(this, "network", { name: props.name, ipRange: props.cidr, deleteProtection: props.protect ?? true, labels });
    this.subnet = new NetworkSubnet(this, "subnet", {
      networkId: this.networkId,
      type: "cloud",
      networkZone,
      ipRange: this.addresses.subnet,
    });

    const sshFrom = [...new Set([...props.adminCidrs ?? [], ...props.deployCidrs ?? []])];
    const ssh: FirewallRule[] = sshFrom.length
      ? [{ direction: "in", protocol: "tcp", port: "22", sourceIps: sshFrom, description: "ssh from admins and deploys" }]
      : [];
    const web: FirewallRule[] = props.loadBalanced ? [] : [
      { direction: "in", protocol: "tcp", port: "80", sourceIps: ANYWHERE, description: "http" },
      { direction: "in", protocol: "tcp", port: "443", sourceIps: ANYWHERE, description: "https" },
    ];
    this.appFirewall = new Firewall(this, "app-firewall", { name: `${props.name}-app`, labels, rule: [...web, ...ssh] });
    this.dataFirewall = new Firewall(this, "data-firewall", { name: `${props.name}-data`, labels, rule: ssh });
  }

  get networkId(): number {
    return Token.asNumber(this.network.id);
  }
}
