import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { environmentStacks } from "../../constructs/backend-stack";
import { EnvironmentError, loadEnvironments } from "../../lib/environment";
import { VALID_HETZNER } from "../support/valid-environment";

// What only shows across environment files: a shared state, one state bucket in two locations, one DNS
// zone created twice. All are found at load, listed at once, and nothing is synthesized.
const s3State = (key: string, location = "fsn1") => ({ backend: "s3", bucket: "acme-tfstate", location, key });
const dns = (record: string, createZone?: boolean) => ({ provider: "hetzner", zone: "acme.de", record, ...(createZone === undefined ? {} : { createZone }) });

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Loads a folder of environment files (name → data); returns the environments or the problems by file. */
function load(files: Record<string, object>) {
  const dir = mkdtempSync(join(tmpdir(), "envs-"));
  dirs.push(dir);
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, `${name}.ts`), `export default ${JSON.stringify(data)};`);
  try {
    return { environments: loadEnvironments(dir, dir).map((e) => e.name) };
  } catch (err) {
    expect(err).toBeInstanceOf(EnvironmentError);
    return { problems: Object.fromEntries([...(err as EnvironmentError).problemsByFile].map(([file, list]) => [file, list.map((p) => `${p.field}: ${p.message}`)])) };
  }
}

test("two stacks may share a state bucket and a zone: their own keys, one creates the zone", () => {
  expect(load({
    prod: { ...VALID_HETZNER, dns: dns("api"), state: s3State("prod/terraform.tfstate") },
    staging: { ...VALID_HETZNER, location: "nbg1", bucket: { location: "fsn1" }, dns: dns("api-staging", false), state: s3State("staging/terraform.tfstate") },
  })).toEqual({ environments: ["prod", "staging"] });
});

test("two stacks with one state, a bucket in two locations and a zone created twice: each problem named on the later file", () => {
  expect(load({
    a: { ...VALID_HETZNER, dns: dns("api"), state: s3State("shared.tfstate") },
    b: { ...VALID_HETZNER, dns: dns("api-b"), state: s3State("shared.tfstate", "nbg1") },
  })).toEqual({
    problems: {
      "b.ts": [
        "state: the same state as a.ts: the two stacks would overwrite each other's state; give each its own key",
        "state.location: a.ts has state bucket \"acme-tfstate\" in fsn1: a bucket is in one location",
        "dns.createZone: a.ts creates zone \"acme.de\" already, and a domain is delegated to one zone: set createZone: false to put the records in that zone, or use a zone of its own (a subdomain delegated from it)",
      ],
    },
  });
});

test("the defaults count: two local states left at their default paths are different files, one path given twice is one", () => {
  expect(load({ one: VALID_HETZNER, two: VALID_HETZNER })).toEqual({ environments: ["one", "two"] });
  const state = { backend: "local", path: "/tmp/shared.tfstate" };
  expect(load({ one: { ...VALID_HETZNER, state }, two: { ...VALID_HETZNER, state } }).problems?.["two.ts"])
    .toEqual(["state: the same state as one.ts: the two stacks would overwrite each other's state; give each its own path"]);
});

describe("records in a zone another stack owns (dns.createZone: false)", () => {
  const synth = (files: Record<string, object>, name: string) => {
    const dir = mkdtempSync(join(tmpdir(), "envs-"));
    dirs.push(dir);
    for (const [file, data] of Object.entries(files)) writeFileSync(join(dir, `${file}.ts`), `export default ${JSON.stringify(data)};`);
    const env = loadEnvironments(dir, dir).find((e) => e.name === name)!;
    // Hetzner's records are in its first stack, the machines' (they point at its addresses).
    return JSON.parse(Testing.synth(environmentStacks(Testing.app(), env)[0]));
  };

  test("Hetzner: no zone of its own; the records name the zone", () => {
    const json = synth({ staging: { ...VALID_HETZNER, dns: dns("api-staging", false) } }, "staging");
    expect(json.resource.hcloud_zone).toBeUndefined();
    const records = Object.values<any>(json.resource.hcloud_zone_rrset);
    expect(records.map((r) => ({ zone: r.zone, name: r.name, type: r.type })).sort((a, b) => a.type.localeCompare(b.type)))
      .toEqual([{ zone: "acme.de", name: "api-staging", type: "A" }, { zone: "acme.de", name: "api-staging", type: "AAAA" }]);
  });

  test("the owner creates the zone and puts its records in it", () => {
    const json = synth({ prod: { ...VALID_HETZNER, dns: dns("api") } }, "prod");
    expect(Object.values<any>(json.resource.hcloud_zone).map((z) => z.name)).toEqual(["acme.de"]);
    expect(Object.values<any>(json.resource.hcloud_zone_rrset).map((r) => r.zone)).toEqual([expect.stringMatching(/^\$\{hcloud_zone\..+\.name\}$/), expect.stringMatching(/^\$\{hcloud_zone\..+\.name\}$/)]);
  });
});

test("a Google Cloud environment's bootstrap keeps a state of its own: another stack may not use it", () => {
  const gcp = (prefix: string) => ({
    provider: "gcp", residency: "eu", project: "acme-4711", location: "europe-west3",
    service: { image: "europe-west3-docker.pkg.dev/acme-4711/apps/api:1.0.0" }, database: false, bucket: false,
    state: { backend: "gcs", bucket: "acme-tfstate", location: "europe-west3", prefix },
  });
  const result = load({ a: gcp("app"), b: gcp("app-bootstrap") });
  expect(result.problems?.[Object.keys(result.problems ?? {})[0]]).toEqual([
    expect.stringMatching(/^state: the same state as .*a\.ts: the two stacks would overwrite each other's state; give each its own prefix$/),
  ]);
});
