/**
 * The private addresses of a Hetzner environment, derived from its network CIDR: the servers' subnet
 * is the network's first /24 after the base (10.10.0.0/16 → 10.10.1.0/24), with fixed host numbers
 * so firewall rules and connection strings are known before apply.
 */
export function privateAddresses(networkCidr: string) {
  const [base] = networkCidr.split("/");
  const [a, b] = base.split(".");
  const subnet = `${a}.${b}.1.0/24`;
  const host = (n: number) => `${a}.${b}.1.${n}`;
  return {
    subnet,
    loadBalancer: host(5),
    database: host(10),
    app: (replica: number) => host(20 + replica),
  };
}
