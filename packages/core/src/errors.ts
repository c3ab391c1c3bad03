/**
 * Errors thrown by @health at setup time. Identified by `code`, never by `instanceof`,
 * because ESM and CJS copies of this package can coexist in one process.
 */

export type HealthErrorCode =
  | 'HEALTH_INVALID_OPTION'
  | 'HEALTH_DUPLICATE_CHECK'
  | 'HEALTH_INVALID_TRANSITION'
  | 'HEALTH_DEPENDENCY_ON_LIVENESS';

export interface HealthError extends Error {
  code: HealthErrorCode;
}

export function healthError(code: HealthErrorCode, message: string): HealthError {
  const error = new Error(message) as HealthError;
  error.name = 'HealthError';
  error.code = code;
  return error;
}

/** True for errors created by @health (works across ESM/CJS copies). */
export function isHealthError(value: unknown): value is HealthError {
  return (
    value instanceof Error &&
    typeof (value as { code?: unknown }).code === 'string' &&
    (value as unknown as { code: string }).code.startsWith('HEALTH_')
  );
}

/** `@health/core: option "x" must be ...` — the one format of every setup error. */
export function optionError(scope: string, option: string, problem: string): HealthError {
  return healthError('HEALTH_INVALID_OPTION', `${scope}: option "${option}" ${problem}`);
}

/** Throws unless `value` is an object whose keys are all in `known`. */
export function assertKnownKeys(
  scope: string,
  where: string,
  value: unknown,
  known: readonly string[],
): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw optionError(scope, where, 'must be an object');
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const path = where ? `${where}.${key}` : key;
      throw optionError(scope, path, `is not a known option (known: ${known.join(', ')})`);
    }
  }
}

/** Throws unless `value` is undefined or a finite number within [min, max]. */
export function assertDuration(
  scope: string,
  option: string,
  value: unknown,
  min = 0,
  max = 2_147_483_647,
): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw optionError(
      scope,
      option,
      `must be a number of milliseconds between ${min} and ${max}, got ${describe(value)}`,
    );
  }
}

/** A short, never-throwing description of a bad option value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return show(value);
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value); // numbers, booleans, null, undefined, bigint, symbol
}

/** JSON when it can be (arrays of names), else {@link describe}'s words: values may be hostile. */
export function show(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    if (text !== undefined) return text.length > 200 ? `${text.slice(0, 200)}...` : text;
  } catch {
    // BigInt, cycles, throwing toJSON: fall through
  }
  return Array.isArray(value) ? 'an array' : describe(value);
}
