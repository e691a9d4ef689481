import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { build } from "esbuild";
import { parse } from "yaml";
import { loadEnvironments } from "../../lib/environment";
import { affectedStacks, matrix } from "../../scripts/affected";
import { selectStacks } from "../../scripts/lib/stack-runner";

// Which stacks a pull request plans and a push deploys: its own environment file's, or all of them when
// the change is in code every stack is built from. `local` is a person's machine and never in CI.
const ROOT = join(__dirname, "..", "..");
const environments = loadEnvironments(join(ROOT, "environments"));
const affected = (...files: string[]) => affectedStacks(files, environments).map((env) => env.name);
const CI_STACKS = ["gcp-prod", "gcp-staging", "hetzner-prod", "hetzner-staging", "vps"];

const SHARED_FILES = ["constructs/backend-stack.ts", "lib/residency/policy.ts", "main.ts", "cdktf.json", "scripts/cdktf-app.cjs", "scripts/app-runner/vendor.cjs", "package.json", "package-lock.json", "images/catalog.ts", "patches/terraform-provider-docker/0001-network-read-without-delay.patch", "providers/internal/s3/bucket.go"];

test("an environment file touches its own stack only", () => {
  expect(affected("environments/hetzner-staging.ts")).toEqual(["hetzner-staging"]);
  expect(affected("environments/gcp-prod.ts", "README.md")).toEqual(["gcp-prod"]);
});

test.each(SHARED_FILES)("%s touches every stack CI can reach", (file) => {
  expect(affected(file)).toEqual(CI_STACKS);
});

test("local is never planned or deployed by CI, and unrelated files touch nothing", () => {
  expect(affected("environments/local.ts")).toEqual([]);
  expect(affected("README.md", "app/main.go", "__tests__/unit/affected.test.ts")).toEqual([]);
});

/** A workflow `paths:` glob as a regular expression (`**` any depth, `*` within a folder). */
const globToRegExp = (glob: string) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*\*/g, "\0").replace(/\*/g, "[^/]*").replace(/\0/g, ".*")}$`);

test.each(["pr-plan.yml", "deploy.yml"])("%s runs for every file that affects a stack", (name) => {
  const workflow = parse(readFileSync(join(ROOT, ".github", "workflows", name), "utf8"));
  const paths: RegExp[] = (workflow.on.pull_request ?? workflow.on.push).paths.map(globToRegExp);
  for (const file of [...SHARED_FILES, "environments/gcp-prod.ts"]) expect({ file, triggers: paths.some((p) => p.test(file)) }).toEqual({ file, triggers: true });
});

/**
 * Every file of this repository whose code runs with a stack's credentials in CI: what the scripts the
 * workflows run with them import (esbuild follows the imports), the app they synthesize, the launcher, the
 * workflows and the actions holding the credentials.
 */
async function deployTimeCode(): Promise<string[]> {
  const entryPoints = ["main.ts", "scripts/plan.ts", "scripts/deploy.ts", "scripts/drift.ts", "scripts/app-secrets.ts", "scripts/providers.ts", "scripts/tools.ts"];
  const result = await build({
    entryPoints: entryPoints.map((e) => join(ROOT, e)), bundle: true, write: false, metafile: true, platform: "node", packages: "external", outdir: "/nowhere", logLevel: "silent",
  });
  // .gen/ is not in the repository: cdktf generates it from cdktf.json (in the filters) at install.
  const imported = Object.keys(result.metafile.inputs).map((file) => relative(ROOT, join(ROOT, file))).filter((file) => !file.startsWith(".gen/"));
  const launcher = ["scripts/cdktf-app.cjs", "scripts/lib/node-internals.cjs", ...readdirSync(join(ROOT, "scripts", "app-runner")).map((f) => `scripts/app-runner/${f}`), ...readdirSync(join(ROOT, "scripts", "cdktf-cli")).map((f) => `scripts/cdktf-cli/${f}`)];
  const github = [".github/actions/cloud-credentials/action.yml", ".github/actions/setup/action.yml", ".github/workflows/deploy.yml", ".github/workflows/drift.yml"];
  return [...new Set([...imported, ...launcher, ...github, "package.json", "package-lock.json", "tsconfig.json"])].sort();
}

test("every file whose code runs with deploy credentials triggers the pull-request plan and the deploy, and is planned for every stack", async () => {
  const files = await deployTimeCode();
  expect(files).toEqual(expect.arrayContaining(["scripts/lib/stack-runner.ts", "scripts/lib/plan-fingerprint.ts", "lib/cost/index.ts", "scripts/cdktf-cli/patch.cjs"]));
  for (const name of ["pr-plan.yml", "deploy.yml"]) {
    const workflow = parse(readFileSync(join(ROOT, ".github", "workflows", name), "utf8"));
    const paths: RegExp[] = (workflow.on.pull_request ?? workflow.on.push).paths.map(globToRegExp);
    const missed = files.filter((file) => !paths.some((p) => p.test(file)));
    expect({ workflow: name, missed }).toEqual({ workflow: name, missed: [] });
  }
  const notPlanned = files.filter((file) => affected(file).join() !== CI_STACKS.join());
  expect(notPlanned).toEqual([]);
});

test("the matrix names each environment, its provider, and the stacks a deploy of it is given, in order", () => {
  expect(matrix(environments.filter((e) => ["hetzner-prod", "vps"].includes(e.name))).include).toEqual([
    { stack: "hetzner-prod", provider: "hetzner", stacks: "hetzner-prod hetzner-prod-apps" },
    { stack: "vps", provider: "docker", stacks: "vps" },
  ]);
});

test("plan and drift take an environment's name for all its stacks (Hetzner's two, machines first), or one stack's name", () => {
  const names = (...requested: string[]) => selectStacks(requested).map((s) => s.name);
  expect(names("hetzner-prod")).toEqual(["hetzner-prod", "hetzner-prod-apps"]);
  expect(names("hetzner-prod-apps", "vps")).toEqual(["hetzner-prod-apps", "vps"]);
  expect(names()).toEqual(["gcp-prod", "gcp-staging", "hetzner-prod", "hetzner-prod-apps", "hetzner-staging", "hetzner-staging-apps", "local", "vps"]);
  expect(() => names("hetzner-test")).toThrow(/unknown stack hetzner-test: the stacks are gcp-prod, .*hetzner-prod-apps/);
});
