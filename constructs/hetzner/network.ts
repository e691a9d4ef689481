import { Construct } from "constructs";
import { Token } from "cdktf";
import { Firewall, FirewallRule } from "../../.gen/providers/hcloud/firewall";
import { Network } from "../../.gen/providers/hcloud/network";
import { NetworkSubnet } from "../../.gen/providers/hcloud/network-subnet";
import { HetznerEnvironment } from "../../lib/environment";
import { HETZNER_NETWORK_ZONE } from "../../lib/residency/hetzner";
import { privateAddresses } from "./addresses";

const ANYWHERE = ["0.0.0.0/0", "::/0"];

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

  constructor(scope: Construct, id: string, env: HetznerEnvironment) {
    super(scope, id);
    this.addresses = privateAddresses(env.network.cidr);
    const labels = { environment: env.name };
    this.network = new Network(this, "network", { name: env.name, ipRange: env.network.cidr, deleteProtection: env.protect, labels });
    this.subnet = new NetworkSubnet(this, "subnet", {
      networkId: this.networkId,
      type: "cloud",
      networkZone: HETZNER_NETWORK_ZONE[env.location],
      ipRange: this.addresses.subnet,
    });

    const sshFrom = [...new Set([...env.network.adminCidrs, ...env.network.deployCidrs])];
    const ssh: FirewallRule[] = sshFrom.length
      ? [{ direction: "in", protocol: "tcp", port: "22", sourceIps: sshFrom, description: "ssh from admins and deploys" }]
      : [];
    const web: FirewallRule[] = env.service.replicas > 1 ? [] : [
      { direction: "in", protocol: "tcp", port: "80", sourceIps: ANYWHERE, description: "http" },
      { direction: "in", protocol: "tcp", port: "443", sourceIps: ANYWHERE, description: "https" },
    ];
    this.appFirewall = new Firewall(this, "app-firewall", { name: `${env.name}-app`, labels, rule: [...web, ...ssh] });
    this.dataFirewall = new Firewall(this, "data-firewall", { name: `${env.name}-data`, labels, rule: ssh });
  }

  get networkId(): number {
    return Token.asNumber(this.network.id);
  }
}
