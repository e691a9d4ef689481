import { privateAddresses } from "../../constructs/hetzner/addresses";

// The servers' subnet and hosts must lie inside any network the schema accepts (RFC 1918, /24 or larger).
test.each([
  ["10.10.0.0/16", "10.10.1.0/24", "10.10.1.10"],
  ["10.0.4.0/22", "10.0.5.0/24", "10.0.5.10"],
  ["172.16.8.0/23", "172.16.9.0/24", "172.16.9.10"],
  ["192.168.5.0/24", "192.168.5.0/24", "192.168.5.10"],
])("network %s: servers in %s, database at %s", (network, subnet, database) => {
  const addresses = privateAddresses(network);
  expect(addresses.subnet).toBe(subnet);
  expect(addresses.database).toBe(database);
  expect([addresses.loadBalancer, addresses.app(1)]).toEqual([subnet.replace(/0\/24$/, "5"), subnet.replace(/0\/24$/, "21")]);
});
