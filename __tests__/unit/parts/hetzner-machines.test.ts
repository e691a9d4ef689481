import { Testing } from "cdktf";
import { parse } from "yaml";
import { Firewall } from "../../../.gen/providers/hcloud/firewall";
import { LoadBalancer } from "../../../.gen/providers/hcloud/load-balancer";
import { LoadBalancerService } from "../../../.gen/providers/hcloud/load-balancer-service";
import { ManagedCertificate } from "../../../.gen/providers/hcloud/managed-certificate";
import { Network } from "../../../.gen/providers/hcloud/network";
import { PrimaryIp } from "../../../.gen/providers/hcloud/primary-ip";
import { Volume } from "../../../.gen/providers/hcloud/volume";
import { ZoneRrset } from "../../../.gen/providers/hcloud/zone-rrset";
import { Bucket } from "../../../.gen/providers/s3/bucket";
import { HetznerMachines, HetznerMachinesProps } from "../../../constructs/hetzner/machines";
import { bareStack, onlyResource, resourcesOf } from "../../support/synthesized";

const minimal: HetznerMachinesProps = {
  name: "shop", location: "fsn1", serverImage: "debian-12", network: { cidr: "10.10.0.0/16" }, buckets: { location: "fsn1" },
};

function synth(props: Partial<HetznerMachinesProps> = {}) {
  const stack = bareStack();
  const machines = new HetznerMachines(stack, "machines", { ...minimal, ...props });
  const json = Testing.synth(stack);
  return { machines, json, parsed: JSON.parse(json) };
}
const servers = (json: string) => resourcesOf(json, "hcloud_server").map(([, s]) => s);
const serverNamed = (json: string, name: string) => servers(json).find((s) => s.name === name);

describe("one app server", () => {
  test("is reached directly at primary IPs of its own, which outlive it, over HTTP without a name", () => {
    const { json, parsed, machines } = synth();
    expect(servers(json).map((s) => s.name)).toEqual(["shop-app-1"]);
    expect(json).toHaveResourceWithProperties(PrimaryIp, { name: "shop-app-ipv4", type: "ipv4", location: "fsn1", auto_delete: false, delete_protection: true });
    expect(json).toHaveResourceWithProperties(PrimaryIp, { name: "shop-app-ipv6", type: "ipv6" });
    expect(serverNamed(json, "shop-app-1").public_net[0]).toMatchObject({ ipv4: expect.stringContaining("hcloud_primary_ip."), ipv6: expect.stringContaining("hcloud_primary_ip.") });
    expect(resourcesOf(json, "hcloud_load_balancer")).toEqual([]);
    expect(machines.balanced).toBe(false);
    expect(parsed.output.service_url.value).toMatch(/^http:\/\/\$\{hcloud_primary_ip\.machines_ipv4_\w+\.ip_address\}$/);
  });

  test("takes HTTP and HTTPS from anywhere, and its proxy serves the site's name with a certificate of its own", () => {
    const { json, parsed } = synth({ dns: { zone: "acme.de", record: "api" } });
    expect(json).toHaveResourceWithProperties(Firewall, { name: "shop-app", rule: [expect.objectContaining({ port: "80" }), expect.objectContaining({ port: "443" })] });
    expect(parsed.output.service_url.value).toBe("https://api.acme.de");
    expect(resourcesOf(json, "hcloud_managed_certificate")).toEqual([]);
  });

  test("its DNS records point at the primary IPs (the server's IPv6 the first of its /64)", () => {
    const { json } = synth({ dns: { zone: "acme.de", record: "api", createZone: false } });
    expect(resourcesOf(json, "hcloud_zone")).toEqual([]);
    expect(json).toHaveResourceWithProperties(ZoneRrset, { zone: "acme.de", name: "api", type: "A", records: [{ value: expect.stringMatching(/^\$\{hcloud_primary_ip\.machines_ipv4_\w+\.ip_address\}$/) }] });
    expect(json).toHaveResourceWithProperties(ZoneRrset, { type: "AAAA", records: [{ value: expect.stringMatching(/^\$\{hcloud_primary_ip\.machines_ipv6_\w+\.ip_address\}1$/) }] });
  });
});

describe("more app servers", () => {
  test("are behind a load balancer on the private network, which health-checks each on the health path", () => {
    const { json, machines } = synth({ app: { replicas: 3, serverType: "cx33" } });
    expect(servers(json).map((s) => [s.name, s.server_type, s.network[0].ip])).toEqual([
      ["shop-app-1", "cx33", "10.10.1.21"], ["shop-app-2", "cx33", "10.10.1.22"], ["shop-app-3", "cx33", "10.10.1.23"],
    ]);
    expect(machines.balanced).toBe(true);
    expect(json).toHaveResourceWithProperties(LoadBalancer, { name: "shop", location: "fsn1", load_balancer_type: "lb11", delete_protection: true, labels: { environment: "shop" } });
    expect(onlyResource(json, "hcloud_load_balancer_network")[1]).toMatchObject({ ip: "10.10.1.5" });
    expect(resourcesOf(json, "hcloud_load_balancer_target").map(([, t]) => t.use_private_ip)).toEqual([true, true, true]);
    expect(json).toHaveResourceWithProperties(LoadBalancerService, { protocol: "http", listen_port: 80, destination_port: 80, health_check: expect.objectContaining({ http: expect.objectContaining({ path: "/healthz" }) }) });
    expect(resourcesOf(json, "hcloud_primary_ip")).toEqual([]);
  });

  test("take nothing from the internet but ssh: the load balancer reaches them over the private network", () => {
    const { json } = synth({ app: { replicas: 2 }, network: { cidr: "10.10.0.0/16", adminCidrs: ["198.51.100.0/24"] } });
    expect(json).toHaveResourceWithProperties(Firewall, { name: "shop-app", rule: [expect.objectContaining({ port: "22", source_ips: ["198.51.100.0/24"] })] });
  });

  test("with a name, the load balancer terminates HTTPS with Hetzner's certificate for it, and the records point at it", () => {
    const { json, parsed } = synth({ app: { replicas: 2, healthPath: "/up" }, dns: { zone: "acme.de", record: "@" } });
    expect(json).toHaveResourceWithProperties(ManagedCertificate, { name: "acme.de", domain_names: ["acme.de"] });
    expect(json).toHaveResourceWithProperties(LoadBalancerService, {
      protocol: "https", listen_port: 443, destination_port: 80, http: expect.objectContaining({ redirect_http: true }),
      health_check: expect.objectContaining({ http: expect.objectContaining({ path: "/up" }) }),
    });
    expect(json).toHaveResourceWithProperties(ZoneRrset, { name: "@", type: "A", records: [{ value: expect.stringContaining("hcloud_load_balancer.") }] });
    expect(parsed.output.service_url.value).toBe("https://acme.de");
  });
});

describe("the data server", () => {
  test("keeps Docker's data on a protected volume it mounts before Docker starts, and has Hetzner's backups", () => {
    const { json, machines } = synth({ data: { storageGb: 40, serverType: "cx33" } });
    expect(json).toHaveResourceWithProperties(Volume, { name: "shop-data", size: 40, location: "fsn1", format: "ext4", delete_protection: true, labels: { environment: "shop" } });
    const data = serverNamed(json, "shop-data");
    expect(data).toMatchObject({ server_type: "cx33", backups: true, delete_protection: true, rebuild_protection: true, network: [expect.objectContaining({ ip: "10.10.1.10" })] });
    expect(data.firewall_ids).toEqual([expect.stringContaining("data-firewall")]);
    const cloudConfig = parse(data.user_data);
    expect(cloudConfig.bootcmd[0].join(" ")).toContain("/mnt/data");
    expect(cloudConfig.write_files).toContainEqual({ path: "/etc/docker/daemon.json", content: '{"data-root":"/mnt/data/docker"}\n' });
    expect(onlyResource(json, "hcloud_volume_attachment")[1]).toMatchObject({ automount: false, server_id: expect.stringContaining("machines_data_server") });
    expect(machines.dataHost?.privateIp).toBe("10.10.1.10");
  });

  test("defaults: a 10 GB volume, the default server type", () => {
    const { json } = synth({ data: {} });
    expect(json).toHaveResourceWithProperties(Volume, { size: 10 });
    expect(serverNamed(json, "shop-data").server_type).toBe("cx23");
  });

  test("none asked for: no volume, no data server, no outputs for it", () => {
    const { json, parsed, machines } = synth();
    expect(resourcesOf(json, "hcloud_volume")).toEqual([]);
    expect(serverNamed(json, "shop-data")).toBeUndefined();
    expect(Object.keys(parsed.output)).not.toContain("data_ssh");
    expect(machines.dataHost).toBeUndefined();
  });
});

test("protect: false unlocks everything that would be protected", () => {
  const { json } = synth({ protect: false, data: {}, app: { replicas: 2 }, dns: { zone: "acme.de", record: "api" } });
  expect(json).toHaveResourceWithProperties(Network, { delete_protection: false });
  expect(json).toHaveResourceWithProperties(Volume, { delete_protection: false });
  expect(json).toHaveResourceWithProperties(LoadBalancer, { delete_protection: false });
  expect(serverNamed(json, "shop-data")).toMatchObject({ delete_protection: false, rebuild_protection: false });
  expect(resourcesOf(json, "hcloud_zone_rrset").map(([, r]) => r.change_protection)).toEqual([false, false]);
});

test("every server: the image, the location, the project's ssh keys, labelled with the name", () => {
  const { json } = synth({ serverImage: "debian-13", sshKeys: ["ops", "ci"], data: {}, location: "hel1", buckets: { location: "hel1" } });
  for (const server of servers(json)) expect(server).toMatchObject({ image: "debian-13", location: "hel1", ssh_keys: ["ops", "ci"], labels: { environment: "shop" } });
});

test("the outputs the containers' stack reads: each engine's ssh address and pinned host key, the service, the buckets", () => {
  const { parsed } = synth({ data: {}, buckets: { location: "fsn1", dataBucket: { name: "shop-data" }, offsite: { bucket: "shop-offsite", location: "hel1" } } });
  expect(Object.keys(parsed.output).sort()).toEqual([
    "app_1_known_hosts", "app_1_ssh", "data_known_hosts", "data_ssh", "object_storage_endpoint", "object_storage_region",
    "offsite_endpoint", "offsite_region", "service_url",
  ]);
  expect(parsed.output.data_ssh.value).toMatch(/^ssh:\/\/deploy@\$\{hcloud_server\.machines_data_server_\w+\.ipv4_address\}$/);
  expect(parsed.output.object_storage_endpoint.value).toBe("https://fsn1.your-objectstorage.com");
  expect(parsed.output.offsite_region.value).toBe("hel1");
});

test("the buckets are made as asked", () => {
  const { json } = synth({ buckets: { location: "nbg1", dataBucket: { name: "shop-data", versioning: false } } });
  expect(json).toHaveResourceWithProperties(Bucket, { bucket: "shop-data", versioning: false });
});
