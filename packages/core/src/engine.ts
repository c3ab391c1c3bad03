/**
 * The evaluation engine: runs one check with a timeout and an AbortSignal, shares one
 * in-flight run between concurrent probes (single-flight), reuses results for a TTL or
 * refreshes them in the background, and never lets a throwing or hanging check escape.
 */
import type { CheckDetails, CheckReturn, NormalizedCheck } from './checks.js';
import { redact } from './redact.js';

/** The outcome of one run of one check, as the engine stores and reuses it. */
export interface CheckResult {
  readonly name: string;
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
  /** The run exceeded its timeout. */
  readonly timedOut?: boolean;
  /** The result is older than the check's `maxStale`. */
  readonly stale?: boolean;
}

export type Clock = () => number;

export class CheckRunner {
  private last: CheckResult | undefined;
  /** The probe-facing promise of the current run: settles by the timeout at the latest. */
  private inFlight: Promise<CheckResult> | undefined;
  /** The check function itself is still executing (possibly after its run timed out). */
  private executing = false;
  private controller: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** Runs started, for tests and metrics. */
  runs = 0;

  constructor(
    readonly check: NormalizedCheck,
    private readonly clock: Clock,
  ) {}

  /** The last finished result, if any. */
  get lastResult(): CheckResult | undefined {
    return this.last;
  }

  /** Starts the background refresh loop if the check has an `interval`. */
  start(): void {
    if (this.check.interval !== undefined && !this.closed && !this.timer) this.tick();
  }

  /** Stops background refreshes and aborts a running check. Idempotent. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.controller?.abort(new Error('health instance closed'));
  }

  /** The result a probe should use now: a fresh cached one, the shared in-flight run, or a new run. */
  result(): CheckResult | Promise<CheckResult> {
    const last = this.last;
    if (last) {
      const age = this.clock() - last.at;
      if (this.check.interval !== undefined) {
        // Background mode: a probe never waits; a result the loop failed to refresh goes stale.
        return age > this.check.maxStale ? this.staleResult(last) : last;
      }
      if (age < (last.status === 'UP' ? this.check.ttl : this.check.failureTtl)) return last;
    }
    if (this.inFlight) return this.inFlight;
    // A timed-out run is still executing: don't pile another on top of a sick dependency.
    if (this.executing && last) return last;
    return this.run();
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
    (this.inFlight ?? this.run()).then(next);
  };

  private staleResult(last: CheckResult): CheckResult {
    if (!this.executing && !this.closed) void this.run();
    return {
      name: last.name,
      status: 'DOWN',
      critical: last.critical,
      duration: last.duration,
      at: last.at,
      message: `result is stale (older than ${this.check.maxStale} ms)`,
      stale: true,
    };
  }

  private run(): Promise<CheckResult> {
    const { check } = this;
    const started = this.clock();
    const controller = new AbortController();
    this.controller = controller;
    this.executing = true;
    this.runs++;
    let settle!: (result: CheckResult) => void;
    const promise = new Promise<CheckResult>((resolve) => {
      settle = resolve;
    });
    let done = false;
    const finish = (outcome: Outcome, timedOut = false) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const result = toResult(check, outcome, started, this.clock(), timedOut);
      this.last = result;
      if (this.inFlight === promise) this.inFlight = undefined;
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
    let returned: CheckReturn | Promise<CheckReturn>;
    try {
      returned = check.check({ signal: controller.signal });
    } catch (error) {
      executed();
      finish(fromError(error));
      return promise;
    }
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
  details?: CheckDetails;
  message?: string;
}

function timeoutError(ms: number): Error {
  const error = new Error(`check timed out after ${ms} ms`);
  error.name = 'TimeoutError';
  return error;
}

function fromReturn(value: CheckReturn): Outcome {
  if (value === undefined || value === true) return { status: 'UP' };
  if (value === false) return { status: 'DOWN', message: 'check returned false' };
  if (
    value !== null &&
    typeof value === 'object' &&
    (value.status === 'UP' || value.status === 'DOWN')
  ) {
    return {
      status: value.status,
      details: value.details,
      message: typeof value.message === 'string' ? value.message : undefined,
    };
  }
  return {
    status: 'DOWN',
    message: 'check returned an invalid result (expected nothing, a boolean or { status })',
  };
}

function fromError(error: unknown): Outcome {
  let message: string;
  if (error instanceof Error) message = error.message || error.name;
  else if (typeof error === 'string') message = error;
  else message = `check failed with a non-Error value (${error === null ? 'null' : typeof error})`;
  return { status: 'DOWN', message };
}

function toResult(
  check: NormalizedCheck,
  outcome: Outcome,
  started: number,
  now: number,
  timedOut: boolean,
): CheckResult {
  const result: {
    -readonly [K in keyof CheckResult]: CheckResult[K];
  } = {
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
