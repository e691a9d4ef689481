/*
 * npm run bench [-- --only synth,cli,plan,deploy,release,unit,scale] [--runs N] [--warmup N] [--out file.json]
 *
 * The performance benchmark of issue 7: synth against a barrel-import baseline, `cdktf synth` against
 * the CLI's floor, plans one after another against the parallel runner, a Docker deploy against
 * docker-compose, a release of the deployed environment under load against docker-compose's, and the
 * unit tests. Prints a table and writes bench/results/latest.json (a partial
 * run keeps the other benchmarks' saved results). Numbers are only as quiet as the machine: run it idle.
 */
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "./lib/environments";
import { busyCores, machineInfo } from "./lib/machine";
import { formatTable, readReport, Report, writeReport } from "./lib/report";
import { BENCH_IDS, BenchContext, BenchId, BenchResult, ScenarioResult } from "./lib/result";
import { cliBench } from "./scenarios/cli";
import { deployBench } from "./scenarios/deploy";
import { planBench } from "./scenarios/plan";
import { releaseBench } from "./scenarios/release";
import { scaleBench } from "./scenarios/scale";
import { synthBench } from "./scenarios/synth";
import { unitBench } from "./scenarios/unit";

/** Per benchmark: what it runs, and how many measured runs / warm-up runs by default (a deploy takes a minute). */
const BENCHMARKS: Record<BenchId, { run: (ctx: BenchContext) => Promise<ScenarioResult>; runs: number; warmup: number }> = {
  synth: { run: synthBench, runs: 9, warmup: 2 },
  cli: { run: cliBench, runs: 5, warmup: 1 },
  plan: { run: planBench, runs: 3, warmup: 1 },
  deploy: { run: deployBench, runs: 3, warmup: 0 },
  release: { run: releaseBench, runs: 3, warmup: 0 },
  unit: { run: unitBench, runs: 3, warmup: 1 },
  scale: { run: scaleBench, runs: 3, warmup: 1 },
};

function parseOptions() {
  const { values } = parseArgs({
    options: {
      only: { type: "string" }, runs: { type: "string" }, warmup: { type: "string" },
      out: { type: "string", default: join(PROJECT_ROOT, "bench", "results", "latest.json") },
    },
  });
  const only = values.only ? values.only.split(",").map((s) => s.trim()).filter(Boolean) : [...BENCH_IDS];
  const unknown = only.filter((id) => !(BENCH_IDS as readonly string[]).includes(id));
  if (unknown.length) throw new Error(`--only: unknown benchmark ${unknown.join(", ")}; the benchmarks are ${BENCH_IDS.join(", ")}`);
  const count = (name: string, v: string | undefined, min: number) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected a whole number of at least ${min}, got "${v}"`);
    return n;
  };
  return {
    only: BENCH_IDS.filter((id) => only.includes(id)), // always in dependency order: cli uses synth's result
    runs: count("runs", values.runs, 1), warmup: count("warmup", values.warmup, 0), out: values.out!,
  };
}

async function main(): Promise<void> {
  const options = parseOptions();
  const machine = await machineInfo();
  console.log(`${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB; node ${machine.node}, ${machine.terraform}; load ${machine.loadavg.join(" ")}`);
  const saved = readReport(options.out);
  const benchmarks: Report["benchmarks"] = { ...saved?.benchmarks };
  const ran: BenchResult[] = [];
  for (const id of options.only) {
    const spec = BENCHMARKS[id];
    const runs = options.runs ?? spec.runs;
    const warmup = options.warmup ?? spec.warmup;
    console.log(`\n== ${id} (${runs} runs, ${warmup} warm-up)`);
    const busyCoresBefore = await busyCores();
    const loadBefore = loadavg()[0];
    const scenario = await spec.run({ runs, warmup, log: (line) => console.log(line), previous: benchmarks });
    const result: BenchResult = {
      ...scenario, measuredAt: new Date().toISOString(), loadavg: { before: loadBefore, after: loadavg()[0] }, busyCoresBefore,
    };
    benchmarks[id] = { ...result, machine };
    ran.push(result);
    writeReport(options.out, { generatedAt: new Date().toISOString(), machine, options: { runs: options.runs ?? "default", warmup: options.warmup ?? "default" }, benchmarks });
  }
  console.log(`\n${formatTable(ran, machine.cores)}\n\nwritten to ${options.out}`);
}

main().catch((err: Error) => {
  console.error(`bench: ${err.stack ?? err.message}`);
  process.exit(1);
});
