import { VariantResult } from "./measure";

/** A target from the issue, checked against a measurement. */
export interface TargetCheck {
  readonly description: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

/** What one benchmark reports. */
export interface BenchResult {
  readonly id: BenchId;
  readonly title: string;
  readonly measuredAt: string;
  /** 1-minute load average before and after, for the record (it lags: it still counts the benchmark before). */
  readonly loadavg: { readonly before: number; readonly after: number };
  /** Cores other work kept busy in the idle second before the benchmark started (`busyCores`). */
  readonly busyCoresBefore?: number;
  readonly variants: Record<string, VariantResult>;
  readonly targets: TargetCheck[];
  readonly notes: string[];
  /** Set when the benchmark could not run (e.g. a tool it measures is missing); nothing else is then meaningful. */
  readonly skipped?: string;
}

/** What a scenario returns: the runner adds when it ran and how busy the machine was. */
export type ScenarioResult = Omit<BenchResult, "measuredAt" | "loadavg" | "busyCoresBefore">;

export const BENCH_IDS = ["synth", "cli", "plan", "deploy", "release", "unit", "scale"] as const;
export type BenchId = (typeof BENCH_IDS)[number];

export interface BenchContext {
  readonly runs: number;
  readonly warmup: number;
  readonly log: (line: string) => void;
  /** Results of benchmarks run earlier (in this invocation or the saved file): cli builds on synth. */
  readonly previous: Partial<Record<BenchId, BenchResult>>;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
