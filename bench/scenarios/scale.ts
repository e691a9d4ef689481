import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appCommand } from "../../scripts/lib/app-command";
import { DUMMY_CREDENTIALS, environmentsDir, localState, PROJECT_ROOT, shippedEnvironments } from "../lib/environments";
import { compare, timeCommand, Variant, VariantResult } from "../lib/measure";
import { BenchContext, ScenarioResult, seconds } from "../lib/result";

/** How many environments: the six shipped, then teams that keep adding them (per customer, branch, region). */
const COUNTS = [6, 24, 96] as const;
/** Plans and drift checks contact nothing for these copies: `vps` reaches a documentation address over ssh. */
const UNPLANNABLE = new Set(["vps"]);

const APP = appCommand();

/** `count` copies of the shipped environments, mixed targets, each with its own local state and no DNS (one zone, one creator). */
function environments(count: number, stateDir: string) {
  const bases = shippedEnvironments();
  return Array.from({ length: count }, (_, i) => {
    const base = bases[i % bases.length];
    return { name: `${base}-${String(i).padStart(2, "0")}`, base, overrides: `dns: undefined, ${localState(stateDir, `${base}-${i}`)}` };
  });
}

/**
 * Synth, `npm run plan` and `npm run drift` (offline, as the plan benchmark runs them) of 6, 24 and 96
 * environments: time and peak memory per count, and the marginal cost of each stack added, which stays
 * the same from 24 to 96 as from 6 to 24 when nothing grows faster than the number of stacks.
 */
export async function scaleBench(ctx: BenchContext): Promise<ScenarioResult> {
  const work = mkdtempSync(join(tmpdir(), "bench-scale-"));
  const stateDir = join(work, "state");
  mkdirSync(stateDir);
  const dirs = new Map<number, string>(COUNTS.map((n) => [n, environmentsDir(environments(n, stateDir), `bench-scale-${n}-`)]));
  const plannable = (n: number) => environments(n, stateDir).filter((e) => !UNPLANNABLE.has(e.base)).map((e) => e.name);
  try {
    const synth = (n: number): Variant => ({
      key: `synth${n}`, label: `synth, ${n} environments`, command: `CDKTF_OUTDIR=<tmp> ${[APP.file, ...APP.args].join(" ")}`,
      run: () => timeCommand(APP.file, APP.args, { cwd: PROJECT_ROOT, env: { ENVIRONMENTS_DIR: dirs.get(n), CDKTF_OUTDIR: join(work, `synth-${n}`) }, rusage: true }),
    });
    // Hetzner's containers' stacks are "not checked" before their machines exist: exit 1, timed all the same.
    const stackCommand = (kind: "plan" | "drift", n: number): Variant => ({
      key: `${kind}${n}`, label: `npm run ${kind}, ${n} environments`, command: `npm run ${kind} -- <${plannable(n).length} environments>`,
      run: () => {
        const out = join(work, `${kind}-${n}`);
        rmSync(out, { recursive: true, force: true });
        const args = kind === "plan" ? ["--out", join(out, "plans")] : ["--report", join(out, "drift.json")];
        return timeCommand("npm", ["run", "--silent", kind, "--", ...plannable(n), ...args], {
          cwd: PROJECT_ROOT, env: { ...DUMMY_CREDENTIALS, ENVIRONMENTS_DIR: dirs.get(n), CDKTF_OUTDIR: out }, allowFailure: true, timeoutMs: 3_600_000,
        });
      },
    });
    const synthResults = await compare(COUNTS.map(synth), { runs: ctx.runs, warmup: ctx.warmup, log: ctx.log });
    // A plan of 96 environments takes minutes: one run each.
    const commandResults = await compare(COUNTS.flatMap((n) => [stackCommand("plan", n), stackCommand("drift", n)]), { runs: 1, warmup: 0, log: ctx.log });
    const results: Record<string, VariantResult> = { ...synthResults, ...commandResults };

    const median = (key: string) => results[key].wallMs.median;
    const marginal = (kind: string, from: number, to: number) => (median(`${kind}${to}`) - median(`${kind}${from}`)) / (to - from);
    const rss = (n: number) => synthResults[`synth${n}`].peakRssMiB!.median;
    const perStackMiB = (rss(96) - rss(6)) / 90;
    const line = (kind: string) => `${kind}: ${COUNTS.map((n) => `${n} → ${seconds(median(`${kind}${n}`))}`).join(", ")}; per added environment ${(marginal(kind, 6, 24)).toFixed(0)} ms (6→24), ${(marginal(kind, 24, 96)).toFixed(0)} ms (24→96)`;
    return {
      id: "scale", title: "Scale: synth, plan and drift of 6, 24 and 96 environments",
      variants: results,
      targets: [
        {
          description: "synth: marginal cost per environment at 96 no more than at 24 (linear)", target: "24→96 ≤ 6→24 (+10 % noise)",
          measured: `${marginal("synth", 24, 96).toFixed(1)} ms vs ${marginal("synth", 6, 24).toFixed(1)} ms`, met: marginal("synth", 24, 96) <= marginal("synth", 6, 24) * 1.1,
        },
        { description: "synth peak memory per environment (6→96)", target: "stated", measured: `${perStackMiB.toFixed(2)} MiB (${rss(6).toFixed(0)} → ${rss(96).toFixed(0)} MiB)`, met: true },
      ],
      notes: [
        line("synth"), line("plan"), line("drift"),
        `copies of ${shippedEnvironments().join(", ")} in turn, each with local state and no DNS; plan and drift leave out the vps copies (their engine is a documentation address over ssh) and are one run each; Hetzner's containers' stacks are "not checked" there (no machines)`,
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
    for (const dir of dirs.values()) rmSync(dir, { recursive: true, force: true });
  }
}
