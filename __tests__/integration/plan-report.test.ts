import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { App, DataResource, LocalBackend, TerraformStack } from "cdktf";
import { Id } from "@cdktf/provider-random/lib/id";
import { Pet } from "@cdktf/provider-random/lib/pet";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { pinProviderVersions } from "../../constructs/backend-stack";
import { BODY_LIMIT } from "../../scripts/github/markdown";
import { planTextOf } from "../../scripts/lib/plan-output";
import { redactPlan } from "../../scripts/lib/redact-plan";
import { StackPlanResult } from "../../scripts/lib/stack-results";
import { planReport, StackPlan } from "../../scripts/plan-report/index";
import { planJsonSchema } from "../../scripts/plan-report/plan-json";
import { FakeGitHub } from "../support/fake-github";
import { offlinePlan, ROOT, synthApp, terraformOk } from "./helpers";

/*
 * The plan report over plans terraform itself made, with the real providers from the mirror, offline:
 * a small random-provider stack applied and then changed (an add, an in-place change, a replace and a
 * destroy), and the project's own hetzner-staging and gcp-prod stacks with dummy credentials.
 */

/** `terraform show` of the saved plan in `dir`, kept the way `npm run plan` keeps it (redacted JSON + text). */
function shownPlan(dir: string, result: Omit<StackPlanResult, "status">): StackPlan {
  const run = (args: string[]) => terraformOk(args, dir).stdout;
  const plan = planJsonSchema.parse(redactPlan(JSON.parse(run(["show", "-json", "plan.bin"]))));
  return { result: { ...result, status: "planned" }, plan, planText: run(["show", "-no-color", "plan.bin"]) };
}

// ---- A random-provider stack, applied at version 1, planned at version 2 ----

const STACK = "random-demo";

/** Version 1 has `old`; version 2 drops it, adds `fresh`, changes the pet's keepers and the data's input. */
function synthRandomStack(version: 1 | 2, statePath: string): string {
  const outdir = mkdtempSync(join(tmpdir(), "plan-report-synth-"));
  const app = new App({ outdir });
  const stack = new TerraformStack(app, STACK);
  new LocalBackend(stack, { path: statePath });
  new RandomProvider(stack, "random");
  new Pet(stack, "name", { keepers: { release: `r${version}` } });
  new DataResource(stack, "settings", { input: { setting: `v${version}` } });
  new Id(stack, version === 1 ? "old" : "fresh", { byteLength: 4 });
  pinProviderVersions(stack);
  app.synth();
  return join(outdir, "stacks", STACK, "cdk.tf.json");
}

/** The random stack's plan as `npm run plan` keeps it, and what `terraform plan` printed (after its refresh). */
interface RandomPlan {
  readonly stack: StackPlan;
  readonly planOutput: string;
}

let randomPlan: RandomPlan | undefined;

/** Made once per file: the report tests and the CLI tests read the same plan. */
function changedRandom(): RandomPlan {
  return (randomPlan ??= applyAndChangeRandomStack());
}

const changedRandomStack = (): StackPlan => changedRandom().stack;

function applyAndChangeRandomStack(): RandomPlan {
  const dir = mkdtempSync(join(tmpdir(), "plan-report-random-"));
  const statePath = join(dir, "terraform.tfstate");
  const step = (args: string[]) => terraformOk([...args, "-input=false", "-no-color"], dir).stdout;
  cpSync(synthRandomStack(1, statePath), join(dir, "cdk.tf.json"));
  step(["init"]);
  step(["apply", "-auto-approve"]);
  cpSync(synthRandomStack(2, statePath), join(dir, "cdk.tf.json"));
  const planOutput = step(["plan", "-out", "plan.bin"]);
  return { stack: shownPlan(dir, { stack: STACK, policy: "eu", provider: "random" }), planOutput };
}

test("npm run plan keeps the plan text terraform plan printed, which is what terraform show prints", () => {
  const { stack, planOutput } = changedRandom();
  expect(planOutput).toContain("random_pet.name: Refreshing state...");
  expect(planTextOf(planOutput)).toBe(stack.planText);
});

describe("a plan with an add, a change, a replace and a destroy", () => {
  let stack: StackPlan;
  let report: string;
  beforeAll(() => {
    stack = changedRandomStack();
    report = planReport([stack, { result: { stack: "gcp-prod", policy: "eu", provider: "gcp", status: "not-checked", reason: "missing GOOGLE_APPLICATION_CREDENTIALS" } }]);
  });

  test("terraform planned what the test meant", () => {
    const actions = Object.fromEntries(stack.plan!.resource_changes.map((rc) => [rc.address, rc.change.actions.join(",")]));
    expect(actions).toEqual({ "random_pet.name": "delete,create", "random_id.old": "delete", "random_id.fresh": "create", "terraform_data.settings": "update" });
  });

  test("starts with the marker and counts each kind in the headline table", () => {
    expect(report.startsWith("<!-- portable-backend:plan -->\n")).toBe(true);
    expect(report).toContain(`| \`${STACK}\` | planned | 1 | 1 | **1** | **1** |`);
    expect(report).toContain("| `gcp-prod` | ⚠️ not checked: missing GOOGLE_APPLICATION_CREDENTIALS |  |  |  |  |");
    expect(report).toContain(`### \`${STACK}\`: 1 to add, 1 to change, 1 to replace, 1 to destroy`);
  });

  test("highlights the replace, with the attribute forcing it, and the destroy, before the table", () => {
    const caution = report.indexOf("> [!CAUTION]");
    expect(caution).toBeGreaterThan(0);
    expect(caution).toBeLessThan(report.indexOf("| stack |"));
    expect(report).toContain("> **2 resources will be replaced or destroyed:**");
    expect(report).toContain(`> - \`${STACK}\`: \`random_pet.name\` **replaced** (forced by \`keepers\`)`);
    expect(report).toContain(`> - \`${STACK}\`: \`random_id.old\` **destroyed** (removed from the configuration)`);
    expect(report).not.toMatch(/random_id\.fresh` \*\*/);
  });

  test("has terraform's own plan text, collapsed, in a diff block with the markers first", () => {
    const details = report.slice(report.indexOf("<details>"), report.indexOf("</details>"));
    expect(details).toMatch(/^<details><summary>Plan of `random-demo` \(\d+ lines\)<\/summary>/);
    expect(details).toContain("```diff\n");
    expect(details).toMatch(/^ {2}# random_pet\.name must be replaced$/m);
    // Replace (-/+) and update (~) show as diff's "changed" marker.
    expect(details).toMatch(/^!\s+resource "random_pet" "name" \{$/m);
    expect(details).toMatch(/^!\s+keepers\s+= \{ # forces replacement$/m);
    expect(details).toMatch(/^-\s+resource "random_id" "old" \{$/m);
    expect(details).toMatch(/^\+\s+resource "random_id" "fresh" \{$/m);
    expect(details).toMatch(/^!\s+resource "terraform_data" "settings" \{$/m);
    expect(details).toContain("Plan: 2 to add, 1 to change, 2 to destroy.");
    expect(report).not.toContain("\x1b[");
  });

  test("the not-checked stack is one line, and the random provider has no locations to judge", () => {
    expect(report).toContain("- `gcp-prod`: ⚠️ not checked: missing GOOGLE_APPLICATION_CREDENTIALS");
    expect(report).toContain("✅ **Residency** `eu`: no location attributes in this plan");
  });
});

// ---- The project's own stacks, planned offline with dummy credentials ----

describe("plans of hetzner-staging and gcp-prod", () => {
  let report: string;
  let stacks: StackPlan[];
  beforeAll(() => {
    const { outdir, result } = synthApp();
    expect(result.exitCode).toBe(0);
    const plan = (stack: string, provider: string, env: Record<string, string>) => {
      const dir = join(outdir, "stacks", stack);
      offlinePlan(dir, env);
      return shownPlan(dir, { stack, policy: "eu", provider });
    };
    stacks = [
      plan("hetzner-staging", "hetzner", {
        HCLOUD_TOKEN: "0123456789abcdef".repeat(4), HCLOUD_ENDPOINT: "http://127.0.0.1:9/v1", TF_VAR_object_storage_access_key: "dummy-access-key", TF_VAR_object_storage_secret_key: "dummy-secret-key",
      }),
      plan("gcp-prod", "gcp", { GOOGLE_OAUTH_ACCESS_TOKEN: "dummy-access-token" }),
    ];
    report = planReport([...stacks, { result: { stack: "local", policy: "eu", provider: "docker", status: "planned" }, plan: planJsonSchema.parse({}), planText: "No changes." }]);
  });

  test("every location planned is in the EU: no violation, the locations named", () => {
    expect(report).not.toContain("Residency policy violated");
    expect(report).toMatch(/### `hetzner-staging`: \d+ to add, 0 to change, 0 to replace, 0 to destroy\n\n✅ \*\*Residency\*\* `eu`: [^\n]*nbg1 \(DE\)/);
    expect(report).toMatch(/### `gcp-prod`: \d+ to add, 0 to change, 0 to replace, 0 to destroy\n\n✅ \*\*Residency\*\* `eu`: [^\n]*europe-west3 \(DE\)/);
    // The GCS bucket is in the EU multi-region: judged with every country it may store data in.
    expect(report).toMatch(/### `gcp-prod`:[^\n]*\n\n✅[^\n]*EU \(\d+ countries\)/);
    const line = report.split("\n").find((l) => l.startsWith("✅ **Residency** `eu`") && l.includes("nbg1"))!;
    expect(line).not.toMatch(/\b(ash|hil|sin|us-[a-z]+\d?)\b/);
  });

  test("values terraform learns only at apply are named as not judged", () => {
    // Servers (and, where the stack has them, primary IPs) get their datacenter from the provider at apply.
    expect(report).toMatch(/location values? known only after apply, not judged \(`hcloud_(server|primary_ip)\.[^`]+\.datacenter`/);
  });

  test("the stack without changes is one line", () => {
    expect(report).toMatch(/^- `local`: no changes · ✅ \*\*Residency\*\* `eu`: no location attributes in this plan$/m);
    expect(report).not.toContain("Plan of `local`");
  });

  test("a real plan text too long for a comment is cut at a line, inside a closed fence, with a note", () => {
    const long = stacks.map((s) => ({ ...s, planText: Array.from({ length: 40 }, () => s.planText).join("\n") }));
    const cut = planReport(long);
    expect(cut.length).toBeLessThanOrEqual(BODY_LIMIT);
    expect(cut.match(/^```diff$/gm)).toHaveLength(2);
    expect(cut.match(/^```$/gm)).toHaveLength(2);
    expect(cut.match(/✂️ Truncated: the first \d+ of \d+ lines are shown/g)).toHaveLength(2);
    expect(cut).toContain("The full plan is in the workflow run's artifacts (`gcp-prod/plan.txt`).");
  });
});

// ---- The CLI, on the folders `npm run plan` writes, posting to a local GitHub ----

/** The layout of `npm run plan -- --out <dir>`: <dir>/<stack>/result.json, plan.json, plan.txt. */
function writePlanFolders(stacks: StackPlan[]): string {
  const dir = mkdtempSync(join(tmpdir(), "plan-report-in-"));
  for (const { result, plan, planText } of stacks) {
    mkdirSync(join(dir, result.stack));
    writeFileSync(join(dir, result.stack, "result.json"), JSON.stringify(result));
    if (plan) writeFileSync(join(dir, result.stack, "plan.json"), JSON.stringify(plan));
    if (planText !== undefined) writeFileSync(join(dir, result.stack, "plan.txt"), planText);
  }
  return dir;
}

// GITHUB_* and the token are given explicitly, never inherited: a CI runner's own must not leak in.
const cli = (args: string[], env: Record<string, string> = {}) =>
  execa("node", ["--import", "tsx", "scripts/plan-report.ts", ...args], { cwd: ROOT, reject: false, extendEnv: false, env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env } });

describe("npm run plan-report", () => {
  let github: FakeGitHub;
  let inDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    github = new FakeGitHub();
    const pr = github.addIssue({ isPullRequest: true }).number;
    const event = join(mkdtempSync(join(tmpdir(), "event-")), "event.json");
    writeFileSync(event, JSON.stringify({ action: "synchronize", pull_request: { number: pr } }));
    env = { GITHUB_TOKEN: "test-token", GITHUB_REPOSITORY: "acme/infra", GITHUB_API_URL: await github.start(), GITHUB_EVENT_PATH: event };
    inDir = writePlanFolders([changedRandomStack(), { result: { stack: "gcp-prod", policy: "eu", provider: "gcp", status: "not-checked", reason: "missing GOOGLE_APPLICATION_CREDENTIALS" } }]);
  });
  afterAll(() => github.stop());

  test("--out writes the report", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "plan-report-out-")), "report.md");
    const run = await cli(["--in", inDir, "--out", out]);
    expect(run.exitCode).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(planReport([changedRandomStack(), { result: { stack: "gcp-prod", policy: "eu", provider: "gcp", status: "not-checked", reason: "missing GOOGLE_APPLICATION_CREDENTIALS" } }]));
  });

  test("--expect: a stack whose plan job left nothing is in the report as failed, and named on stderr", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "plan-report-out-")), "report.md");
    const run = await cli(["--in", inDir, "--expect", `${STACK},gcp-prod,hetzner-prod`, "--out", out]);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain("plan-report: hetzner-prod has no result; shown as failed");
    const report = readFileSync(out, "utf8");
    expect(report).toContain("| `hetzner-prod` | ❌ failed |  |  |  |  |");
    expect(report).toContain("### `hetzner-prod`: ❌ plan failed");
    expect(report).toContain(`| \`${STACK}\` | planned | 1 | 1 | **1** | **1** |`);
  });

  test("--post creates the sticky comment on the event's pull request once, then edits it", async () => {
    const first = await cli(["--in", inDir, "--post"], env);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain("random_pet.name");
    expect(first.stderr).toMatch(/plan-report: created comment https:\/\/github\.example\/acme\/infra\/pull\/1#issuecomment-\d+/);

    writeFileSync(join(inDir, "gcp-prod", "result.json"), JSON.stringify({ stack: "gcp-prod", policy: "eu", provider: "gcp", status: "failed", reason: "Error: something" }));
    const second = await cli(["--in", inDir, "--post", "--pr", "1"], { ...env, GITHUB_EVENT_PATH: "" });
    expect(second.exitCode).toBe(0);
    expect(second.stderr).toMatch(/plan-report: updated comment/);

    expect(github.writes()).toEqual(["POST /repos/acme/infra/issues/1/comments", `PATCH /repos/acme/infra/issues/comments/${github.comments[0].id}`]);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0].body).toContain("### `gcp-prod`: ❌ plan failed");
  });

  test.each([
    ["a missing --in folder", () => ["--in", "/nonexistent/plans"], {}, /--in \/nonexistent\/plans: no such folder/],
    ["no --in", () => [], {}, /--in is required/],
    ["--post without GITHUB_TOKEN", () => ["--in", inDir, "--post", "--pr", "1"], { GITHUB_REPOSITORY: "acme/infra" }, /GITHUB_TOKEN is not set/],
    ["--post with a malformed GITHUB_REPOSITORY", () => ["--in", inDir, "--post", "--pr", "1"], { GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "infra" }, /GITHUB_REPOSITORY is "infra": expected owner\/repo/],
    ["--post with no pull request", () => ["--in", inDir, "--post"], { GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "acme/infra" }, /no pull request: pass --pr N/],
    ["--expect with something that is not a stack name", () => ["--in", inDir, "--expect", "hetzner-prod;rm"], {}, /--expect: "hetzner-prod;rm" is not a stack name/],
  ])("%s is a clear error, exit 1", async (_what, args, extraEnv, message) => {
    const run = await cli(args(), extraEnv as Record<string, string>);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(message);
  });

  test("a malformed result.json is an error naming the file and the problem", async () => {
    const dir = writePlanFolders([]);
    mkdirSync(join(dir, "local"));
    writeFileSync(join(dir, "local", "result.json"), JSON.stringify({ stack: "local", policy: "eu", provider: "docker", status: "done" }));
    const run = await cli(["--in", dir]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`${join(dir, "local", "result.json")}: not a stack plan result`);
    expect(run.stderr).toMatch(/status/);
  });
});
