import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { DUMMY_CREDENTIALS, environmentsDir, localState } from "../../bench/lib/environments";
import { ROOT, terraform } from "./helpers";

// `npm run plan` over two stacks at once, offline: copies of the shipped environments with local state and
// dummy credentials (as the benchmark plans them). What it writes is what the PR comment is made of.
test("npm run plan plans each stack and writes its result, redacted JSON and the text terraform show prints", () => {
  const work = mkdtempSync(join(tmpdir(), "plan-runner-"));
  mkdirSync(join(work, "state"));
  const stacks = ["gcp-staging", "hetzner-staging"];
  const envDir = environmentsDir(stacks.map((name) => ({ name, base: name, overrides: localState(join(work, "state"), name) })));
  const outdir = join(work, "cdktf.out");
  const run = execa.sync("npm", ["run", "--silent", "plan", "--", ...stacks, "--out", join(work, "plans")], {
    cwd: ROOT, reject: false, env: { ...DUMMY_CREDENTIALS, ENVIRONMENTS_DIR: envDir, CDKTF_OUTDIR: outdir },
  });
  expect(run.exitCode).toBe(0);
  for (const stack of stacks) {
    expect(run.stdout).toMatch(new RegExp(`^${stack}: Plan: \\d+ to add, 0 to change, 0 to destroy\\.$`, "m"));
    const written = (file: string) => readFileSync(join(work, "plans", stack, file), "utf8");
    expect(JSON.parse(written("result.json"))).toMatchObject({ stack, status: "planned" });
    expect(JSON.parse(written("plan.json"))).not.toHaveProperty("prior_state");
    expect(written("plan.txt")).toBe(`${terraform(["show", "-no-color", "plan.bin"], join(outdir, "stacks", stack)).stdout}\n`);
  }
});
