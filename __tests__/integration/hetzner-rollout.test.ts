import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireEngine } from "../../scripts/lib/engine";
import { offlineInit, offlinePlanJson, ROOT, synthApp } from "./helpers";

// A release on Hetzner: the environment files in two copies, the second with a new app image, are
// planned offline against the same state, one that holds the servers as the first copy deployed them
// (built from the first copy's own plan: the random password's value, each server's user_data hash
// as the provider stores it). State is read as is (-refresh=false): there is no API to ask.
const DUMMY_ENV = {
  HCLOUD_TOKEN: "0123456789abcdef".repeat(4),
  TF_VAR_object_storage_access_key: "dummy-access-key",
  TF_VAR_object_storage_secret_key: "dummy-secret-key",
};
const STACKS = ["hetzner-staging", "hetzner-prod"];

function environments(image: string): string {
  const dir = mkdtempSync(join(tmpdir(), "envs-"));
  for (const stack of STACKS) {
    const text = readFileSync(join(ROOT, "environments", `${stack}.ts`), "utf8")
      .replace('from "../lib/environment"', `from ${JSON.stringify(join(ROOT, "lib", "environment"))}`);
    expect(text).toContain('image: "ghcr.io/acme/api:1.4.2"');
    writeFileSync(join(dir, `${stack}.ts`), text.replace('image: "ghcr.io/acme/api:1.4.2"', `image: "${image}"`));
  }
  return dir;
}

function synth(image: string): string {
  const { outdir, result } = synthApp({ ENVIRONMENTS_DIR: environments(image) });
  expect(result.stderr).toBe("");
  expect(result.exitCode).toBe(0);
  return outdir;
}

type Change = { address: string; type: string; change: { actions: string[]; after: Record<string, any>; replace_paths?: unknown[] } };
type Plan = { planned_values: { root_module: { resources: { address: string; type: string; name: string; schema_version: number; values: Record<string, any> }[] } }; resource_changes: Change[] };

const init = (stackDir: string) => offlineInit(stackDir, "release.tfstate");
const plan = (stackDir: string) => offlinePlanJson<Plan>(stackDir, DUMMY_ENV, ["-refresh=false"]);

/** A state holding the servers and the random password as `planned` would have created them. */
function deployedState(planned: Plan, userData: (address: string) => string): object {
  const providers: Record<string, string> = { hcloud_server: "hetznercloud/hcloud", random_password: "hashicorp/random" };
  let id = 1000;
  const resources = planned.planned_values.root_module.resources.filter((r) => r.type in providers).map((r) => {
    const values = r.type === "random_password"
      ? { ...r.values, id: "none", result: "p".repeat(r.values.length), bcrypt_hash: "$2a$10$stand.in.hash" }
      : {
        ...r.values, id: String(++id), status: "running", user_data: userData(r.address), firewall_ids: [1],
        ipv4_address: "192.0.2.10", ipv6_address: "2001:db8::1", ipv6_network: "2001:db8::/64",
        network: r.values.network.map((n: object) => ({ ...n, network_id: 1, alias_ips: [], mac_address: "86:00:00:00:00:01" })),
        public_net: r.values.public_net.map((p: object) => ({ ...p, ipv4: 11, ipv6: 12 })),
      };
    return { mode: "managed", type: r.type, name: r.name, provider: `provider["registry.terraform.io/${providers[r.type]}"]`, instances: [{ schema_version: r.schema_version, attributes: values }] };
  });
  return { version: 4, terraform_version: requireEngine().version, serial: 1, lineage: "release-test", outputs: {}, resources };
}

const servers = (p: Plan) => p.resource_changes.filter((c) => c.type === "hcloud_server");
const isApp = (c: Change) => /_service_app-\d+_/.test(c.address);

// Each copy is synthesized once: a synth writes both stacks, and each stack plans in its own folder.
let outdirs: string[]; // the current files' synth, then the one with the new image
beforeAll(() => {
  outdirs = [synth("ghcr.io/acme/api:1.4.2"), synth("ghcr.io/acme/api:1.5.0")];
});

describe.each(STACKS)("%s: a new app image", (stack) => {
  let current: Plan; // the deployed files, planned against their own deployment
  let release: Plan; // the files with the new image, against the same deployment
  beforeAll(() => {
    const [before, after] = outdirs.map((out) => join(out, "stacks", stack));
    init(before);
    init(after);
    const fresh = plan(before);
    // The provider keeps a hash of user_data in state; what it plans for a server is that hash.
    writeFileSync(join(before, "release.tfstate"), JSON.stringify(deployedState(fresh, () => "stand-in")));
    const hashes = new Map(servers(plan(before)).map((c) => [c.address, c.change.after.user_data as string]));
    writeFileSync(join(before, "release.tfstate"), JSON.stringify(deployedState(fresh, (address) => hashes.get(address)!)));
    copyFileSync(join(before, "release.tfstate"), join(after, "release.tfstate"));
    current = plan(before);
    release = plan(after);
  });

  test("the stand-in deployment is what the current files describe: no server would be replaced", () => {
    expect(servers(current).length).toBeGreaterThan(1);
    for (const c of servers(current)) expect({ server: c.address, actions: c.change.actions }).toEqual({ server: c.address, actions: expect.not.arrayContaining(["delete"]) });
  });

  test("replaces every app server, because of its user_data, and leaves the database server alone", () => {
    const apps = servers(release).filter(isApp);
    expect(apps).toHaveLength(stack === "hetzner-prod" ? 2 : 1);
    for (const c of apps) {
      expect(c.change.actions).toEqual(["delete", "create"]);
      expect(c.change.replace_paths).toEqual([["user_data"]]);
      expect(c.change.after.delete_protection).toBe(false); // protection would make the replacement fail
    }
    const database = servers(release).filter((c) => !isApp(c));
    expect(database).toHaveLength(1);
    expect(database[0].change.actions).not.toContain("delete");
  });
});
