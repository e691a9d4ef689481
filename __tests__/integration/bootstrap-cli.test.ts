import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { appCommand } from "../../scripts/lib/app-command";

// `npm run bootstrap` (scripts/bootstrap.ts) as a user runs it, with the real terraform and google provider,
// offline: --plan of a first bootstrap (state in a local file, as before the state bucket exists) plans the
// stack and writes no state; an environment without a bootstrap is refused with a message, nothing run.
jest.setTimeout(300_000);

const ROOT = join(__dirname, "..", "..");
let out: string;
beforeAll(() => { out = mkdtempSync(join(tmpdir(), "bootstrap-cli-")); });
afterAll(() => rmSync(out, { recursive: true, force: true }));

function bootstrap(args: string[]) {
  const app = appCommand("scripts/bootstrap.ts");
  return execa(app.file, [...app.args, ...args], {
    cwd: ROOT, reject: false, env: { CDKTF_OUTDIR: out, GOOGLE_OAUTH_ACCESS_TOKEN: "dummy-access-token", NO_COLOR: "1" },
  });
}

test("--first --plan: the bootstrap planned with its state in a local file; nothing applied, no state written", async () => {
  const result = await bootstrap(["gcp-staging", "--first", "--plan"]);
  expect({ code: result.exitCode, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
  expect(result.stdout).toMatch(/google_artifact_registry_repository\.images\S* will be created/);
  expect(result.stdout).toMatch(/google_storage_bucket\.state-bucket\S* will be created/);
  expect(result.stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
  const config = JSON.parse(readFileSync(join(out, "bootstrap", "stacks", "gcp-staging-bootstrap", "cdk.tf.json"), "utf8"));
  expect(config.terraform.backend.local.path).toBe(join(ROOT, "terraform.gcp-staging-bootstrap.tfstate"));
  expect(existsSync(join(ROOT, "terraform.gcp-staging-bootstrap.tfstate"))).toBe(false);
});

test.each([
  [["local"], "environments/local.ts: a docker environment has no bootstrap (its first deploy needs none: npx cdktf deploy local); the ones with a bootstrap: gcp-prod, gcp-staging"],
  [["gcp-nowhere"], "no environment gcp-nowhere in "],
  [["gcp-prod", "gcp-staging"], "expected one environment, got 2\nusage: npm run bootstrap -- <gcp-env> [--first] [--plan] [--auto-approve]"],
  [["gcp-prod", "--yes"], "Unknown option '--yes'"],
])("%j is refused with a message, nothing synthesized or run", async (args, message) => {
  const result = await bootstrap(args);
  expect(result.exitCode).toBe(1);
  expect(result.stderr).toContain(`npm run bootstrap: ${message}`);
  expect(result.stderr).not.toMatch(/^\s+at /m);
});
