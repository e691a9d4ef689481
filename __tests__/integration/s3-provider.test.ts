import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { localImages } from "../../images/catalog";
import { PINNED_PROVIDERS } from "../../lib/providers";
import { docker, requireDocker } from "./docker";
import { terraform, terraformOk } from "./helpers";

// The project's own s3 provider (providers/internal/s3), which replaced an AGPL one, against a real S3
// server on this machine: the Docker target's object store (VersityGW), with versioning on. Apply, plan
// clean, change, import, drift made by hand, a bucket with data refused on destroy, force_destroy.
// (VersityGW has no lifecycle support: the expiry rules are covered by the provider's Go tests.)
jest.setTimeout(300_000);

const STORE = "s3-provider-test";
// Made for this run: the store exists only while the test does.
const KEYS = { access: `S3TEST${randomBytes(7).toString("hex").toUpperCase()}`, secret: randomBytes(20).toString("hex") };
const dir = mkdtempSync(join(tmpdir(), "s3-provider-"));
let endpoint: string;

function writeConfig(buckets: Record<string, { versioning?: boolean; forceDestroy?: boolean }>): void {
  const resource = Object.fromEntries(Object.entries(buckets).map(([name, b]) => [name, {
    bucket: name, ...(b.versioning !== undefined && { versioning: b.versioning }), ...(b.forceDestroy && { force_destroy: true }),
  }]));
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify({
    terraform: { required_providers: { s3: { source: PINNED_PROVIDERS.s3.source, version: PINNED_PROVIDERS.s3.version } } },
    provider: { s3: { endpoint, region: "us-east-1", access_key: KEYS.access, secret_key: KEYS.secret } },
    resource: { s3_bucket: resource },
  }, null, 2));
}

/** An S3 client that is not the provider: rclone in the backup image, in the store's network namespace; `input` is its stdin. */
function rclone(args: string[], input?: string): string {
  return execa.sync("docker", ["run", "--rm", "-i", "--network", `container:${STORE}`, "--entrypoint", "rclone",
    "-e", "RCLONE_CONFIG_S_TYPE=s3", "-e", "RCLONE_CONFIG_S_PROVIDER=Other", "-e", "RCLONE_CONFIG_S_ENDPOINT=http://127.0.0.1:7070",
    "-e", `RCLONE_CONFIG_S_ACCESS_KEY_ID=${KEYS.access}`, "-e", `RCLONE_CONFIG_S_SECRET_ACCESS_KEY=${KEYS.secret}`, "-e", "RCLONE_CONFIG_S_FORCE_PATH_STYLE=true",
    localImages.backup, ...args], { input: input ?? "" }).stdout.trim();
}

const plan = (args: string[] = []) => terraform(["plan", "-detailed-exitcode", "-input=false", "-no-color", ...args], dir);
const apply = () => terraformOk(["apply", "-auto-approve", "-input=false", "-no-color"], dir);

beforeAll(() => {
  requireDocker();
  docker(["rm", "-f", STORE]);
  docker(["run", "-d", "--name", STORE, "-p", "127.0.0.1::7070", "--tmpfs", "/versions:uid=65532,gid=65532",
    "-e", "VGW_VERSIONING_DIR=/versions", "-e", `ROOT_ACCESS_KEY=${KEYS.access}`, "-e", `ROOT_SECRET_KEY=${KEYS.secret}`, localImages.objectstore]);
  endpoint = `http://${docker(["port", STORE, "7070"]).split("\n")[0]}`;
  writeConfig({ alpha: { versioning: true }, beta: {} });
  terraformOk(["init", "-input=false", "-no-color"], dir);
});

afterAll(() => docker(["rm", "-f", STORE]));

test("apply creates the buckets as configured; a second plan is empty", async () => {
  const deadline = Date.now() + 30_000;
  while (!(await fetch(`${endpoint}/health`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline) throw new Error(`the S3 server at ${endpoint} did not answer`);
    await new Promise((r) => setTimeout(r, 250));
  }
  apply();
  expect(rclone(["lsd", "s:"])).toMatch(/alpha[\s\S]*beta/);
  expect(rclone(["backend", "versioning", "s:alpha"])).toBe("Enabled");
  expect(plan().exitCode).toBe(0);
});

test("a change is an update in place", () => {
  writeConfig({ alpha: { versioning: false }, beta: {} });
  const changed = plan();
  expect(changed.exitCode).toBe(2);
  expect(changed.stdout).toMatch(/s3_bucket\.alpha will be updated in-place[\s\S]*versioning\s+= true -> false/);
  apply();
  expect(rclone(["backend", "versioning", "s:alpha"])).toBe("Suspended");
  expect(plan().exitCode).toBe(0);
});

test("import by name: a bucket Terraform forgot is managed again, with no changes", () => {
  terraformOk(["state", "rm", "s3_bucket.beta"], dir);
  expect(plan().stdout).toMatch(/s3_bucket\.beta will be created/);
  terraformOk(["import", "-input=false", "-no-color", "s3_bucket.beta", "beta"], dir);
  expect(plan().exitCode).toBe(0);
});

test("drift: versioning changed by hand, and a bucket deleted by hand, show in a refresh-only plan", () => {
  rclone(["backend", "versioning", "s:alpha", "Enabled"]);
  const drift = plan(["-refresh-only"]);
  expect(drift.exitCode).toBe(2);
  expect(drift.stdout).toMatch(/s3_bucket\.alpha has changed[\s\S]*versioning\s+= false -> true/);
  rclone(["rmdir", "s:beta"]);
  expect(plan(["-refresh-only"]).stdout).toMatch(/s3_bucket\.beta has been deleted/);
  apply(); // both as configured again
  expect(plan().exitCode).toBe(0);
});

test("destroy never deletes data unless told to: a bucket with an object stays, named in the error; force_destroy empties it", () => {
  rclone(["rcat", "s:beta/pupils.csv"], "name,mark\n");
  const kept = terraform(["destroy", "-auto-approve", "-input=false", "-no-color"], dir);
  expect(kept.exitCode).not.toBe(0);
  expect(kept.stderr.replace(/\s+/g, " ")).toContain("Bucket beta holds data, so it was not deleted");
  expect(rclone(["lsf", "s:beta"])).toBe("pupils.csv");

  writeConfig({ alpha: { versioning: true }, beta: { forceDestroy: true } });
  apply();
  terraformOk(["destroy", "-auto-approve", "-input=false", "-no-color"], dir);
  expect(rclone(["lsd", "s:"])).toBe("");
});
