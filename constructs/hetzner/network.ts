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
 * The private network (one subnet in the location's network zone) and the firewalls: a single app
 * server accepts HTTP/HTTPS from anywhere; app servers behind a load balancer accept nothing from the
 * internet, as the load balancer reaches them over the private network (Hetzner's firewalls filter
 * public interfaces only), so nobody can bypass its TLS. The database server accepts Postgres only from
 * the private subnet. Every server accepts ssh only from the admin CIDRs. Nothing else comes in.
 */
export class HetznerNetwork extends Construct {
  readonly network: Network;
  readonly subnet: NetworkSubnet;
  readonly addresses: ReturnType<typeof privateAddresses>;
  readonly appFirewall: Firewall;
  readonly databaseFirewall: Firewall;

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

    const ssh: FirewallRule[] = env.network.adminCidrs.length
      ? [{ direction: "in", protocol: "tcp", port: "22", sourceIps: env.network.adminCidrs, description: "ssh from admins" }]
      : [];
    const web: FirewallRule[] = env.service.replicas > 1 ? [] : [
      { direction: "in", protocol: "tcp", port: "80", sourceIps: ANYWHERE, description: "http" },
      { direction: "in", protocol: "tcp", port: "443", sourceIps: ANYWHERE, description: "https" },
    ];
    this.appFirewall = new Firewall(this, "app-firewall", { name: `${env.name}-app`, labels, rule: [...web, ...ssh] });
    this.databaseFirewall = new Firewall(this, "database-firewall", {
      name: `${env.name}-database`,
      labels,
      rule: [{ direction: "in", protocol: "tcp", port: "5432", sourceIps: [this.addresses.subnet], description: "postgres from the private subnet" }, ...ssh],
    });
  }

  get networkId(): number {
    return Token.asNumber(this.network.id);
  }
}
