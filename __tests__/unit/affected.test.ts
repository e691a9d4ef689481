import { readFileSync } from "node:fs";
import { join } from "node:path";
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
