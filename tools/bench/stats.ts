/** A figure over repeated runs: the median of the per-run values and their spread. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** Latency percentiles of one run, or (in results) each percentile as a Figure over the runs. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  samples: number;
}

export interface PercentileFigures {
  p50: Figure;
  p95: Figure;
  p99: Figure;
  /** updates measured in each run */
  samples: Figure;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentile (no interpolation): the value at least `p`% of samples do not exceed. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}

export function percentiles(samples: readonly number[], digits = 1): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 50), digits),
    p95: round(percentile(sorted, 95), digits),
    p99: round(percentile(sorted, 99), digits),
    samples: sorted.length,
  };
}

/** Median and spread of one value measured once per run. */
export function figure(perRun: readonly number[], digits = 1): Figure {
  const finite = perRun.filter(Number.isFinite);
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };
  return {
    median: round(median(finite), digits),
    min: round(Math.min(...finite), digits),
    max: round(Math.max(...finite), digits),
    runs: finite.length,
  };
}

export function percentileFigures(perRun: readonly Percentiles[], digits = 1): PercentileFigures {
  return {
    p50: figure(
      perRun.map((r) => r.p50),
      digits,
    ),
    p95: figure(
      perRun.map((r) => r.p95),
      digits,
    ),
    p99: figure(
      perRun.map((r) => r.p99),
      digits,
    ),
    samples: figure(
      perRun.map((r) => r.samples),
      0,
    ),
  };
}
