/**
 * Setup errors in core's format (`code` starts with `HEALTH_`, so core's `isHealthError` knows
 * them; never identified by `instanceof`, ESM and CJS copies can coexist).
 */
import { isHealth } from '@health/core';

export interface MetricsError extends Error {
  code: 'HEALTH_INVALID_OPTION';
}

/** `@health/metrics: option "registry" ...` */
export function optionError(option: string, problem: string): MetricsError {
  const error = new Error(`@health/metrics: option "${option}" ${problem}`) as MetricsError;
  error.name = 'HealthError';
  error.code = 'HEALTH_INVALID_OPTION';
  return error;
}

/** Throws unless `health` is an instance from `createHealth()`. */
export function assertHealth(health: unknown): void {
  if (!isHealth(health)) throw optionError('health', 'must be an instance from createHealth()');
}

/** Throws unless `buckets` is undefined or a non-empty increasing list of positive numbers. */
export function checkBuckets(buckets: unknown): readonly number[] | undefined {
  if (buckets === undefined) return undefined;
  const ok =
    Array.isArray(buckets) &&
    buckets.length > 0 &&
    buckets.every(
      (b, i) =>
        typeof b === 'number' && Number.isFinite(b) && b > 0 && (i === 0 || b > buckets[i - 1]),
    );
  if (!ok) throw optionError('buckets', 'must be a non-empty increasing list of seconds (> 0)');
  return buckets as number[];
}
