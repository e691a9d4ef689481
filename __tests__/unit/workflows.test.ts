import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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

test("deploy: a job deploys main as it is when it starts, so jobs queued out of order never apply an older commit over a newer one", () => {
  const checkout = workflow("deploy.yml").jobs.deploy.steps.find((s: any) => String(s.uses).startsWith("actions/checkout@"));
  expect(checkout.with).toEqual(expect.objectContaining({ ref: "main", "persist-credentials": false }));
});

test("every job that runs terraform gets every credential input the credentials action has (a Docker host over ssh included)", () => {
  const inputs = Object.keys(load(join(ACTIONS, "cloud-credentials", "action.yml")).inputs).sort();
  const jobs = workflowFiles.flatMap((file) => Object.entries<any>(workflow(file).jobs).map(([name, job]) => ({ job: `${file}:${name}`, steps: job.steps })));
  const withCredentials = jobs.flatMap(({ job, steps }) => steps.filter((s: any) => s.uses === "./.github/actions/cloud-credentials").map((s: any) => ({ job, given: Object.keys(s.with).sort() })));
  expect(withCredentials.map((c) => c.job).sort()).toEqual(["deploy.yml:deploy", "drift.yml:check", "pr-plan.yml:plan"]);
  for (const c of withCredentials) expect(c).toEqual({ job: c.job, given: inputs });
});

test("pull-request plans: a matrix job per stack, then one job that posts the comment", () => {
  const wf = workflow("pr-plan.yml");
  expect(wf.jobs.plan.strategy.matrix).toBe("${{ fromJSON(needs.affected.outputs.matrix) }}");
  expect(wf.jobs.comment.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  expect(wf.jobs.comment.steps.map((s: any) => s.run).join("\n")).toContain("plan-report -- --in plans --expect");
});

test("pull-request plans: the comment is posted after failed plan jobs, never from a cancelled run or without a matrix", () => {
  const wf = workflow("pr-plan.yml");
  // always() would post a cancelled run's partial report; !cancelled() still runs after failures.
  expect(wf.concurrency["cancel-in-progress"]).toBe(true);
  expect(wf.jobs.comment.if).toBe(`\${{ !cancelled() && needs.affected.result == 'success' && needs.affected.outputs.matrix != '{"include":[]}' }}`);
  const ifs = [wf.jobs.comment.if, ...wf.jobs.comment.steps.map((s: any) => s.if)].filter(Boolean);
  expect(ifs.filter((condition: string) => condition.includes("always()"))).toEqual([]);
});

/*
 * The `run:` scripts that hand data between jobs, run as GitHub runs them (`bash -e <file>` when a step
 * names no shell) with a stand-in `npm` first on PATH that records its arguments and answers as told.
 */
function runStep(step: { run: string; env?: Record<string, string> }, npm: { stdout?: string; exitCode?: number }, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "workflow-step-"));
  const [bin, script, output, args] = [join(dir, "bin"), join(dir, "step.sh"), join(dir, "github-output"), join(dir, "npm-args")];
  mkdirSync(bin);
  writeFileSync(join(bin, "npm"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${args}'\nprintf '%s' '${npm.stdout ?? ""}'\nexit ${npm.exitCode ?? 0}\n`);
  chmodSync(join(bin, "npm"), 0o755);
  writeFileSync(script, step.run);
  writeFileSync(output, "");
  const result = execa.sync("bash", ["-e", script], {
    reject: false, extendEnv: false, cwd: dir,
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir, GITHUB_OUTPUT: output, ...env },
  });
  const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : "");
  return { exitCode: result.exitCode, stderr: result.stderr, output: read(output), npmArgs: read(args).trim().split("\n").filter(Boolean) };
}

const MATRIX = '{"include":[{"stack":"gcp-prod","provider":"gcp","stacks":"gcp-prod"},{"stack":"hetzner-prod","provider":"hetzner","stacks":"hetzner-prod hetzner-prod-apps"}]}';

describe.each([
  ["pr-plan.yml", "affected", "affected", { BASE: "base-sha", HEAD: "head-sha" }, "run --silent affected -- --base base-sha --head head-sha"],
  ["drift.yml", "stacks", "stacks", {}, "run --silent affected -- --all"],
])("%s: the %s job's matrix", (file, job, stepId, env, expectedArgs) => {
  const step = () => workflow(file).jobs[job].steps.find((s: any) => s.id === stepId);

  test("is what `npm run affected` printed", () => {
    const run = runStep(step(), { stdout: MATRIX }, env);
    expect(run).toMatchObject({ exitCode: 0, output: `matrix=${MATRIX}\n`, npmArgs: [expectedArgs] });
  });

  test("when `npm run affected` fails, the step fails and sets no matrix", () => {
    const run = runStep(step(), { exitCode: 1 }, env);
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toBe("");
  });
});

test("pr-plan.yml: the comment is told which stacks the run was to plan, from the matrix (Hetzner's two each)", () => {
  const step = workflow("pr-plan.yml").jobs.comment.steps.find((s: any) => s.name === "Post or update the plan comment");
  expect(step.env.MATRIX).toBe("${{ needs.affected.outputs.matrix }}");
  const run = runStep(step, {}, { MATRIX, PR: "7", GITHUB_TOKEN: "t" });
  expect(run).toMatchObject({ exitCode: 0, npmArgs: ["run --silent plan-report -- --in plans --expect gcp-prod,hetzner-prod,hetzner-prod-apps --post --pr 7 --out plan-report.md"] });
});

test("drift: scheduled and manual; issues written only by the job that needs to", () => {
  const wf = workflow("drift.yml");
  expect(Object.keys(wf.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
  expect(wf.jobs.check.permissions.issues).toBeUndefined();
  expect(wf.jobs.issues.permissions).toEqual({ contents: "read", issues: "write" });
});
