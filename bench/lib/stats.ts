/** Summary statistics of one metric over a benchmark's runs. */
export interface Summary {
  readonly runs: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(values: readonly number[]): Summary {
  return { runs: values.length, median: round(median(values), 1), min: round(Math.min(...values), 1), max: round(Math.max(...values), 1) };
}

/** Rounds for the report (milliseconds to a tenth are more than these measurements can carry). */
export function round(value: number, decimals = 3): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/**
 * The order variants run in, round by round: rotated each round so that neither always runs first
 * (a warm cache or a burst of other load then hits every variant alike).
 */
export function interleavedOrder<T>(variants: readonly T[], rounds: number): T[][] {
  return Array.from({ length: rounds }, (_, r) => variants.map((_, i) => variants[(i + r) % variants.length]));
}
