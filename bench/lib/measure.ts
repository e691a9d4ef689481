import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { interleavedOrder, round, Summary, summarize } from "./stats";

/** Preload that reports a node process's peak RSS and CPU time (see maxrss.cjs). */
export const RUSAGE_PRELOAD = join(__dirname, "maxrss.cjs");

/** One measured run. */
export interface Sample {
  readonly wallMs: number;
  /** Peak resident memory of the measured node process (MiB), when it was preloaded with RUSAGE_PRELOAD. */
  readonly peakRssMiB?: number;
  /**
   * CPU time (user + system) of the command and everything it ran: less disturbed than wall time by
   * other work on the machine, and, against wall time, how much of the machine a command kept busy.
   */
  readonly cpuMs?: number;
  /** Named intermediate times (e.g. when a deploy command returned, before the stack was healthy). */
  readonly phasesMs?: Record<string, number>;
  /** Named counts of the run (e.g. failed requests of a load running during it). */
  readonly counts?: Record<string, number>;
}

export interface VariantResult {
  readonly label: string;
  readonly command: string;
  readonly wallMs: Summary;
  readonly peakRssMiB?: Summary;
  readonly cpuMs?: Summary;
  readonly phasesMs?: Record<string, Summary>;
  /** Per count: its summary over the runs and its sum. */
  readonly counts?: Record<string, Summary & { readonly sum: number }>;
  readonly samples: Sample[];
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: Record<string, string | undefined>;
  /** Collect peak RSS/CPU: the command must be `node` and gets `--require RUSAGE_PRELOAD` first. */
  readonly rusage?: boolean;
  readonly timeoutMs?: number;
  /** Time a failing command too instead of failing the benchmark (its exit code is returned). */
  readonly allowFailure?: boolean;
}

/** Environment variables a measured command must not inherit from the shell that runs the benchmark. */
const SCRUBBED = ["ENVIRONMENTS_DIR", "CDKTF_OUTDIR", "NODE_OPTIONS"];

export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, CHECKPOINT_DISABLE: "1", FORCE_COLOR: "0", ...extra };
  for (const key of SCRUBBED) if (!(key in extra)) delete env[key];
  return env;
}

/** Runs one command to completion and times it; a failing command fails the benchmark with its output. */
export async function timeCommand(file: string, args: readonly string[], options: RunOptions): Promise<Sample & { stdout: string; exitCode: number }> {
  const rusageDir = options.rusage ? mkdtempSync(join(tmpdir(), "bench-rusage-")) : undefined;
  const rusageFile = rusageDir && join(rusageDir, "rusage.json");
  const argv = options.rusage ? ["--require", RUSAGE_PRELOAD, ...args] : [...args];
  const env = cleanEnv({ ...options.env, ...(rusageFile ? { BENCH_RUSAGE_FILE: rusageFile } : {}) });
  const cpuBefore = childrenCpuMs();
  const start = process.hrtime.bigint();
  const result = await execa(file, argv, { cwd: options.cwd, env, extendEnv: false, reject: false, all: true, timeout: options.timeoutMs ?? 600_000 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const cpuAfter = childrenCpuMs();
  const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
  try {
    if (result.exitCode !== 0 && !options.allowFailure) {
      throw new Error(`${[file, ...args].join(" ")} failed (exit ${result.exitCode}${result.timedOut ? ", timed out" : ""}):\n${tail(result.all ?? "")}`);
    }
    if (!rusageFile) return { wallMs, cpuMs, stdout: result.stdout, exitCode: result.exitCode };
    if (!existsSync(rusageFile)) throw new Error(`${file} did not report its resource usage (is it a node process?)`);
    const usage = JSON.parse(readFileSync(rusageFile, "utf8")) as { maxRssKiB: number; cpuMs: number };
    return { wallMs, peakRssMiB: usage.maxRssKiB / 1024, cpuMs: cpuMs ?? usage.cpuMs, stdout: result.stdout, exitCode: result.exitCode };
  } finally {
    if (rusageDir) rmSync(rusageDir, { recursive: true, force: true });
  }
}

/**
 * CPU time of this process's finished children and their descendants (Linux: cutime + cstime in
 * /proc/self/stat, in clock ticks of 10 ms). Commands run one at a time, so the difference around one
 * is that command's whole process tree. Undefined where there is no /proc.
 */
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from the 3rd (state) on
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

export function tail(text: string, lines = 40): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

export interface Variant {
  readonly key: string;
  readonly label: string;
  /** How to rerun it by hand; shown in the JSON. */
  readonly command: string;
  readonly run: () => Promise<Sample>;
}

/**
 * Runs every variant `warmup` times unmeasured (caches: tsx's transform cache, the page cache, jest's
 * cache), then `runs` measured rounds, interleaved so load from elsewhere hits each variant alike.
 */
export async function compare(variants: readonly Variant[], options: { runs: number; warmup: number; log: (line: string) => void }): Promise<Record<string, VariantResult>> {
  for (let w = 0; w < options.warmup; w++) {
    for (const v of variants) {
      options.log(`  warm-up ${v.label}`);
      await v.run();
    }
  }
  const samples = new Map<string, Sample[]>(variants.map((v) => [v.key, []]));
  const rounds = interleavedOrder(variants, options.runs);
  for (const [r, order] of rounds.entries()) {
    for (const v of order) {
      const sample = await v.run();
      samples.get(v.key)!.push(sample);
      options.log(`  run ${r + 1}/${options.runs} ${v.label}: ${describeSample(sample)}`);
    }
  }
  return Object.fromEntries(variants.map((v) => [v.key, resultOf(v, samples.get(v.key)!)]));
}

function resultOf(v: Variant, samples: Sample[]): VariantResult {
  const metric = (pick: (s: Sample) => number | undefined) => {
    const values = samples.map(pick).filter((x): x is number => x !== undefined);
    return values.length === samples.length ? summarize(values) : undefined;
  };
  const phases = [...new Set(samples.flatMap((s) => Object.keys(s.phasesMs ?? {})))];
  const counts = [...new Set(samples.flatMap((s) => Object.keys(s.counts ?? {})))];
  return {
    label: v.label, command: v.command,
    wallMs: summarize(samples.map((s) => s.wallMs)),
    peakRssMiB: metric((s) => s.peakRssMiB),
    cpuMs: metric((s) => s.cpuMs),
    phasesMs: phases.length ? Object.fromEntries(phases.map((p) => [p, metric((s) => s.phasesMs?.[p])!])) : undefined,
    counts: counts.length ? Object.fromEntries(counts.map((c) => {
      const values = samples.map((s) => s.counts?.[c] ?? 0);
      return [c, { ...summarize(values), sum: values.reduce((a, b) => a + b, 0) }];
    })) : undefined,
    samples: samples.map(({ wallMs, peakRssMiB, cpuMs, phasesMs, counts }) => ({
      wallMs: round(wallMs, 1), peakRssMiB: peakRssMiB === undefined ? undefined : round(peakRssMiB, 1), cpuMs,
      phasesMs: phasesMs && Object.fromEntries(Object.entries(phasesMs).map(([k, v]) => [k, round(v, 1)])),
      counts,
    })),
  };
}

function describeSample(s: Sample): string {
  const parts = [`${(s.wallMs / 1000).toFixed(2)} s`];
  if (s.cpuMs !== undefined) parts.push(`cpu ${(s.cpuMs / 1000).toFixed(2)} s`);
  if (s.peakRssMiB !== undefined) parts.push(`${s.peakRssMiB.toFixed(0)} MiB`);
  for (const [phase, ms] of Object.entries(s.phasesMs ?? {})) parts.push(`${phase} ${(ms / 1000).toFixed(2)} s`);
  for (const [name, n] of Object.entries(s.counts ?? {})) parts.push(`${name} ${n}`);
  return parts.join(", ");
}
