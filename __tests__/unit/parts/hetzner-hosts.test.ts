import { DataTerraformRemoteStateLocal, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { HetznerHosts, HetznerHostsProps } from "../../../constructs/hetzner/hosts";
import { bareStack, resourcesOf } from "../../support/synthesized";

/** The machines' stack's state, as a stand-in: a local file. */
const machinesState: HetznerHostsProps["machinesState"] = (scope, id) => new DataTerraformRemoteStateLocal(scope, id, { path: "machines.tfstate" });

function build(props: Partial<HetznerHostsProps> = {}) {
  const stack = bareStack();
  const hosts = new HetznerHosts(stack, "hosts", { name: "shop", machinesState, cidr: "10.10.0.0/16", buckets: { location: "fsn1" }, ...props });
  return { stack, hosts };
}
const synth = (props: Partial<HetznerHostsProps> = {}) => JSON.parse(Testing.synth(build(props).stack));
/** `value` as the synthesized stack has it (its tokens resolved), and the stack. */
function resolved(stack: TerraformStack, value: unknown) {
  new TerraformOutput(stack, "probe", { value });
  const parsed = JSON.parse(Testing.synth(stack));
  return { value: parsed.output.probe.value, parsed };
}
/** A reference to one of the machines' stack's outputs, as Terraform sees it. */
const machineOutput = (name: string) => expect.stringMatching(new RegExp(`^\\$\\{data\\.terraform_remote_state\\.hosts_machines_\\w+\\.outputs\\.${name}\\}$`));

test("one Docker engine per server, reached at the ssh address and pinned to the host key the machines' stack made", () => {
  const parsed = synth({ dataServer: true, appServers: 2 });
  expect(parsed.data.terraform_remote_state).toBeDefined();
  expect(parsed.provider.docker.map((p: any) => p.alias)).toEqual(["data", "app-1", "app-2"]);
  const data = parsed.provider.docker[0];
  expect(data.host).toEqual(machineOutput("data_ssh"));
  expect(data.ssh_opts.join(" ")).toMatch(/StrictHostKeyChecking=yes .*KnownHostsCommand=\/bin\/echo \$\{data\.terraform_remote_state\.hosts_machines_\w+\.outputs\.data_known_hosts\}/);
});

test("each engine has the environment's internal and edge networks, on its own provider", () => {
  const json = Testing.synth(build({ dataServer: true }).stack);
  const networks = resourcesOf(json, "docker_network").map(([, n]) => [n.name, n.provider]);
  expect(networks.sort()).toEqual([["shop-edge", "docker.app-1"], ["shop-edge", "docker.data"], ["shop-internal", "docker.app-1"], ["shop-internal", "docker.data"]]);
});

test("the servers' private addresses follow from the network, as the machines' stack placed them", () => {
  const { hosts } = build({ dataServer: true, appServers: 2 });
  expect(hosts.data?.privateIp).toBe("10.10.1.10");
  expect(hosts.apps.map((a) => a.privateIp)).toEqual(["10.10.1.21", "10.10.1.22"]);
});

test("the release command and the workers run on the data server, or on the first app server without one", () => {
  const withData = build({ dataServer: true }).hosts;
  expect(withData.main).toBe(withData.data);
  const without = build().hosts;
  expect(without.data).toBeUndefined();
  expect(without.apps).toHaveLength(1);
  expect(without.main).toBe(without.apps[0]);
});

test("no bucket made: no Object Storage, no keys asked for", () => {
  const { stack, hosts } = build();
  expect(hosts.storage).toBeUndefined();
  expect(hosts.offsite).toBeUndefined();
  expect(() => hosts.bucket()).toThrow(/no bucket/);
  expect(JSON.parse(Testing.synth(stack)).variable).toBeUndefined();
});

test("the app's bucket by the name the machines' stack made it with, where its outputs say, with the deployer's keys", () => {
  const { stack, hosts } = build({ buckets: { location: "fsn1", dataBucket: { name: "shop-data" } } });
  const { value: bucket, parsed } = resolved(stack, hosts.bucket());
  expect(Object.keys(parsed.variable)).toEqual(["object_storage_access_key", "object_storage_secret_key"]);
  expect(hosts.storage?.backupBucket).toBeUndefined();
  expect(bucket).toEqual({
    name: "shop-data", dataBucket: "shop-data",
    endpoint: machineOutput("object_storage_endpoint"), region: machineOutput("object_storage_region"),
    accessKeyId: "${var.object_storage_access_key}", secretAccessKey: "${var.object_storage_secret_key}",
  });
});

test("the off-site store the machines' stack made, with the same keys", () => {
  const { stack, hosts } = build({ buckets: { location: "fsn1", backupBucket: "shop-data-backups", offsite: { bucket: "shop-data-offsite", location: "hel1" } } });
  expect(hosts.storage?.backupBucket).toBe("shop-data-backups");
  expect(resolved(stack, hosts.offsite).value).toEqual({
    bucket: "shop-data-offsite", endpoint: machineOutput("offsite_endpoint"), region: machineOutput("offsite_region"),
    accessKeyId: "${var.object_storage_access_key}", secretAccessKey: "${var.object_storage_secret_key}",
  });
});
