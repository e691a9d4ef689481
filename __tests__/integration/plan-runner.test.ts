import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import execa from "execa";
import { DUMMY_CREDENTIALS, environmentsDir, localState } from "../../bench/lib/environments";
import { requireEngine } from "../../scripts/lib/engine";
import { ROOT, terraform, terraformOk } from "./helpers";

jest.setTimeout(600_000);

// `npm run plan` over two stacks at once, offline: copies of the shipped environments with local state and
// dummy credentials (as the benchmark plans them). What it writes is what the PR comment is made of.
test("npm run plan plans each stack and writes its result, redacted JSON and the text terraform show prints, while a deploy holds a state lock", async () => {
  const work = mkdtempSync(join(tmpdir(), "plan-runner-"));
  mkdirSync(join(work, "state"));
  const stacks = ["gcp-staging", "hetzner-staging"];
  const envDir = environmentsDir(stacks.map((name) => ({ name, base: name, overrides: localState(join(work, "state"), name) })));
  const outdir = join(work, "cdktf.out");
  // A pull request's plan must neither wait for a deploy nor leave a lock behind when its run is cancelled.
  const deploy = await holdStateLock(join(work, "state", "hetzner-staging.tfstate"));
  let run: execa.ExecaReturnValue;
  try {
    // An ssh identity for the containers' stack (never used: it has no servers to reach yet).
    run = await execa("npm", ["run", "--silent", "plan", "--", ...stacks, "--out", join(work, "plans")], {
      cwd: ROOT, reject: false, env: { ...DUMMY_CREDENTIALS, SSH_AUTH_SOCK: join(work, "no-agent.sock"), ENVIRONMENTS_DIR: envDir, CDKTF_OUTDIR: outdir },
    });
    expect(deploy.holding()).toBe(true);
  } finally {
    await deploy.release();
  }
  // hetzner-staging is two stacks; its containers' one cannot be planned before its machines exist.
  expect(run.exitCode).toBe(1);
  expect(run.stdout).toMatch(/^hetzner-staging-apps: not-checked: the machines' stack hetzner-staging is not deployed yet: its containers are planned once it is/m);
  expect(JSON.parse(readFileSync(join(work, "plans", "hetzner-staging-apps", "result.json"), "utf8"))).toMatchObject({ stack: "hetzner-staging-apps", status: "not-checked" });
  expect(run.stdout + run.stderr).not.toMatch(/lock/i);
  for (const stack of stacks) {
    expect(run.stdout).toMatch(new RegExp(`^${stack}: Plan: \\d+ to add, 0 to change, 0 to destroy\\.$`, "m"));
    const written = (file: string) => readFileSync(join(work, "plans", stack, file), "utf8");
    expect(JSON.parse(written("result.json"))).toMatchObject({ stack, status: "planned" });
    expect(JSON.parse(written("plan.json"))).not.toHaveProperty("prior_state");
    expect(written("plan.txt")).toBe(`${terraform(["show", "-no-color", "plan.bin"], join(outdir, "stacks", stack)).stdout}\n`);
  }
});

test("when synth fails, every stack asked for gets a failed result with synth's error, nothing older is left, and the exit is 1", () => {
  const work = mkdtempSync(join(tmpdir(), "plan-runner-"));
  const stacks = ["gcp-staging", "hetzner-staging"];
  const envDir = environmentsDir([
    // Valid as an environment file; the gcp target refuses it when it builds the stack.
    { name: "gcp-staging", base: "gcp-staging", overrides: `dns: { provider: "hetzner", zone: "acme.de", record: "api" }, ${localState(work, "gcp-staging")}` },
    { name: "hetzner-staging", base: "hetzner-staging", overrides: localState(work, "hetzner-staging") },
  ]);
  // What an earlier, successful run left in the same folder.
  mkdirSync(join(work, "plans", "hetzner-staging"), { recursive: true });
  writeFileSync(join(work, "plans", "hetzner-staging", "plan.txt"), "No changes.\n");

  const run = execa.sync("npm", ["run", "--silent", "plan", "--", ...stacks, "--out", join(work, "plans")], {
    cwd: ROOT, reject: false, env: { ...DUMMY_CREDENTIALS, ENVIRONMENTS_DIR: envDir, CDKTF_OUTDIR: join(work, "cdktf.out") },
  });

  expect(run.exitCode).toBe(1);
  expect(run.stderr).toMatch(/^synth failed:\n/m);
  for (const stack of stacks) {
    expect(run.stdout).toMatch(new RegExp(`^${stack}: failed: synth failed \\(above\\)$`, "m"));
    expect(readdirSync(join(work, "plans", stack))).toEqual(["result.json"]);
    const result = JSON.parse(readFileSync(join(work, "plans", stack, "result.json"), "utf8"));
    expect(result).toMatchObject({ stack, policy: "eu", provider: stack.split("-")[0], status: "failed" });
    expect(result.reason).toMatch(/^synth failed:\n/);
    expect(result.reason).toMatch(/gcp-staging\.ts: dns\.provider "hetzner" is not supported/);
    // Trimmed for the comment: the message, not Node's stack frames.
    expect(result.reason).not.toMatch(/^\s+at /m);
  }
});

/**
 * A deploy in progress, as far as the state goes: `terraform apply` of another configuration with the
 * same local state, waiting at its approval prompt with the state locked. Released by answering "no".
 */
async function holdStateLock(stateFile: string): Promise<{ holding: () => boolean; release: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "lock-holder-"));
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { backend: { local: { path: stateFile } } }, resource: { terraform_data: { deploy: {} } } }));
  terraformOk(["init", "-input=false", "-no-color"], dir);
  const apply = execa(requireEngine().path, ["apply", "-no-color"], { cwd: dir, reject: false, env: { CHECKPOINT_DISABLE: "1" } });
  const lockInfo = join(dirname(stateFile), `.${basename(stateFile)}.lock.info`);
  while (!existsSync(lockInfo) && apply.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 100));
  if (!existsSync(lockInfo)) throw new Error(`terraform apply did not take the lock:\n${(await apply).stderr}`);
  return {
    holding: () => apply.exitCode === null && existsSync(lockInfo),
    release: async () => {
      apply.stdin!.end("no\n");
      const result = await apply;
      if (!result.stdout.includes("Apply cancelled")) throw new Error(`the lock holder did not end as expected:\n${result.stdout}\n${result.stderr}`);
    },
  };
}
