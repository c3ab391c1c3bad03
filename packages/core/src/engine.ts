/**
 * The evaluation engine: runs one check with a timeout and an AbortSignal, shares one
 * in-flight run between concurrent probes (single-flight), reuses results for a TTL or
 * refreshes them in the background, applies the consecutive failure/success thresholds, and
 * never lets a throwing or hanging check escape.
 */
import type { CheckDetails, NormalizedCheck } from './checks.js';
import { isCheckOutcome } from './outcome.js';
import { redact } from './redact.js';
import { type CheckRunContext, checkChannel } from './tracing.js';

/** The outcome of one check, as the engine stores, reuses and reports it. */
export interface CheckResult {
  readonly name: string;
  /** The reported status (after `failureThreshold` / `successThreshold`). */
  readonly status: 'UP' | 'DOWN';
  readonly critical: boolean;
  /** How long the run took, in milliseconds. */
  readonly duration: number;
  /** `Date.now()` when the run finished. */
  readonly at: number;
  /** Observed values (JSON-safe). */
  readonly details?: CheckDetails;
  /** Why it failed (credentials in URLs already redacted). Never a stack trace. */
  readonly message?: string;
  /** The run exceeded its timeout (or the probe deadline, for one answer). */
  readonly timedOut?: boolean;
  /** The result is older than the check's `maxStale`. */
  readonly stale?: boolean;
  /** Failed runs in a row, when the last run failed. */
  readonly consecutiveFailures?: number;
  /** The raw outcome changed often lately (4 or more flips over the last 10 runs). */
  readonly flapping?: true;
}

/** Called when a check's reported status changes, and for its first result. */
export type ResultListener = (previous: CheckResult | undefined, current: CheckResult) => void;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const FLAP_WINDOW = 10;
const FLAP_FLIPS = 4;

export class CheckRunner {
  private last: CheckResult | undefined;
  /** `Date.now()` of the last reported status change. */
  since: number | undefined;
  /** The probe-facing promise of the current run: settles by the timeout at the latest. */
  private inFlight: Promise<CheckResult> | undefined;
  /** The check function itself is still executing (possibly after its run timed out). */
  private executing = false;
  private controller: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private failures = 0;
  private successes = 0;
  /** Raw statuses of the last runs (true = passed), for flapping. */
  private readonly history: boolean[] = [];
  /** Runs started, for tests and metrics. */
  runs = 0;

  constructor(
    readonly check: NormalizedCheck,
    /** The health instance, for the tracing context. */
    private readonly owner: object,
    private readonly onChange: ResultListener,
  ) {}

  /** The last reported result, if any (never runs the check). */
  get current(): CheckResult | undefined {
    return this.last;
  }

  /** Starts the background refresh loop if the check has an `interval`. */
  start(): void {
    if (this.check.interval !== undefined && !this.closed && !this.timer) this.tick();
  }

  /** Stops background refreshes, aborts a running check and disposes it. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.controller?.abort(new Error('health instance closed'));
    try {
      this.check.dispose?.();
    } catch {
      // a failing dispose must not break shutdown
    }
  }

  /** The result a probe should use now: a fresh cached one, the shared in-flight run, or a new run. */
  result(): CheckResult | Promise<CheckResult> {
    const last = this.last;
    if (last) {
      const age = Date.now() - last.at;
      if (this.check.interval !== undefined) {
        // Background mode: a probe never waits; a result the loop failed to refresh goes stale.
        return age > this.check.maxStale && !last.stale ? this.staleResult(last) : last;
      }
      if (age < (last.status === 'UP' ? this.check.ttl : this.check.failureTtl)) return last;
    }
    if (this.inFlight) return this.inFlight;
    // A timed-out run is still executing: don't pile another on top of a sick dependency.
    if (this.executing && last) return last;
    return this.run('probe');
  }

  private tick = (): void => {
    this.timer = undefined;
    if (this.closed) return;
    const next = () => {
      if (this.closed) return;
      this.timer = setTimeout(this.tick, this.check.interval);
      this.timer.unref?.();
    };
    if (this.executing) {
      next();
      return;
    }
    (this.inFlight ?? this.run('interval')).then(next);
  };

  private staleResult(last: CheckResult): CheckResult {
    if (!this.executing && !this.closed) void this.run('interval');
    const stale: CheckResult = {
      name: last.name,
      status: 'DOWN',
      critical: last.critical,
      duration: last.duration,
      at: last.at,
      message: `result is stale (older than ${this.check.maxStale} ms)`,
      stale: true,
    };
    this.report(stale);
    return stale;
  }

  /** Stores a result and tells the registry when the reported status changed. */
  private report(result: CheckResult): void {
    const previous = this.last;
    this.last = result;
    if (previous === undefined || previous.status !== result.status) {
      this.since = result.at;
      this.onChange(previous, result);
    }
  }

  /** Applies the consecutive thresholds to a raw run result. */
  private settle(raw: Mutable<CheckResult>): CheckResult {
    const passed = raw.status === 'UP';
    if (passed) {
      this.successes++;
      this.failures = 0;
    } else {
      this.failures++;
      this.successes = 0;
    }
    const { history } = this;
    history.push(passed);
    if (history.length > FLAP_WINDOW) history.shift();
    let flips = 0;
    for (let i = 1; i < history.length; i++) if (history[i] !== history[i - 1]) flips++;
    const reported = this.last?.stale ? undefined : this.last?.status;
    const { failureThreshold, successThreshold } = this.check;
    if (reported === 'UP' && !passed && this.failures < failureThreshold) raw.status = 'UP';
    if (reported === 'DOWN' && passed && this.successes < successThreshold) {
      raw.status = 'DOWN';
      raw.message = `recovering: ${this.successes} of ${successThreshold} passing runs in a row`;
    }
    if (this.failures > 0) raw.consecutiveFailures = this.failures;
    if (flips >= FLAP_FLIPS) raw.flapping = true;
    return raw;
  }

  private run(trigger: 'probe' | 'interval'): Promise<CheckResult> {
    const { check } = this;
    const started = Date.now();
    const controller = new AbortController();
    this.controller = controller;
    this.executing = true;
    this.runs++;
    const channel = checkChannel();
    const context: CheckRunContext | undefined = channel && {
      health: this.owner,
      name: check.name,
      tags: check.tags,
      timeout: check.timeout,
      trigger,
    };
    if (channel && context) channel.start.publish(context);
    let settle!: (result: CheckResult) => void;
    const promise = new Promise<CheckResult>((resolve) => {
      settle = resolve;
    });
    let done = false;
    const finish = (outcome: Outcome, timedOut = false) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const raw = toResult(check, outcome, started, Date.now(), timedOut);
      if (channel && context) {
        context.result = { ...raw };
        if (raw.status === 'DOWN') {
          context.error = outcome.error ?? new Error(raw.message ?? 'check failed');
          channel.error.publish(context);
        }
        channel.asyncStart.publish(context);
        channel.asyncEnd.publish(context);
      }
      const result = this.settle(raw);
      if (this.inFlight === promise) this.inFlight = undefined;
      if (!this.closed) this.report(result);
      settle(result);
    };
    const timer = setTimeout(() => {
      controller.abort(timeoutError(check.timeout));
      finish({ status: 'DOWN', message: `timed out after ${check.timeout} ms` }, true);
    }, check.timeout);
    timer.unref?.();
    this.inFlight = promise;

    const executed = () => {
      if (this.controller === controller) this.executing = false;
    };
    let returned: unknown;
    try {
      returned = check.check({ signal: controller.signal });
    } catch (error) {
      executed();
      if (channel && context) channel.end.publish(context);
      finish(fromError(error));
      return promise;
    }
    if (channel && context) channel.end.publish(context);
    Promise.resolve(returned).then(
      (value) => {
        executed();
        finish(fromReturn(value));
      },
      (error: unknown) => {
        executed();
        finish(fromError(error));
      },
    );
    return promise;
  }
}

interface Outcome {
  status: 'UP' | 'DOWN';
  details?: CheckDetails | undefined;
  message?: string | undefined;
  error?: unknown;
}

function timeoutError(ms: number): Error {
  const error = new Error(`check timed out after ${ms} ms`);
  error.name = 'TimeoutError';
  return error;
}

/** Anything resolved is UP (the value is never shown), but `false` and `down()`. */
function fromReturn(value: unknown): Outcome {
  if (value === false) return { status: 'DOWN', message: 'check returned false' };
  if (isCheckOutcome(value)) {
    return {
      status: value.status,
      details: value.details,
      message: typeof value.message === 'string' ? value.message : undefined,
    };
  }
  return { status: 'UP' };
}

function fromError(error: unknown): Outcome {
  let message: string;
  if (error instanceof Error) message = error.message || error.name;
  else if (typeof error === 'string') message = error;
  else message = `check failed with a non-Error value (${error === null ? 'null' : typeof error})`;
  return { status: 'DOWN', message, error };
}

function toResult(
  check: NormalizedCheck,
  outcome: Outcome,
  started: number,
  now: number,
  timedOut: boolean,
): Mutable<CheckResult> {
  const result: Mutable<CheckResult> = {
    name: check.name,
    status: outcome.status,
    critical: check.critical,
    duration: Math.max(0, now - started),
    at: now,
  };
  const details = jsonSafe(outcome.details);
  if (details !== undefined) result.details = details;
  if (outcome.message !== undefined) result.message = redact(outcome.message).slice(0, 500);
  if (timedOut) result.timedOut = true;
  return result;
}

/** Details must survive JSON.stringify at probe time: convert them once, here. */
function jsonSafe(details: CheckDetails | undefined): CheckDetails | undefined {
  if (details === undefined || details === null || typeof details !== 'object') return undefined;
  try {
    const text = JSON.stringify(details, (_key, value: unknown) =>
      typeof value === 'bigint'
        ? value.toString()
        : value instanceof Error
          ? redact(value.message)
          : value,
    );
    return JSON.parse(text) as CheckDetails;
  } catch {
    return { error: 'details could not be serialized' };
  }
}
