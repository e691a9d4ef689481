import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { MachineInfo } from "./machine";
import { BENCH_IDS, BenchId, BenchResult } from "./result";

export interface Report {
  readonly generatedAt: string;
  readonly machine: MachineInfo;
  readonly options: { readonly runs: number | "default"; readonly warmup: number | "default" };
  readonly benchmarks: Partial<Record<BenchId, BenchResult & { machine?: MachineInfo }>>;
}

/** The saved report, if any: a partial run (`--only`) updates its benchmarks and keeps the others. */
export function readReport(file: string): Report | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Report;
  } catch {
    return undefined;
  }
}

export function writeReport(file: string, report: Report): void {
  mkdirSync(dirname(file), { recursive: true });
  const ordered = Object.fromEntries(BENCH_IDS.filter((id) => report.benchmarks[id]).map((id) => [id, report.benchmarks[id]]));
  writeFileSync(file, JSON.stringify({ ...report, benchmarks: ordered }, null, 2) + "\n");
}

const s = (ms: number) => (ms / 1000).toFixed(2);

/** Idle, this machine shows 0.00–0.05 busy cores (dockerd, the shell); a quarter core is someone's work. */
export const NOISY_BUSY_CORES = 0.25;

/** The printed table: one row per variant, then the targets with their verdicts. */
export function formatTable(results: readonly BenchResult[], cores: number): string {
  const rows: string[][] = [["benchmark", "variant", "runs", "median s", "min s", "max s", "peak RSS MiB", "cpu s (median)"]];
  for (const r of results) {
    if (r.skipped) {
      rows.push([r.id, `skipped: ${r.skipped}`, "", "", "", "", "", ""]);
      continue;
    }
    for (const v of Object.values(r.variants)) {
      rows.push([r.id, v.label, String(v.wallMs.runs), s(v.wallMs.median), s(v.wallMs.min), s(v.wallMs.max),
        v.peakRssMiB ? v.peakRssMiB.median.toFixed(0) : "", v.cpuMs ? s(v.cpuMs.median) : ""]);
      for (const [phase, p] of Object.entries(v.phasesMs ?? {})) {
        rows.push(["", `  of which until ${phase} returned`, String(p.runs), s(p.median), s(p.min), s(p.max), "", ""]);
      }
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => (i >= 2 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join("  ").trimEnd();
  const out = [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line), ""];
  out.push("targets:");
  for (const r of results) {
    for (const t of r.targets) out.push(`  ${t.met ? "MET   " : "MISSED"}  ${r.id}: ${t.description}: ${t.measured} (target ${t.target})`);
    for (const n of r.notes) out.push(`          ${r.id}: ${n}`);
    if ((r.busyCoresBefore ?? 0) > NOISY_BUSY_CORES) out.push(`  NOISY   ${r.id}: other work kept ${r.busyCoresBefore!.toFixed(2)} of ${cores} cores busy just before it started: times are likely inflated`);
  }
  return out.join("\n");
}
