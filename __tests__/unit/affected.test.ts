import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadEnvironments } from "../../lib/environment";
import { affectedStacks } from "../../scripts/affected";

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
