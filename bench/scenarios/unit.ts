import { PROJECT_ROOT } from "../lib/environments";
import { compare, timeCommand } from "../lib/measure";
import { BenchContext, ScenarioResult, seconds } from "../lib/result";

/** The unit-test tier's wall time, as a developer runs it (`npm run test:unit`). */
export async function unitBench(ctx: BenchContext): Promise<ScenarioResult> {
  let failures = 0;
  const results = await compare([{
    key: "unit", label: "jest --selectProjects unit", command: "npx jest --selectProjects unit",
    run: async () => {
      // A failing test is timed all the same (jest runs every test either way), and reported.
      const sample = await timeCommand("npx", ["jest", "--selectProjects", "unit"], { cwd: PROJECT_ROOT, allowFailure: true });
      if (sample.exitCode !== 0) failures++;
      return sample;
    },
  }], { runs: ctx.runs, warmup: ctx.warmup, log: ctx.log });
  const median = results.unit.wallMs.median;
  return {
    id: "unit", title: "Unit-test tier", variants: results,
    targets: [{ description: "unit tier wall time (median)", target: "≤ 20 s", measured: seconds(median), met: median <= 20_000 }],
    notes: [
      ctx.warmup ? "jest's transform cache warm (after a warm-up run)" : "no warm-up run: the first run may have filled jest's transform cache",
      ...(failures ? [`${failures} run(s) had failing tests (timed all the same)`] : []),
    ],
  };
}
