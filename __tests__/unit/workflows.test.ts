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

test("the four workflows exist", () => {
  expect(workflowFiles.sort()).toEqual(["deploy.yml", "drift.yml", "pr-comment.yml", "pr-plan.yml"]);
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

describe("deploy: applies the saved plan of the approved commit", () => {
  const wf = workflow("deploy.yml");
  const checkoutOf = (job: any) => job.steps.find((s: any) => String(s.uses).startsWith("actions/checkout@"));

  test("a plan job plans the pushed commit with the read-only credentials of <stack>-drift, shows the plan and keeps it", () => {
    const plan = wf.jobs.plan;
    expect(plan.environment).toBe("${{ matrix.stack }}-drift");
    expect(checkoutOf(plan).with).toEqual({ ref: "${{ github.sha }}", "persist-credentials": false });
    const runs = plan.steps.map((s: any) => s.run ?? "").join("\n");
    expect(runs).toContain('npm run --silent plan -- "$STACK" --out approved');
    expect(runs).toContain("GITHUB_STEP_SUMMARY");
    expect(plan.steps.find((s: any) => String(s.uses).startsWith("actions/upload-artifact@")).with).toMatchObject({ name: "approved-${{ matrix.stack }}", path: "approved/" });
  });

  test("the deploy job waits for the approval (the stack's environment), then applies that plan of that commit, and nothing if main moved on", () => {
    const deploy = wf.jobs.deploy;
    expect(deploy.needs).toEqual(["affected", "plan"]);
    expect(deploy.environment).toBe("${{ matrix.stack }}");
    expect(checkoutOf(deploy).with).toEqual({ ref: "${{ github.sha }}", "persist-credentials": false });
    const moved = deploy.steps.find((s: any) => s.id === "main");
    expect(moved.run).toContain('gh api "repos/$REPOSITORY/commits/main"');
    const later = deploy.steps.slice(deploy.steps.indexOf(moved) + 1);
    for (const step of later) expect({ step: step.name ?? step.uses, if: step.if }).toEqual({ step: step.name ?? step.uses, if: "steps.main.outputs.moved != 'true'" });
    expect(later.find((s: any) => String(s.uses).startsWith("actions/download-artifact@")).with).toEqual({ name: "approved-${{ matrix.stack }}", path: "approved" });
    expect(later.at(-1).run).toContain('npm run --silent deploy -- "${stacks[@]}" --approved approved');
    expect(JSON.stringify(wf)).not.toMatch(/cdktf deploy|auto-approve/);
  });

  test("the main-moved check: the same commit goes on, another stops with a notice and applies nothing", () => {
    const step = wf.jobs.deploy.steps.find((s: any) => s.id === "main");
    const gh = (sha: string) => ({ name: "gh", script: `#!/bin/sh\necho ${sha}\n` });
    expect(runStep(step, {}, { REPOSITORY: "acme/backend", COMMIT: "abc" }, gh("abc"))).toMatchObject({ exitCode: 0, output: "" });
    const moved = runStep(step, {}, { REPOSITORY: "acme/backend", COMMIT: "abc", GITHUB_STEP_SUMMARY: "/dev/null" }, gh("def"));
    expect(moved).toMatchObject({ exitCode: 0, output: "moved=true\n" });
    expect(moved.stdout).toContain("::notice::main is at def now, not abc: nothing applied");
  });
});

test("deploy and drift run main's code only: a hand-run from another branch does nothing", () => {
  expect(workflow("deploy.yml").jobs.affected.if).toBe("github.ref == 'refs/heads/main'");
  expect(workflow("drift.yml").jobs.stacks.if).toBe("github.ref == 'refs/heads/main'");
  expect(workflow("drift.yml").jobs.check.environment).toBe("${{ matrix.stack }}-drift");
});

test("every job that runs terraform gets every credential input the credentials action has (a Docker host over ssh included)", () => {
  const inputs = Object.keys(load(join(ACTIONS, "cloud-credentials", "action.yml")).inputs).sort();
  const jobs = workflowFiles.flatMap((file) => Object.entries<any>(workflow(file).jobs).map(([name, job]) => ({ job: `${file}:${name}`, steps: job.steps })));
  const withCredentials = jobs.flatMap(({ job, steps }) => steps.filter((s: any) => s.uses === "./.github/actions/cloud-credentials").map((s: any) => ({ job, given: Object.keys(s.with).sort() })));
  expect(withCredentials.map((c) => c.job).sort()).toEqual(["deploy.yml:deploy", "deploy.yml:plan", "drift.yml:check", "pr-plan.yml:plan"]);
  for (const c of withCredentials) expect(c).toEqual({ job: c.job, given: inputs });
});

test("pull-request plans: a matrix job per stack; no job of the pull request's own run holds a token that writes anything but an OIDC token", () => {
  const wf = workflow("pr-plan.yml");
  expect(wf.jobs.plan.strategy.matrix).toBe("${{ fromJSON(needs.affected.outputs.matrix) }}");
  expect(wf.jobs.plan.environment).toBe("${{ matrix.stack }}-plan");
  for (const [name, job] of Object.entries<any>(wf.jobs)) {
    const writes = Object.entries(job.permissions).filter(([, v]) => v === "write").map(([k]) => k);
    expect({ name, writes }).toEqual({ name, writes: name === "plan" ? ["id-token"] : [] });
  }
  expect(Object.keys(wf.jobs).sort()).toEqual(["affected", "plan"]);
});

describe("the plan comment: a workflow_run workflow that runs main's code and reads the plan run's artifacts as data", () => {
  const wf = workflow("pr-comment.yml");
  const job = wf.jobs.comment;

  test("triggered when a Plan run completes; not for a cancelled run (a newer one replaced it)", () => {
    expect(wf.on).toEqual({ workflow_run: { workflows: ["Plan"], types: ["completed"] } });
    expect(job.if).toBe("github.event.workflow_run.event == 'pull_request' && github.event.workflow_run.conclusion != 'cancelled'");
    expect(job.permissions).toEqual({ contents: "read", actions: "read", "pull-requests": "write" });
  });

  test("checks out main (no ref: the default branch), never the pull request's code; downloads the plan run's artifacts", () => {
    const checkouts = job.steps.filter((s: any) => String(s.uses).startsWith("actions/checkout@"));
    expect(checkouts.map((s: any) => s.with)).toEqual([{ "persist-credentials": false }]);
    expect(JSON.stringify(job)).not.toMatch(/head_sha\b.*ref|head_branch|pull_request\.head/);
    const downloads = job.steps.filter((s: any) => String(s.uses).startsWith("actions/download-artifact@"));
    for (const d of downloads) expect(d.with["run-id"]).toBe("${{ github.event.workflow_run.id }}");
    expect(job.steps.at(-2).run).toBe('npm run --silent plan-report -- --in plans --expect "$EXPECTED" --post --pr "$PR" --out plan-report.md');
  });

  test("believes the pull request number only if that pull request's head is the planned commit; the stacks from the matrix (Hetzner's two each)", () => {
    const step = job.steps.find((s: any) => s.id === "run");
    const run = (pr: string, head: string) => runStep(step, {}, { REPOSITORY: "acme/backend", PLANNED_HEAD: "abc" }, { name: "gh", script: `#!/bin/sh\necho ${head}\n` },
      { "pr-plan-run/run.json": JSON.stringify({ pr, head: "abc", matrix: JSON.parse(MATRIX) }) });
    expect(run("7", "abc")).toMatchObject({ exitCode: 0, output: "pr=7\nexpected=gcp-prod,hetzner-prod,hetzner-prod-apps\n" });
    expect(run("7", "zzz")).toMatchObject({ exitCode: 1, output: "" });
    expect(run("7; rm -rf /", "abc")).toMatchObject({ exitCode: 1, output: "" });
  });
});

/*
 * The `run:` scripts that hand data between jobs, run as GitHub runs them (`bash -e <file>` when a step
 * names no shell) with a stand-in `npm` first on PATH that records its arguments and answers as told.
 */
function runStep(step: { run: string; env?: Record<string, string> }, npm: { stdout?: string; exitCode?: number }, env: Record<string, string> = {},
  stub?: { name: string; script: string }, files: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "workflow-step-"));
  const [bin, script, output, args] = [join(dir, "bin"), join(dir, "step.sh"), join(dir, "github-output"), join(dir, "npm-args")];
  mkdirSync(bin);
  writeFileSync(join(bin, "npm"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${args}'\nprintf '%s' '${npm.stdout ?? ""}'\nexit ${npm.exitCode ?? 0}\n`);
  chmodSync(join(bin, "npm"), 0o755);
  if (stub) {
    writeFileSync(join(bin, stub.name), stub.script);
    chmodSync(join(bin, stub.name), 0o755);
  }
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  writeFileSync(script, step.run);
  writeFileSync(output, "");
  const result = execa.sync("bash", ["-e", script], {
    reject: false, extendEnv: false, cwd: dir,
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir, GITHUB_OUTPUT: output, ...env },
  });
  const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : "");
  const written = (file: string) => read(join(dir, file));
  const writtenFiles = new Proxy({} as Record<string, string>, { get: (_t, file: string) => written(file) });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, output: read(output), npmArgs: read(args).trim().split("\n").filter(Boolean), files: writtenFiles };
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

test("pr-plan.yml: the run says which pull request, commit and stacks it planned, for the comment", () => {
  const step = workflow("pr-plan.yml").jobs.affected.steps.find((s: any) => String(s.name).startsWith("What the comment is about"));
  const run = runStep(step, {}, { MATRIX, PR: "7", HEAD: "abc" });
  expect(run.exitCode).toBe(0);
  expect(JSON.parse(run.files["pr-plan-run/run.json"])).toEqual({ pr: "7", head: "abc", matrix: JSON.parse(MATRIX) });
});

test("drift: scheduled and manual; issues written only by the job that needs to", () => {
  const wf = workflow("drift.yml");
  expect(Object.keys(wf.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
  expect(wf.jobs.check.permissions.issues).toBeUndefined();
  expect(wf.jobs.issues.permissions).toEqual({ contents: "read", issues: "write" });
});
