/**
 * @nestjs/terminus <-> @health, both ways, without importing terminus (an optional peer):
 * terminus indicator results (returned or thrown) become check outcomes, and checks become indicators.
 */
import {
  type CheckContext,
  type CheckDefinition,
  type CheckOutcome,
  down,
  type Health,
  up,
} from '@health/core';

/** Terminus' `HealthIndicatorResult`: `{ [key]: { status: 'up' | 'down' | 'degraded', ...data } }`. */
export type TerminusIndicatorResult<Status extends string = string> = Record<
  string,
  { status: Status; [data: string]: unknown }
>;

/** A terminus indicator call, e.g. `() => this.db.pingCheck('db')` or `indicatorService.check('x').up()`. */
export type TerminusIndicator = (
  context: CheckContext,
) => PromiseLike<TerminusIndicatorResult> | TerminusIndicatorResult;

/** Terminus < 12 `HealthCheckError` (recognised by shape, never `instanceof`). */
function isHealthCheckError(error: unknown): error is Error & { causes: TerminusIndicatorResult } {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { isHealthCheckError?: unknown; name?: unknown; causes?: unknown };
  return (
    (e.isHealthCheckError === true || e.name === 'HealthCheckError') && typeof e.causes === 'object'
  );
}

function outcome(result: TerminusIndicatorResult, message?: string): CheckOutcome {
  const entries = Object.values(result ?? {});
  const failed = entries.find((entry) => entry?.status !== 'up' && entry?.status !== 'degraded');
  if (!failed && entries.length > 0) return up(result);
  const reason = message ?? (typeof failed?.message === 'string' ? failed.message : undefined);
  return down(failed ? reason : undefined, result);
}

/**
 * Turns a terminus indicator into an @health check. `up`/`degraded` is UP, `down` is DOWN (its
 * data becomes details, shown only where core allows); a thrown `HealthCheckError` is DOWN too.
 * @example
 * fromTerminusIndicator('db', () => this.db.pingCheck('db'), { dependency: true })
 */
export function fromTerminusIndicator(
  name: string,
  indicator: TerminusIndicator,
  options: Omit<CheckDefinition, 'name' | 'check'> = {},
): CheckDefinition {
  return {
    ...options,
    name,
    check: async (context) => {
      try {
        return outcome(await indicator(context));
      } catch (error) {
        if (isHealthCheckError(error)) return outcome(error.causes, error.message);
        throw error;
      }
    },
  };
}

/**
 * Exposes an @health check as a terminus indicator for `HealthCheckService.check([...])`:
 * `{ [name]: { status: 'up' } }`, or `'down'` (which makes terminus answer 503). The check's
 * cache, timeout and single-flight apply. Message and details only with `details: true`.
 * @example
 * this.terminus.check([toTerminusIndicator(this.health, 'postgres')])
 */
export function toTerminusIndicator(
  health: Health,
  name: string,
  options: {
    /** Include the check's message, details and duration in the terminus result. @default false */
    details?: boolean;
  } = {},
): () => Promise<TerminusIndicatorResult<'up' | 'down'>> {
  return async () => {
    const result = await health.checkResult(name);
    const status = result.status === 'UP' ? ('up' as const) : ('down' as const);
    if (!options.details) return { [name]: { status } };
    return {
      [name]: {
        status,
        durationMs: Math.round(result.duration),
        ...(result.message !== undefined && { message: result.message }),
        ...(result.details !== undefined && { details: result.details }),
      },
    };
  };
}
