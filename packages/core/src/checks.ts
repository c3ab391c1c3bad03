/**
 * Check definitions: what a user registers, and its validation into the normalized form
 * the engine runs. A check is written once and can be shared across services.
 */
import {
  assertDuration,
  assertKnownKeys,
  describe,
  healthError,
  optionError,
  show,
} from './errors.js';
import type { CheckProbe } from './state.js';

/** What a check function receives. */
export interface CheckContext {
  /** Aborted when the check times out or the health instance is closed. Pass it to your driver. */
  signal: AbortSignal;
}

/** Observed values a check reports (latency, free bytes, versions). Shown only where details are allowed. */
export type CheckDetails = Record<string, unknown>;

/**
 * What a check function may return. Anything it returns or resolves is UP (a driver's result,
 * `'PONG'`, a `Response`: the value itself is never shown), except `false` and
 * {@link down | down()} (DOWN). {@link up | up(details)} is UP with observed values. Throwing,
 * rejecting or timing out is DOWN, never a crash.
 */
export type CheckReturn = unknown;

export type CheckFunction = (context: CheckContext) => CheckReturn;

/**
 * A named check.
 * @example
 * const db: CheckDefinition = {
 *   name: 'postgres',
 *   dependency: true,
 *   check: () => pool.query('SELECT 1'), // resolves: UP; rejects: DOWN
 * };
 */
export interface CheckDefinition {
  /** Unique name, shown in the body where checks are shown. `[A-Za-z0-9_.:-]`, 1–64 chars. */
  name: string;
  /** The check itself. */
  check: CheckFunction;
  /**
   * Which probes run this check. The single `health` endpoint runs readiness and liveness checks.
   * @default ['readiness']
   */
  probes?: readonly CheckProbe[];
  /**
   * A failing critical check fails the probe (503); a non-critical one only shows in the body.
   * @default true
   */
  critical?: boolean;
  /**
   * Milliseconds before a run counts as failed. Its `signal` is aborted then.
   * Shorter than a kubelet probe's default 1 s timeout.
   * @default 500
   */
  timeout?: number;
  /**
   * Milliseconds a passing result is reused before the next probe runs the check again.
   * @default 1000
   */
  ttl?: number;
  /**
   * Milliseconds a failing result is reused.
   * @default same as `ttl`
   */
  failureTtl?: number;
  /**
   * Refresh the result in the background every `interval` ms, so probes never wait on the
   * dependency (they read the last result). Off by default: results refresh on demand.
   */
  interval?: number;
  /**
   * With `interval`: a result older than this many milliseconds counts as failed ("stale"),
   * e.g. when the background refresh is stuck. (Without `interval` results are never served
   * older than `ttl`/`failureTtl`, so this does not apply.)
   * @default 3 × max(interval, 1000) + timeout
   */
  maxStale?: number;
  /**
   * The check tests a downstream dependency (database, broker, another service). Such a check
   * is refused on liveness unless `allowOnLiveness` is set: a downstream outage must never
   * restart the process.
   * @default false
   */
  dependency?: boolean;
  /** Allow a `dependency` check on the liveness probe anyway. @default false */
  allowOnLiveness?: boolean;
  /** Labels that groups select checks by (`include: ['tag:payments']`). `[A-Za-z0-9_.:-]`. */
  tags?: readonly string[];
  /**
   * Consecutive failed runs before the check reports DOWN (Envoy's unhealthy threshold, Docker's
   * `retries`): one failed run in between passes does not take the service out of rotation.
   * @default 1
   */
  failureThreshold?: number;
  /** Consecutive passing runs before a DOWN check reports UP again. @default 1 */
  successThreshold?: number;
  /**
   * Releases what the check holds (a timer, a histogram, a connection of its own). Called once,
   * on `removeCheck`, `close()` and at the end of shutdown.
   */
  dispose?: () => void;
}

/** A validated check with every default applied. */
export interface NormalizedCheck {
  name: string;
  check: CheckFunction;
  probes: readonly CheckProbe[];
  critical: boolean;
  timeout: number;
  ttl: number;
  failureTtl: number;
  interval: number | undefined;
  maxStale: number;
  dependency: boolean;
  tags: readonly string[];
  failureThreshold: number;
  successThreshold: number;
  dispose: (() => void) | undefined;
}

export const CHECK_DEFAULTS = { timeout: 500, ttl: 1000 } as const;

const CHECK_KEYS = [
  'name',
  'check',
  'probes',
  'critical',
  'timeout',
  'ttl',
  'failureTtl',
  'interval',
  'maxStale',
  'dependency',
  'allowOnLiveness',
  'tags',
  'failureThreshold',
  'successThreshold',
  'dispose',
] as const;
const CHECK_PROBES: readonly CheckProbe[] = ['readiness', 'liveness', 'startup'];
const NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Validates a check definition; throws a clear error naming the bad option. */
export function normalizeCheck(definition: CheckDefinition, where = 'check'): NormalizedCheck {
  const scope = '@health/core';
  if (definition === null || typeof definition !== 'object') {
    throw optionError(
      scope,
      where,
      `must be an object with "name" and "check", got ${describe(definition)}`,
    );
  }
  assertKnownKeys(scope, where, definition, CHECK_KEYS);
  const { name } = definition;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw optionError(
      scope,
      `${where}.name`,
      `must be 1-64 characters of [A-Za-z0-9_.:-], got ${describe(name)}`,
    );
  }
  const at = `check "${name}"`;
  if (typeof definition.check !== 'function') {
    throw optionError(
      scope,
      `${at}.check`,
      `must be a function, got ${describe(definition.check)}`,
    );
  }
  const probes = definition.probes ?? ['readiness'];
  if (
    !Array.isArray(probes) ||
    probes.length === 0 ||
    probes.some((p) => !CHECK_PROBES.includes(p))
  ) {
    throw optionError(
      scope,
      `${at}.probes`,
      `must be a non-empty array of ${CHECK_PROBES.join(', ')}, got ${show(probes)}`,
    );
  }
  for (const key of ['critical', 'dependency', 'allowOnLiveness'] as const) {
    const value = definition[key];
    if (value !== undefined && typeof value !== 'boolean') {
      throw optionError(scope, `${at}.${key}`, `must be a boolean, got ${describe(value)}`);
    }
  }
  assertDuration(scope, `${at}.timeout`, definition.timeout, 1);
  assertDuration(scope, `${at}.ttl`, definition.ttl, 0);
  assertDuration(scope, `${at}.failureTtl`, definition.failureTtl, 0);
  assertDuration(scope, `${at}.interval`, definition.interval, 10);
  assertDuration(scope, `${at}.maxStale`, definition.maxStale, 1);
  const dependency = definition.dependency ?? false;
  if (dependency && probes.includes('liveness') && !definition.allowOnLiveness) {
    throw healthError(
      'HEALTH_DEPENDENCY_ON_LIVENESS',
      `@health/core: ${at} tests a dependency and cannot run on the liveness probe: a downstream outage would restart every replica. Put it on readiness, or set "allowOnLiveness: true" if you really mean it.`,
    );
  }
  const tags = definition.tags ?? [];
  if (
    !Array.isArray(tags) ||
    tags.some((tag) => typeof tag !== 'string' || !NAME_PATTERN.test(tag))
  ) {
    throw optionError(
      scope,
      `${at}.tags`,
      `must be an array of 1-64 character tags of [A-Za-z0-9_.:-], got ${show(tags)}`,
    );
  }
  for (const key of ['failureThreshold', 'successThreshold'] as const) {
    const value = definition[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 1000)) {
      throw optionError(
        scope,
        `${at}.${key}`,
        `must be an integer from 1 to 1000, got ${describe(value)}`,
      );
    }
  }
  if (definition.dispose !== undefined && typeof definition.dispose !== 'function') {
    throw optionError(
      scope,
      `${at}.dispose`,
      `must be a function, got ${describe(definition.dispose)}`,
    );
  }
  const timeout = definition.timeout ?? CHECK_DEFAULTS.timeout;
  const ttl = definition.ttl ?? CHECK_DEFAULTS.ttl;
  const interval = definition.interval;
  return {
    name,
    check: definition.check,
    probes: [...new Set(probes)],
    critical: definition.critical ?? true,
    timeout,
    ttl,
    failureTtl: definition.failureTtl ?? ttl,
    interval,
    // Read only with `interval` (the engine serves on-demand results within ttl/failureTtl).
    maxStale: definition.maxStale ?? 3 * Math.max(interval ?? 0, 1000) + timeout,
    dependency,
    tags: [...new Set(tags)],
    failureThreshold: definition.failureThreshold ?? 1,
    successThreshold: definition.successThreshold ?? 1,
    dispose: definition.dispose,
  };
}
