import { Testing } from "cdktf";
import { Firewall } from "../../../.gen/providers/hcloud/firewall";
import { Network } from "../../../.gen/providers/hcloud/network";
import { NetworkSubnet } from "../../../.gen/providers/hcloud/network-subnet";
import { HetznerNetwork, HetznerNetworkProps } from "../../../constructs/hetzner/network";
import { bareStack, resourcesOf } from "../../support/synthesized";

const synth = (props: Partial<HetznerNetworkProps> = {}) => {
  const stack = bareStack();
  new HetznerNetwork(stack, "network", { name: "shop", cidr: "10.10.0.0/16", location: "fsn1", ...props });
  return Testing.synth(stack);
};
const firewall = (json: string, name: string) => resourcesOf(json, "hcloud_firewall").map(([, f]) => f).find((f) => f.name === name);
const ports = (json: string, name: string) => firewall(json, name).rule.map((r: any) => r.port);

test("a protected network in the location's zone, with the servers' subnet its second /24", () => {
  const json = synth({ labels: { environment: "shop" } });
  expect(json).toHaveResourceWithProperties(Network, { name: "shop", ip_range: "10.10.0.0/16", delete_protection: true, labels: { environment: "shop" } });
  expect(json).toHaveResourceWithProperties(NetworkSubnet, { type: "cloud", network_zone: "eu-central", ip_range: "10.10.1.0/24" });
  expect(json).toHaveResourceWithProperties(Firewall, { name: "shop-app", labels: { environment: "shop" } });
  expect(json).toHaveResourceWithProperties(Firewall, { name: "shop-data", labels: { environment: "shop" } });
});

test("protect: false leaves the network deletable", () => {
  expect(synth({ protect: false })).toHaveResourceWithProperties(Network, { delete_protection: false });
});

test("by default nobody reaches ssh, and a single app server takes HTTP and HTTPS from anywhere", () => {
  const json = synth();
  expect(ports(json, "shop-app")).toEqual(["80", "443"]);
  expect(firewall(json, "shop-app").rule.every((r: any) => r.source_ips.join() === "0.0.0.0/0,::/0")).toBe(true);
  expect(firewall(json, "shop-data").rule).toEqual([]);
});

test("ssh is open to the admin and deploy CIDRs (each once), on every server, and nothing else on the data server", () => {
  const json = synth({ adminCidrs: ["198.51.100.0/24", "203.0.113.0/24"], deployCidrs: ["203.0.113.0/24", "2001:db8::/48"] });
  const ssh = { direction: "in", protocol: "tcp", port: "22", source_ips: ["198.51.100.0/24", "203.0.113.0/24", "2001:db8::/48"] };
  expect(firewall(json, "shop-app").rule).toContainEqual(expect.objectContaining(ssh));
  expect(firewall(json, "shop-data").rule).toEqual([expect.objectContaining(ssh)]);
});

test("deploy CIDRs alone open ssh too", () => {
  expect(ports(synth({ deployCidrs: ["203.0.113.0/24"] }), "shop-data")).toEqual(["22"]);
});

test("app servers behind a load balancer take nothing from the internet but ssh", () => {
  expect(ports(synth({ loadBalanced: true }), "shop-app")).toEqual([]);
  expect(ports(synth({ loadBalanced: true, adminCidrs: ["198.51.100.0/24"] }), "shop-app")).toEqual(["22"]);
});

test("a /24 network is the servers' subnet itself, with fixed addresses", () => {
  const stack = bareStack();
  const net = new HetznerNetwork(stack, "network", { name: "shop", cidr: "192.168.5.0/24", location: "hel1" });
  expect(net.addresses).toMatchObject({ subnet: "192.168.5.0/24", loadBalancer: "192.168.5.5", database: "192.168.5.10" });
  expect(net.addresses.app(2)).toBe("192.168.5.22");
  expect(Testing.synth(stack)).toHaveResourceWithProperties(NetworkSubnet, { ip_range: "192.168.5.0/24" });
});

test("a location without private networks is refused, naming the ones with", () => {
  expect(() => synth({ location: "xyz1" })).toThrow(/xyz1 is not a Hetzner location with private networks \(fsn1, nbg1, hel1/);
});

test("outside the EU the subnet is in that location's zone", () => {
  expect(synth({ location: "ash" })).toHaveResourceWithProperties(NetworkSubnet, { network_zone: "us-east" });
});
