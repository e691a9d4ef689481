import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../lib/environments";
import { compare, timeCommand, Variant } from "../lib/measure";
import { BenchContext, ScenarioResult, seconds } from "../lib/result";

/**
 * `cdktf synth` as a person runs it, against what it cannot avoid: starting the CLI (`cdktf --version`)
 * plus running the app (benchmark 1). What is left over is the CLI's own work around the app.
 */
export async function cliBench(ctx: BenchContext): Promise<ScenarioResult> {
  const out = mkdtempSync(join(tmpdir(), "bench-cli-"));
  try {
    const variants: Variant[] = [
      {
        key: "synth", label: "npx cdktf synth", command: "CHECKPOINT_DISABLE=1 npx cdktf synth --output <tmp>",
        run: async () => {
          rmSync(out, { recursive: true, force: true });
          return timeCommand("npx", ["cdktf", "synth", "--output", out], { cwd: PROJECT_ROOT });
        },
      },
      { key: "floor", label: "npx cdktf --version", command: "CHECKPOINT_DISABLE=1 npx cdktf --version", run: () => timeCommand("npx", ["cdktf", "--version"], { cwd: PROJECT_ROOT }) },
    ];
    const results = await compare(variants, { runs: ctx.runs, warmup: ctx.warmup, log: ctx.log });
    const app = ctx.previous.synth?.variants.product?.wallMs.median;
    const notes = [`floor: ${seconds(results.floor.wallMs.median)} to start the CLI (npx + cdktf --version)`];
    const targets = [];
    if (app === undefined) {
      notes.push("the app's own synth time (benchmark synth) is not measured yet: run it too for the target");
    } else {
      const bound = results.floor.wallMs.median + app;
      const ratio = results.synth.wallMs.median / bound;
      notes.push(`floor + app = ${seconds(results.floor.wallMs.median)} + ${seconds(app)} = ${seconds(bound)} (app from benchmark synth, ${ctx.previous.synth!.measuredAt})`);
      targets.push({ description: "cdktf synth vs (CLI floor + app synth)", target: "≤ 1.3×", measured: `${ratio.toFixed(2)}× (${seconds(results.synth.wallMs.median)} vs ${seconds(bound)})`, met: ratio <= 1.3 });
    }
    return {
      id: "cli", title: "cdktf synth end to end, against the CLI's floor plus the app",
      variants: results, targets, notes,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
