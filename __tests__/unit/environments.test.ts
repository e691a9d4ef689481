import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EnvironmentError, loadEnvironments, validateEnvironment } from "../../lib/environment";

const SHIPPED = join(__dirname, "..", "..", "environments");

const valid = {
  provider: "hetzner", residency: "eu", location: "fsn1",
  service: { image: "ghcr.io/acme/api:1.4.2", size: "cx23" },
  database: { size: "cx23", postgres: 15 },
  backups: { retentionDays: 7 },
  state: { backend: "local" },
};

/** The problems validation reports for `raw`, as "field: message" lines. */
function problems(raw: unknown, file = "environments/test-env.ts"): string {
  try {
    validateEnvironment(raw, file);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvironmentError);
    return (err as Error).message;
  }
  throw new Error("expected validation to fail");
}

describe("shipped environments", () => {
  test("every file loads, named after its file", () => {
    const names = loadEnvironments(SHIPPED).map((e) => e.name);
    expect(names).toEqual(["gcp-prod", "gcp-staging", "hetzner-prod", "hetzner-staging", "local", "vps"]);
  });

  test("defaults are filled in and secure", () => {
    const local = loadEnvironments(SHIPPED).find((e) => e.name === "local")!;
    expect(local).toMatchObject({ provider: "docker", location: "de", protect: true, host: { bindAddress: "127.0.0.1" } });
    expect(local.service).toMatchObject({ replicas: 2, healthPath: "/healthz", port: 8080, secrets: {} });
  });
});

describe("malformed environment files", () => {
  test("a valid file passes", () => {
    expect(validateEnvironment(valid, "environments/test-env.ts")).toMatchObject({ name: "test-env", network: { adminCidrs: [] } });
  });

  test("unknown provider names the allowed providers", () => {
    expect(problems({ ...valid, provider: "aws" })).toContain('provider: "aws" — allowed: docker, hetzner, gcp');
  });

  test("missing field", () => {
    const { database: _omitted, ...raw } = valid;
    expect(problems(raw)).toContain("database: (missing) — required; expected object");
  });

  test("wrong type", () => {
    expect(problems({ ...valid, service: { ...valid.service, replicas: "two" } })).toContain('service.replicas: "two" — expected number, got string');
  });

  test("unknown key lists the fields allowed there", () => {
    const message = problems({ ...valid, backups: { retentionDays: 7, retention: 9 } });
    expect(message).toContain("backups.retention: 9 — unknown field; allowed here: retentionDays, schedule");
  });

  test("typo'd location lists the allowed ones", () => {
    expect(problems({ ...valid, location: "fsn" })).toContain('location: "fsn" — "fsn" is not a known hetzner location (allowed by policy "eu": fsn1, nbg1, hel1, eu-central)');
  });

  test("a non-EU location names the policy", () => {
    expect(problems({ ...valid, location: "ash" })).toContain('location: "ash" — "ash" (Ashburn, VA, US) is outside what policy "eu" allows');
  });

  test("eu-sovereign refuses GCP, and GCP DNS for a Hetzner backend", () => {
    const message = problems({ ...valid, residency: "eu-sovereign", dns: { provider: "gcp", zone: "acme.de", record: "api" } });
    expect(message).toContain('dns.provider: "gcp" — provider "gcp" is headquartered in US; policy "eu-sovereign"');
  });

  test("state in a non-EU bucket is refused", () => {
    const message = problems({ ...valid, state: { backend: "s3", bucket: "acme-state", location: "hil" } });
    expect(message).toContain('state.location: "hil" — "hil" (Hillsboro, OR, US) is outside what policy "eu" allows');
  });

  test("all problems of a file at once, each with file, field, value and what is allowed", () => {
    const message = problems({
      ...valid, location: "fsn9", colour: "blue",
      service: { image: "ghcr.io/acme/api:latest", replicas: 0, size: "cx23" },
      database: { postgres: 14, size: "cx23" },
    }, "environments/broken.ts");
    expect(message.split("\n")).toEqual([
      "environments/broken.ts: 5 problems, no stack was synthesized:",
      '  - service.image: "ghcr.io/acme/api:latest" — a pinned tag: ":latest" makes deploys irreproducible',
      "  - service.replicas: 0 — expected at least 1",
      "  - database.postgres: 14 — allowed: 15, 16, 17",
      '  - colour: "blue" — unknown field; allowed here: provider, residency, location, service, database, bucket, dns, backups, protect, serverImage, network, sshKeys, state',
      '  - location: "fsn9" — "fsn9" is not a known hetzner location (allowed by policy "eu": fsn1, nbg1, hel1, eu-central)',
    ]);
  });

  test("loading a folder reports every bad file, and returns nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "envs-"));
    writeFileSync(join(dir, "good.ts"), `export default ${JSON.stringify(valid)};`);
    writeFileSync(join(dir, "bad-one.ts"), `export default ${JSON.stringify({ ...valid, provider: "azure" })};`);
    writeFileSync(join(dir, "bad-two.ts"), `export default ${JSON.stringify({ ...valid, location: "sin" })};`);
    let error: unknown;
    try { loadEnvironments(dir, dir); } catch (err) { error = err; }
    expect(error).toBeInstanceOf(EnvironmentError);
    expect([...(error as EnvironmentError).problemsByFile.keys()]).toEqual(["bad-one.ts", "bad-two.ts"]);
    expect((error as Error).message).toMatch(/bad-one\.ts: 1 problem[\s\S]*provider: "azure"[\s\S]*bad-two\.ts: 1 problem[\s\S]*location: "sin"/);
  });
});
