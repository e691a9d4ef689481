import { TerraformOutput, Testing } from "cdktf";
import { parse } from "yaml";
import { Server } from "../../../.gen/providers/hcloud/server";
import { HetznerDockerHost, HetznerDockerHostProps } from "../../../constructs/hetzner/docker-host";
import { HetznerNetwork } from "../../../constructs/hetzner/network";
import { bareStack, onlyResource } from "../../support/synthesized";

/** A Docker host on a network of its own; `props` changes the defaults below. */
function build(props: Partial<HetznerDockerHostProps> = {}) {
  const stack = bareStack();
  const network = new HetznerNetwork(stack, "network", { name: "shop", cidr: "10.10.0.0/16", location: "nbg1" });
  const host = new HetznerDockerHost(stack, "app", {
    name: "shop-app-1", serverType: "cx23", image: "debian-12", location: "nbg1", network, privateIp: network.addresses.app(1), firewallId: 7, ...props,
  });
  return { stack, host };
}

function synth(props: Partial<HetznerDockerHostProps> = {}) {
  const json = Testing.synth(build(props).stack);
  const [, server] = onlyResource(json, "hcloud_server");
  return { json, server, cloudConfig: parse(server.user_data) };
}

test("a server on the private network at its address, behind its firewall, once the subnet exists", () => {
  const { json, server } = synth({ labels: { environment: "shop" } });
  expect(json).toHaveResourceWithProperties(Server, {
    name: "shop-app-1", server_type: "cx23", image: "debian-12", location: "nbg1", firewall_ids: [7], labels: { environment: "shop" },
    network: [{ network_id: expect.stringContaining("hcloud_network."), ip: "10.10.1.21" }],
    public_net: [{ ipv4_enabled: true, ipv6_enabled: true }],
  });
  expect(server.depends_on).toEqual([expect.stringMatching(/^hcloud_network_subnet\./)]);
});

test("defaults: no ssh keys, no server backups, no labels, no protection, replaced when its cloud-init changes", () => {
  const { server } = synth();
  expect(server).toMatchObject({ ssh_keys: [], backups: false, labels: {}, delete_protection: false, rebuild_protection: false });
  expect(server.lifecycle.ignore_changes).toEqual(["ssh_keys", "image"]);
});

test("a server holding data is locked against deletion and rebuild, and keeps its first cloud-init", () => {
  const { server } = synth({ holdsData: true, backups: true, sshKeys: ["ops"] });
  expect(server).toMatchObject({ delete_protection: true, rebuild_protection: true, backups: true, ssh_keys: ["ops"] });
  expect(server.lifecycle.ignore_changes).toEqual(["user_data", "ssh_keys", "image"]);
});

test("protect: false unlocks a server holding data, which still keeps its first cloud-init", () => {
  const { server } = synth({ holdsData: true, protect: false });
  expect(server).toMatchObject({ delete_protection: false, rebuild_protection: false });
  expect(server.lifecycle.ignore_changes).toContain("user_data");
});

test("protect alone does not lock a server that holds no data", () => {
  expect(synth({ protect: true }).server).toMatchObject({ delete_protection: false, rebuild_protection: false });
});

test("primary IPs given: the server takes its public addresses from them", () => {
  expect(synth({ primaryIps: { ipv4: 11, ipv6: 12 } }).server.public_net).toEqual([{ ipv4_enabled: true, ipv6_enabled: true, ipv4: 11, ipv6: 12 }]);
});

test("cloud-init installs Docker, lets in `deploy` only, with the host key Terraform made", () => {
  const { cloudConfig, json } = synth();
  const [keyId] = onlyResource(json, "portable_ssh_host_key");
  expect(cloudConfig.packages).toEqual(["docker.io"]);
  expect(cloudConfig.users).toEqual([expect.objectContaining({ name: "deploy", groups: "docker", lock_passwd: true })]);
  expect(cloudConfig.ssh_pwauth).toBe(false);
  expect(cloudConfig.ssh_keys.ed25519_public).toBe(`\${portable_ssh_host_key.${keyId}.public_key}`);
  const sshd = cloudConfig.write_files.find((f: any) => f.path.startsWith("/etc/ssh/sshd_config.d/"));
  expect(sshd.content).toContain("AllowUsers deploy");
  expect(sshd.content).toContain("PermitRootLogin no");
  expect(cloudConfig.bootcmd).toBeUndefined();
});

test("what the server prepares comes first in its cloud-init", () => {
  const { cloudConfig } = synth({ prepare: { bootcmd: [["echo", "first"]], write_files: [{ path: "/etc/first", content: "1" }] } });
  expect(cloudConfig.bootcmd).toEqual([["echo", "first"]]);
  expect(cloudConfig.write_files[0].path).toBe("/etc/first");
  expect(cloudConfig.packages).toEqual(["docker.io"]);
});

test("its known_hosts line pins the server's public IPv4 to the host key Terraform made", () => {
  const { stack, host } = build();
  new TerraformOutput(stack, "known_hosts", { value: host.knownHosts });
  expect(JSON.parse(Testing.synth(stack)).output.known_hosts.value).toMatch(/^\$\{hcloud_server\.app_server_\w+\.ipv4_address\} \$\{portable_ssh_host_key\.app_host-key_\w+\.public_key\}$/);
  expect(host.privateIp).toBe("10.10.1.21");
});
