import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { barrelCopy } from "../lib/barrel";
import { AppCommand, appCommand } from "../../scripts/lib/app-command";
import { PROJECT_ROOT } from "../lib/environments";
import { compare, Sample, timeCommand, Variant } from "../lib/measure";
import { BenchContext, ScenarioResult, seconds } from "../lib/result";

/** The app command from cdktf.json, run the way cdktf runs it: CDKTF_OUTDIR set, from the project folder. */
const APP = appCommand();

/** For comparison: the usual way to run a CDKTF app in TypeScript, a loader (tsx) for all of it. */
const TSX = { file: "node", args: ["--import", "tsx", "main.ts"] };

/** Synthesizes every environment's stack in `cwd`; returns the sample and leaves the output in `outdir`. */
async function synthOnce(cwd: string, outdir: string, app: AppCommand = APP): Promise<Sample> {
  rmSync(outdir, { recursive: true, force: true });
  return timeCommand(app.file, app.args, { cwd, env: { CDKTF_OUTDIR: outdir }, rusage: true });
}

/** Every file of a synth output folder, with the folder it was synthesized in replaced by a placeholder. */
function outputFiles(outdir: string, synthesizedIn: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else files.set(relative(outdir, p), readFileSync(p, "utf8").split(synthesizedIn).join("<project>"));
    }
  };
  walk(outdir);
  return files;
}

export async function synthBench(ctx: BenchContext): Promise<ScenarioResult> {
  const copy = barrelCopy(PROJECT_ROOT);
  const out = mkdtempSync(join(tmpdir(), "bench-synth-"));
  try {
    const productOut = join(out, "product");
    const barrelOut = join(out, "barrel");
    const variants: Variant[] = [
      { key: "product", label: "project (deep imports)", command: `CDKTF_OUTDIR=<tmp> ${[APP.file, ...APP.args].join(" ")}`, run: () => synthOnce(PROJECT_ROOT, productOut) },
      { key: "barrel", label: "baseline (barrel imports)", command: `same, in a copy with barrel imports (bench/lib/barrel.ts)`, run: () => synthOnce(copy.dir, barrelOut) },
      {
        key: "tsx", label: "project through tsx instead", command: `CDKTF_OUTDIR=<tmp> ${[TSX.file, ...TSX.args].join(" ")}`,
        run: () => synthOnce(PROJECT_ROOT, join(out, "tsx"), TSX),
      },
      {
        key: "barrelTsx", label: "baseline through tsx", command: "the barrel copy through tsx: how most CDKTF TypeScript runs",
        run: () => synthOnce(copy.dir, join(out, "barrel-tsx"), TSX),
      },
    ];

    // Same stacks, or the comparison means nothing: the copy must synthesize exactly what the project does.
    // These runs are not measured: the app command's first run of an entry only notes the packages it
    // loads, and its second builds their bundle and code cache (the default two warm-ups below).
    await variants[0].run();
    await variants[1].run();
    const a = outputFiles(productOut, PROJECT_ROOT);
    const b = outputFiles(barrelOut, copy.dir);
    const differing = [...new Set([...a.keys(), ...b.keys()])].filter((f) => a.get(f) !== b.get(f));
    if (differing.length) throw new Error(`the barrel baseline synthesizes something else than the project: ${differing.join(", ")}`);
    const stacks = readdirSync(join(productOut, "stacks")).sort();
    ctx.log(`  ${stacks.length} stacks (${stacks.join(", ")}); baseline: ${copy.rewrittenFiles} of ${copy.files} files rewritten, identical output`);

    const variantsResult = await compare(variants, { runs: ctx.runs, warmup: ctx.warmup, log: ctx.log });
    const p = variantsResult.product;
    const q = variantsResult.barrel;
    const d = variantsResult.tsx;
    const e = variantsResult.barrelTsx;
    const speedup = q.wallMs.median / p.wallMs.median;
    return {
      id: "synth", title: `Synth of all ${stacks.length} stacks (app only, as cdktf runs it)`,
      variants: variantsResult,
      targets: [
        { description: "synth median", target: "≤ 0.60 s", measured: seconds(p.wallMs.median), met: p.wallMs.median <= 600 },
        { description: "faster than the barrel baseline", target: "≥ 8×", measured: `${speedup.toFixed(1)}×`, met: speedup >= 8 },
        { description: "synth peak RSS (median)", target: "≤ 200 MiB", measured: `${p.peakRssMiB!.median.toFixed(1)} MiB`, met: p.peakRssMiB!.median <= 200 },
      ],
      notes: [
        `stacks: ${stacks.join(", ")}`,
        `baseline: the project's sources with ${copy.rewrittenFiles} of ${copy.files} files rewritten to barrel imports (@cdktf/provider-* and .gen/providers/*); its output is identical`,
        `barrel baseline: ${seconds(q.wallMs.median)}, ${q.peakRssMiB!.median.toFixed(0)} MiB peak`,
        `the same app through tsx (a loader for every module, source maps on): ${seconds(d.wallMs.median)} (cpu ${seconds(d.cpuMs!.median)} vs ${seconds(p.cpuMs!.median)}), ${d.peakRssMiB!.median.toFixed(0)} MiB peak`,
        `the barrel baseline through tsx (not the same runner; for scale): ${seconds(e.wallMs.median)}, ${e.peakRssMiB!.median.toFixed(0)} MiB peak, ${(e.wallMs.median / p.wallMs.median).toFixed(1)}× the project`,
      ],
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(copy.dir, { recursive: true, force: true });
  }
}
