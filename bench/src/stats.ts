/** Small statistics helpers: medians of interleaved rounds. */

export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function min(values: readonly number[]): number {
  return Math.min(...values.filter((v) => Number.isFinite(v)));
}

export function max(values: readonly number[]): number {
  return Math.max(...values.filter((v) => Number.isFinite(v)));
}

/** Rotates `items` left by `by`: round r of an interleaved run measures A B C, then B C A, ... */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const n = items.length;
  if (n === 0) return [];
  const k = ((by % n) + n) % n;
  return [...items.slice(k), ...items.slice(0, k)];
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A 95 % confidence interval of a mean (Student's t over paired per-round values). */
export interface Interval {
  /** Mean of the per-round values. */
  mean: number;
  low: number;
  high: number;
  /** Rounds it is computed from. */
  n: number;
}

/** Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048,
  2.045, 2.042,
];

export function tQuantile975(df: number): number {
  if (df < 1) return Number.NaN;
  if (df <= 30) return T975[df - 1] as number;
  return 1.96 + 2.4 / df; // within 0.002 of the exact value beyond 30
}

/**
 * 95 % t-interval of the mean of `values` (per-round ratios of paired measurements). One value
 * gives a point without width (low = high = NaN): a single round cannot say how noisy it is.
 */
export function interval(values: readonly number[]): Interval {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { mean: Number.NaN, low: Number.NaN, high: Number.NaN, n };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, low: Number.NaN, high: Number.NaN, n };
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  const half = tQuantile975(n - 1) * Math.sqrt(variance / n);
  return { mean, low: mean - half, high: mean + half, n };
}

/** Half-width of an interval relative to its mean (0.02 = ±2 %). */
export function relativeHalfWidth(ci: Interval): number {
  return (ci.high - ci.low) / 2 / Math.abs(ci.mean);
}

/**
 * Rounds a t-interval like `ci` would need for a relative half-width of `target` (0.02 = ±2 %):
 * the half-width shrinks with √n, so n · (now ÷ target)², at least 2. NaN without an interval.
 */
export function roundsFor(ci: Interval, target = 0.02): number {
  const now = relativeHalfWidth(ci);
  if (!Number.isFinite(now) || ci.n < 2) return Number.NaN;
  return Math.max(2, Math.ceil(ci.n * (now / target) ** 2 - 1e-9));
}
