/**
 * Explicit check outcomes. A check that returns or resolves anything is UP — a driver's result,
 * `'PONG'`, a `fetch` `Response` — because "it did not fail" is what every peer means by healthy.
 * Only these branded values (and `false`, a throw, a timeout) say otherwise, so an object that
 * happens to carry a `status` key is never misread.
 */
import type { CheckDetails } from './checks.js';

const OUTCOME = Symbol.for('@health/core.CheckOutcome');

/** A check's explicit outcome, made with {@link up} or {@link down}. */
export interface CheckOutcome {
  readonly [OUTCOME]: true;
  readonly status: 'UP' | 'DOWN';
  /** Observed values, shown only where details are allowed. */
  readonly details?: CheckDetails;
  /** Why it failed; shown only where details are allowed. */
  readonly message?: string;
}

/**
 * UP, with observed values to show where details are allowed.
 * @example check: async () => up({ latencyMs: await ping() })
 */
export function up(details?: CheckDetails): CheckOutcome {
  return details === undefined
    ? { [OUTCOME]: true, status: 'UP' }
    : { [OUTCOME]: true, status: 'UP', details };
}

/**
 * DOWN without throwing: why, and observed values (both shown only where details are allowed).
 * @example check: () => (queue.depth > 1000 ? down('queue backed up', { depth: queue.depth }) : up())
 */
export function down(message?: string, details?: CheckDetails): CheckOutcome {
  const outcome: { -readonly [K in keyof CheckOutcome]: CheckOutcome[K] } = {
    [OUTCOME]: true,
    status: 'DOWN',
  };
  if (message !== undefined) outcome.message = String(message);
  if (details !== undefined) outcome.details = details;
  return outcome;
}

/** True for a value made by {@link up} or {@link down} (works across ESM/CJS copies of core). */
export function isCheckOutcome(value: unknown): value is CheckOutcome {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[OUTCOME] === true
  );
}
