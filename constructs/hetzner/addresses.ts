import * as ipaddr from "ipaddr.js";

/**
 * The private addresses of a Hetzner environment, derived from its network CIDR (validated: RFC 1918,
 * /24 or larger): the servers' subnet is the network's second /24 (10.10.0.0/16 → 10.10.1.0/24), or the
 * whole network when it is a /24, with fixed host numbers so firewall rules and connection strings are
 * known before apply.
 */
export function privateAddresses(networkCidr: string) {
  const [a, b, c] = ipaddr.IPv4.networkAddressFromCIDR(networkCidr).octets;
  const [, prefix] = ipaddr.IPv4.parseCIDR(networkCidr);
  // A network larger than a /24 starts at an even third octet, so the next /24 is still inside it.
  const subnet = `${a}.${b}.${prefix < 24 ? c + 1 : c}`;
  const host = (n: number) => `${subnet}.${n}`;
  return {
    subnet: `${host(0)}/24`,
    loadBalancer: host(5),
    database: host(10),
    app: (replica: number) => host(20 + replica),
  };
}
