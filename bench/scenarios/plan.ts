import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DUMMY_CREDENTIALS, environmentsDir, localState, PROJECT_ROOT, shippedEnvironments } from "../lib/environments";
import { compare, timeCommand, Variant } from "../lib/measure";
import { BenchContext, ScenarioResult, seconds } from "../lib/result";

/**
 * Stacks that cannot be planned on this machine: `vps` reaches its Docker Engine over ssh at a
 * documentation address (203.0.113.10), which a plan must contact.
 */
const UNPLANNABLE: Record<string, string> = { vps: "its Docker Engine is a remote host over ssh (203.0.113.10)" };

/**
 * Plans of every stack with the project's runner (`npm run plan`), one stack at a time
 * (`--concurrency 1`) against its default parallelism. Offline: the environments are copies with local
 * state in a temporary folder (instead of their S3/GCS buckets) and dummy provider credentials.
 * Each run starts from a fresh output folder, as a CI job does: synth, `terraform init`, plan.
 */
export async function planBench(ctx: BenchContext): Promise<ScenarioResult> {
  if (!existsSync(join(PROJECT_ROOT, "scripts", "plan.ts"))) {
    return {
      id: "plan", title: "Plan of all stacks", variants: {}, targets: [], notes: [], skipped: "scripts/plan.ts (the parallel stack runner) does not exist yet",
    };
  }
  const work = mkdtempSync(join(tmpdir(), "bench-plan-"));
  const stateDir = join(work, "state");
  mkdirSync(stateDir);
  const stacks = shippedEnvironments().filter((name) => !UNPLANNABLE[name]);
  const envDir = environmentsDir(stacks.map((name) => ({ name, base: name, overrides: localState(stateDir, name) })));
  try {
    const plan = (concurrency?: number) => async () => {
      const out = join(work, "out");
      rmSync(out, { recursive: true, force: true });
      const args = ["run", "--silent", "plan", "--", ...stacks, "--out", join(out, "plans"), ...(concurrency ? ["--concurrency", String(concurrency)] : [])];
      return timeCommand("npm", args, { cwd: PROJECT_ROOT, env: { ...DUMMY_CREDENTIALS, ENVIRONMENTS_DIR: envDir, CDKTF_OUTDIR: out } });
    };
    const variants: Variant[] = [
      { key: "sequential", label: "npm run plan -- --concurrency 1", command: "npm run plan -- <stacks> --out <tmp> --concurrency 1", run: plan(1) },
      { key: "parallel", label: "npm run plan (default concurrency)", command: "npm run plan -- <stacks> --out <tmp>", run: plan() },
    ];
    const results = await compare(variants, { runs: ctx.runs, warmup: ctx.warmup, log: ctx.log });
    const ratio = results.parallel.wallMs.median / results.sequential.wallMs.median;
    return {
      id: "plan", title: `Plan of ${stacks.length} stacks: one after another vs the parallel runner`,
      variants: results,
      targets: [
        { description: `parallel vs sequential, ${stacks.length} stacks`, target: "≤ 0.6×", measured: `${ratio.toFixed(2)}× (${seconds(results.parallel.wallMs.median)} vs ${seconds(results.sequential.wallMs.median)})`, met: ratio <= 0.6 && stacks.length >= 4 },
      ],
      notes: [
        `stacks: ${stacks.join(", ")}; not planned: ${Object.entries(UNPLANNABLE).map(([s, why]) => `${s} (${why})`).join("; ")}`,
        "offline: local state in a temporary folder instead of each stack's bucket, dummy credentials (as the plan tests); each run from a fresh output folder (synth + init + plan, as in CI)",
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(envDir, { recursive: true, force: true });
  }
}
