import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localImages } from "../../images/catalog";
import { containersOf, docker, environmentVariant, npmRun, removeLeftovers, requireDocker } from "./docker";
import { terraform } from "./helpers";

// `npm run deploy -- <stack> --approved <dir>` (scripts/deploy.ts) against the real Docker Engine: it applies
// the plan a person approved (made earlier by `npm run plan`, as the deploy workflow's plan job does) only
// while a fresh plan is the same, so a file changed after the approval, or an approval used a second time,
// applies nothing. A small Docker environment: the app behind the proxy, no database or bucket.
jest.setTimeout(600_000);

const NAME = "deploy-approved";
const PORT = 18_471;
const work = mkdtempSync(join(tmpdir(), "deploy-approved-"));
const overrides = (version: string) => [
  `host: { ...base.host, httpPort: ${PORT}, httpsPort: ${PORT + 1} }`,
  // The example app without a database (images/example-app): health at /api/health, its key as plain configuration here.
  `service: { image: ${JSON.stringify(localImages.exampleApp)}, replicas: 1, port: 8000, healthPath: "/api/health", env: { APP_VERSION: "${version}", SECRET_KEY: "test-only" } }`,
  "database: false, bucket: false, backups: undefined, protect: false",
  `state: { backend: "local", path: ${JSON.stringify(join(work, "state.tfstate"))} }`,
].join(", ");
const envDir = environmentVariant(NAME, "local", overrides("1.0.0"));
const envFile = join(envDir, `${NAME}.ts`);
const env = { ENVIRONMENTS_DIR: envDir, CDKTF_OUTDIR: join(work, "cdktf.out") };
const run = (script: string, args: string[]) => npmRun(script, args, env);

beforeAll(() => {
  requireDocker();
  removeLeftovers(NAME);
  const plan = run("plan", [NAME, "--out", join(work, "approved")]);
  expect({ code: plan.exitCode, stderr: plan.stderr }).toEqual({ code: 0, stderr: "" });
  expect(plan.stdout).toMatch(new RegExp(`^${NAME}: Plan: \\d+ to add, 0 to change, 0 to destroy\\.$`, "m"));
});

afterAll(() => {
  terraform(["destroy", "-auto-approve", "-input=false", "-no-color"], join(work, "cdktf.out", "stacks", NAME));
  removeLeftovers(NAME);
  rmSync(work, { recursive: true, force: true });
  rmSync(envDir, { recursive: true, force: true });
});

test("a file changed after the approval: the fresh plan differs, nothing is applied, and the message names what differs", () => {
  const approvedFile = readFileSync(envFile, "utf8");
  writeFileSync(envFile, approvedFile.replace('APP_VERSION: "1.0.0"', 'APP_VERSION: "1.0.1"'));
  try {
    const deploy = run("deploy", [NAME, "--approved", join(work, "approved")]);
    expect(deploy.exitCode).toBe(1);
    expect(deploy.stderr).toMatch(new RegExp(`^npm run deploy: ${NAME}: the plan is not the approved one; nothing of it was applied\\. Differing: .*docker_container\\.`));
    expect(containersOf(NAME, true)).toEqual([]);
  } finally {
    writeFileSync(envFile, approvedFile);
  }
});

test("the approved plan is applied when the fresh one is the same: the app answers on its port", async () => {
  const deploy = run("deploy", [NAME, "--approved", join(work, "approved")]);
  expect({ code: deploy.exitCode, stderr: deploy.stderr }).toEqual({ code: 0, stderr: "" });
  expect(deploy.stdout).toContain(`${NAME}: the plan is the approved one; applying it`);
  expect(deploy.stdout).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed\./);
  const app = containersOf(NAME).find((c) => docker(["inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", c]).includes("APP_VERSION=1.0.0"));
  expect(app).toBeDefined();
  const response = await fetch(`http://127.0.0.1:${PORT}/api/health`);
  expect(response.status).toBe(200);
});

test("an approval is used once: applied, the same approval no longer matches (there is nothing left to do) and is refused", () => {
  const before = containersOf(NAME);
  const deploy = run("deploy", [NAME, "--approved", join(work, "approved")]);
  expect(deploy.exitCode).toBe(1);
  expect(deploy.stderr).toContain(`${NAME}: the plan is not the approved one; nothing of it was applied.`);
  expect(containersOf(NAME)).toEqual(before);
});

test("without --approved, or with a folder that is not there, nothing runs", () => {
  expect(run("deploy", [NAME]).stderr).toBe(`npm run deploy: --approved is required\nusage: npm run deploy -- <stack ...> --approved <dir of the approved plans (npm run plan -- <stack ...> --out <dir>)>`);
  expect(run("deploy", [NAME, "--approved", join(work, "nowhere")]).stderr).toMatch(/^npm run deploy: --approved .*nowhere: no such directory/);
});
