/**
 * What every factory shares: the core check options it passes through, timing, the AbortSignal
 * race, and the one function that turns a driver error into a message safe to show — no
 * connection string, password, user or host, even where details are allowed.
 */
import {
  CHECK_DEFAULTS,
  type CheckContext,
  type CheckDefinition,
  type CheckDetails,
  type CheckOutcome,
  type CheckReturn,
  optionError as coreOptionError,
  down,
  type HealthError,
  isCheckOutcome,
  redact,
  up,
} from '@health/core';

/** Core's coded setup error (`HEALTH_INVALID_OPTION`), scoped to this package. */
export function optionError(option: string, problem: string): HealthError {
  return coreOptionError('@health/checks', option, problem);
}

/** Throws a coded setup error unless `value` is undefined or a finite number in [min, max]. */
export function assertRange(option: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw optionError(option, `must be a number in [${min}, ${max}], got ${String(value)}`);
  }
}

/**
 * Options every check accepts: core's check options (everything but the function itself), with
 * the same names, meanings and defaults as `CheckDefinition`, plus static `labels`.
 * @example postgresCheck(pool, { name: 'orders-db', timeout: 300, interval: 5000, critical: false })
 */
export interface CheckOptions
  extends Partial<Omit<CheckDefinition, 'check' | 'dependency' | 'name'>> {
  /** Unique check name, `[A-Za-z0-9_.:-]`, 1–64 chars. @default the check's kind, e.g. `'postgres'` */
  name?: string;
  /**
   * The check tests a downstream dependency, so core refuses it on liveness (unless
   * `allowOnLiveness`). Set it to say otherwise, e.g. `false` for a sidecar on localhost.
   * @default true for checks of something outside the process (postgres, redis, mysql, rabbitmq,
   * http, tcp, dns, ping), false for in-process ones (heap, rss, disk, event loop)
   */
  dependency?: boolean;
  /**
   * Static values added to the check's details (shown only where details are allowed).
   * @example { kind: 'replica', region: 'eu-west-1' }
   */
  labels?: Readonly<Record<string, string | number | boolean>>;
}

/** Options of checks on downstream dependencies: also strings that must never appear in a message. */
export interface DependencyCheckOptions extends CheckOptions {
  /**
   * Extra values to scrub from failure messages (a DSN, a host name, a password). The client's own
   * host, user and password are found and scrubbed automatically where the driver exposes them.
   */
  secrets?: readonly (string | undefined | null)[];
}

/** The default timeout of every check (core's): well inside a kubelet probe's default 1 s. */
export const DEFAULT_TIMEOUT: number = CHECK_DEFAULTS.timeout;

// The options passed through to core: core rejects unknown keys, so factory-only options
// (`labels`, `secrets`, a check's own settings) must not travel with them. `satisfies` makes a new
// core check option a compile error here until it is listed.
const CORE_KEYS = Object.keys({
  name: true,
  dependency: true,
  probes: true,
  critical: true,
  timeout: true,
  ttl: true,
  failureTtl: true,
  interval: true,
  maxStale: true,
  allowOnLiveness: true,
  tags: true,
  failureThreshold: true,
  successThreshold: true,
  dispose: true,
} satisfies Record<keyof Omit<CheckDefinition, 'check'>, true>) as (keyof CheckOptions)[];

/** Builds the core definition from the caller's options (own options are left out). */
export function defineCheck(
  defaults: { name: string; dependency: boolean },
  options: CheckOptions | undefined,
  check: CheckDefinition['check'],
): CheckDefinition {
  const definition: Record<string, unknown> = {
    name: defaults.name,
    timeout: DEFAULT_TIMEOUT,
    dependency: defaults.dependency,
  };
  for (const key of CORE_KEYS) {
    const value = options?.[key];
    if (value !== undefined) definition[key] = value;
  }
  const labels = options?.labels;
  definition.check = labels
    ? async (context: CheckContext) => withLabels(await check(context), labels)
    : check;
  return definition as unknown as CheckDefinition;
}

function withLabels(result: CheckReturn, labels: CheckDetails): CheckOutcome {
  if (result === false) return down('check returned false', labels);
  if (!isCheckOutcome(result)) return up(labels);
  const details = { ...labels, ...result.details };
  return result.status === 'UP' ? up(details) : down(result.message, details);
}

/** Bytes as MB with one decimal, for messages. */
export const mb = (bytes: number): number => Math.round(bytes / 1024 / 102.4) / 10;

/** The check's effective timeout (for driver-level timeouts). */
export const timeoutOf = (options: CheckOptions | undefined): number =>
  options?.timeout ?? DEFAULT_TIMEOUT;

export const elapsed = (started: number): number =>
  Math.round((performance.now() - started) * 10) / 10;

/** Settles with `promise`, or rejects with the signal's reason once it aborts. */
export function untilAborted<T>(promise: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    Promise.resolve(promise).catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(promise).then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Runs one round trip and reports it: UP with `latencyMs` (plus what `run` returns), or DOWN with
 * a scrubbed message. Never throws.
 */
export async function measure(
  label: string,
  context: CheckContext,
  secrets: () => readonly unknown[],
  run: () => PromiseLike<CheckDetails | undefined>,
): Promise<CheckOutcome> {
  const started = performance.now();
  try {
    const extra = await untilAborted(run(), context.signal);
    return up({ latencyMs: elapsed(started), ...(extra ?? {}) });
  } catch (error) {
    return failure(label, error, secrets(), { latencyMs: elapsed(started) });
  }
}

/** A DOWN outcome for `error`, with a safe message and the error's code in the details. */
export function failure(
  label: string,
  error: unknown,
  secrets: readonly unknown[],
  details: CheckDetails = {},
): CheckOutcome {
  const code = errorCode(error);
  return down(`${label}: ${safeMessage(error, secrets)}`, code ? { ...details, code } : details);
}

const FRIENDLY: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host is down',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'name resolution failed (temporary)',
  EAI_NONAME: 'host name not found',
  ENODATA: 'no DNS record of that type',
  ESERVFAIL: 'DNS server failure',
  EREFUSED: 'DNS query refused',
  ECANCELLED: 'DNS query cancelled',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate could not be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
};

/** A string code on the error or its cause (`ECONNREFUSED`, SQLSTATE `28P01`, `ER_ACCESS_DENIED_ERROR`). */
export function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(code)) return code;
    const nested = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(nested) && nested.length > 0) e = nested[0];
    else e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function rawMessage(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'AbortError' || error.name === 'TimeoutError') return 'timed out (aborted)';
    const cause = (error as { cause?: unknown }).cause;
    // fetch() says "fetch failed" and puts the reason in `cause`.
    if (error.message === 'fetch failed' && cause) return rawMessage(cause);
    return error.message || error.name;
  }
  if (typeof error === 'string') return error;
  return `failed with a non-Error value (${error === null ? 'null' : typeof error})`;
}

/**
 * The message of `error`, safe for a health response: known network codes become plain words,
 * and URLs, IP addresses, `host:port` pairs, `key=value` secrets and every string in `secrets`
 * (the client's host, user, password, connection string) are replaced by `***`.
 */
export function safeMessage(error: unknown, secrets: readonly unknown[] = []): string {
  const code = errorCode(error);
  const friendly = code ? FRIENDLY[code] : undefined;
  if (friendly) return `${friendly} (${code})`;
  return scrub(rawMessage(error), secrets).slice(0, 300);
}

/**
 * Replaces secrets and addresses in `text` with `***`: core's `redact`, the one scrubbing every
 * message goes through (kept under this name for existing callers).
 */
export const scrub: (text: string, secrets?: readonly unknown[]) => string = redact;

const SECRET_KEYS = [
  'host',
  'hostname',
  'user',
  'username',
  'password',
  'pass',
  'sentinelPassword',
  'path',
  'socketPath',
  'url',
  'connectionString',
  'uri',
] as const;

/**
 * Connection settings a client exposes (pg `options`/`connectionParameters`, mysql2 `config`,
 * ioredis/node-redis `options`), read when a message is built, never stored.
 */
export function secretsOf(client: unknown, extra: readonly unknown[] = []): unknown[] {
  const out: unknown[] = [...extra];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number) => {
    if (!value || typeof value !== 'object' || seen.has(value) || depth > 3) return;
    seen.add(value);
    const record = value as Record<string, unknown>;
    for (const key of SECRET_KEYS) {
      try {
        const v = record[key];
        if (typeof v === 'string') out.push(v);
      } catch {
        // a getter threw: ignore
      }
    }
    for (const key of [
      'options',
      'config',
      'connectionConfig',
      'connectionParameters',
      'socket',
      'pool',
      'connection',
    ]) {
      try {
        visit(record[key], depth + 1);
      } catch {
        // ignore
      }
    }
  };
  visit(client, 0);
  return out;
}
