import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import execa from "execa";
import { parse } from "yaml";
import { ACTIONLINT_BIN } from "../../scripts/tools";

// The GitHub Actions workflows: actionlint (built from its Go module by `npm run tools`) finds what
// GitHub would reject or run wrongly (expressions, contexts, shellcheck on run: scripts); the rest are
// our own rules — least privilege, pinned actions, one deploy at a time per stack.
const ROOT = join(__dirname, "..", "..");
const WORKFLOWS = join(ROOT, ".github", "workflows");
const ACTIONS = join(ROOT, ".github", "actions");
const workflowFiles = readdirSync(WORKFLOWS).filter((f) => f.endsWith(".yml"));
const load = (file: string) => parse(readFileSync(file, "utf8"));
const workflow = (name: string) => load(join(WORKFLOWS, name));

test("actionlint passes on every workflow", () => {
  if (!existsSync(ACTIONLINT_BIN)) throw new Error(`actionlint not found at ${ACTIONLINT_BIN}: run \`npm run tools\``);
  const result = execa.sync(ACTIONLINT_BIN, ["-color=false"], { cwd: ROOT, reject: false });
  expect({ code: result.exitCode, out: result.stdout + result.stderr }).toEqual({ code: 0, out: "" });
});

test("actionlint is not a rubber stamp: it rejects a workflow with an injectable expression in a script", () => {
  const bad = "on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo \"${{ github.event.pull_request.title }}\"\n";
  const result = execa.sync(ACTIONLINT_BIN, ["-color=false", "-"], { input: bad, reject: false });
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toContain("potentially untrusted");
});

test("the three workflows exist", () => {
  expect(workflowFiles.sort()).toEqual(["deploy.yml", "drift.yml", "pr-plan.yml"]);
});

describe.each(workflowFiles)("%s", (file) => {
  const wf = workflow(file);

  test("grants nothing at the top; every job names the permissions it needs", () => {
    expect(wf.permissions).toEqual({});
    for (const [name, job] of Object.entries<any>(wf.jobs)) {
      expect({ name, permissions: job.permissions }).toEqual({ name, permissions: expect.objectContaining({ contents: "read" }) });
      const writes = Object.entries(job.permissions).filter(([, v]) => v === "write").map(([k]) => k);
      expect(writes.every((scope) => ["id-token", "pull-requests", "issues"].includes(scope))).toBe(true);
    }
  });

  test("every action is pinned to a full commit SHA", () => {
    const uses = Object.values<any>(wf.jobs).flatMap((job) => job.steps.map((s: any) => s.uses).filter(Boolean));
    for (const ref of uses) expect(ref).toMatch(/^(\.\/\.github\/actions\/[a-z-]+|[\w.-]+\/[\w.-]+@[0-9a-f]{40})$/);
  });
});

test("local actions pin theirs too", () => {
  for (const dir of readdirSync(ACTIONS)) {
    const action = load(join(ACTIONS, dir, "action.yml"));
    for (const step of action.runs.steps) if (step.uses) expect(step.uses).toMatch(/@[0-9a-f]{40}$/);
  }
});

test("deploy: one concurrency group per stack, never cancelled mid-apply; each stack in its own GitHub environment", () => {
  const job = workflow("deploy.yml").jobs.deploy;
  expect(job.concurrency).toEqual({ group: "deploy-${{ matrix.stack }}", "cancel-in-progress": false });
  expect(job.environment).toBe("${{ matrix.stack }}");
});

test("pull-request plans: a matrix job per stack, then one job that posts the comment", () => {
  const wf = workflow("pr-plan.yml");
  expect(wf.jobs.plan.strategy.matrix).toBe("${{ fromJSON(needs.affected.outputs.matrix) }}");
  expect(wf.jobs.comment.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  expect(wf.jobs.comment.steps.map((s: any) => s.run).join("\n")).toContain("plan-report -- --in plans --post");
});

test("drift: scheduled and manual; issues written only by the job that needs to", () => {
  const wf = workflow("drift.yml");
  expect(Object.keys(wf.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
  expect(wf.jobs.check.permissions.issues).toBeUndefined();
  expect(wf.jobs.issues.permissions).toEqual({ contents: "read", issues: "write" });
});
