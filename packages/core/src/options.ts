/**
 * The options every adapter accepts (one type, one meaning everywhere) and their validation.
 * Wrong configuration throws at setup with the option's name and the fix.
 */
import type { CheckDefinition } from './checks.js';
import { assertDuration, assertKnownKeys, describe, optionError, show } from './errors.js';
import {
  type GroupOptions,
  type NormalizedGroup,
  normalizeGroups,
  type ResolvedStatusCodes,
  resolveStatusCodes,
  type StatusCodes,
} from './groups.js';
import type { HealthLogger } from './logger.js';
import type { BodyFormat } from './response.js';
import { PROBES, type Probe } from './state.js';

/** The request description an adapter hands to `health.respond()`. */
export interface HealthRequest {
  /** `GET`, `HEAD`, ... (any case). */
  method: string;
  /** The path as seen by the health routes, optionally with `?query` (core splits it off). */
  path: string;
  /**
   * The query, already parsed by the framework (Fastify's and Express's `req.query`): core then
   * reads `exclude` and `verbose` from it instead of parsing the path's `?query`.
   */
  query?: Readonly<Record<string, unknown>>;
  /** The request's HTTP major version (`req.httpVersionMajor`): 2 drops `Connection` from answers. */
  httpVersionMajor?: number;
  /** Request headers, lower-case names as Node gives them. */
  headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  /**
   * The peer address of the connection (`req.socket.remoteAddress`), not a forwarded header, so a
   * `Visibility` function can trust it (e.g. details for loopback callers only).
   */
  remoteAddress?: string;
}

/**
 * Who may see more than `{"status":"UP"}`: `'never'`, `'always'`, or a function of the request
 * (e.g. an internal-network or token check). A function that throws counts as `false`.
 */
export type Visibility = 'never' | 'always' | ((request: HealthRequest) => boolean);

/** Endpoint paths; `false` disables an endpoint; an array serves it on several paths (`['/health/ready', '/readyz']`). */
export type HealthPaths = Partial<Record<Probe, string | readonly string[] | false>>;

/** Probe settings of the platform, to derive the drain delay from. */
export interface ProbeTiming {
  /** The readiness probe's `periodSeconds`. */
  periodSeconds: number;
  /** The readiness probe's `failureThreshold`. */
  failureThreshold: number;
  /** Extra milliseconds for the load balancer to act on the failed probe. @default 1000 */
  marginMs?: number;
}

export type ShutdownSignal = 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'SIGUSR2';

export interface ShutdownOptions {
  /**
   * Handle these signals by shutting down gracefully. `true` means SIGTERM and SIGINT.
   * Off by default: core installs nothing global unless asked.
   * @default false
   */
  signals?: boolean | readonly ShutdownSignal[];
  /**
   * Milliseconds to keep serving (readiness 503, liveness 200) before closing servers, so the
   * load balancer stops routing here. Or the readiness probe timing to derive it from:
   * `periodSeconds × failureThreshold × 1000 + marginMs`.
   * @default 0
   */
  drainDelay?: number | ProbeTiming;
  /** Milliseconds for in-flight requests to finish once servers stop accepting. @default 10000 */
  serverCloseTimeout?: number;
  /** Milliseconds all shutdown hooks together may take. @default 5000 */
  hookTimeout?: number;
  /**
   * The platform's kill deadline in milliseconds (`terminationGracePeriodSeconds × 1000`).
   * When given, setup warns if drain + server close + hooks cannot fit in it.
   */
  gracePeriod?: number;
  /**
   * Call `process.exit(code)` when shutdown is complete (`true`), nothing (`false`), or your own
   * function with the exit code (what `@health/nestjs` passes, to end through Nest).
   * @default true when `signals` are handled, false otherwise
   */
  exit?: boolean | ((code: number) => void);
}

export interface HealthOptions {
  /** Checks to register. More can be added with `health.addCheck()`. */
  checks?: readonly CheckDefinition[];
  /**
   * Endpoint paths, `false` to disable one.
   * @default { health: '/health', liveness: '/health/live', readiness: '/health/ready', startup: '/health/started' }
   * @example { health: '/health', liveness: '/liveness', readiness: false, startup: false }
   */
  paths?: HealthPaths;
  /** Who sees check names and statuses. @default 'never' */
  showChecks?: Visibility;
  /** Who sees check details, messages and timings (implies `showChecks`). @default 'never' */
  showDetails?: Visibility;
  /** Body format. @default 'simple' */
  format?: BodyFormat;
  /**
   * Named groups of checks (by name or `tag:`), each served on its own path(s).
   * @example { payments: { include: ['tag:payments'], paths: ['/health/payments'] } }
   */
  groups?: Readonly<Record<string, GroupOptions>>;
  /**
   * HTTP codes per probe for UP / DEGRADED / DOWN outcomes, while the lifecycle table says 200.
   * @default { UP: 200, DEGRADED: 200, DOWN: 503 } for every probe
   * @example { readiness: { DEGRADED: 207 } }
   */
  statusCodes?: Partial<Record<Probe, StatusCodes>>;
  /**
   * Milliseconds within which every probe answers, whatever its checks do: a check still running
   * then counts as failed for that answer. Below the kubelet's default 1 s `timeoutSeconds`.
   * @default 800
   */
  probeDeadline?: number;
  /**
   * Serve `health.describe()` (paths, checks, timings, shutdown settings — what `health doctor
   * --from` reads) as JSON on this path, to loopback callers only. Off by default.
   * @example '/health/config'
   */
  describePath?: string | false;
  /** Start in `UP` instead of `STARTING` (for services with nothing to warm up). @default false */
  startReady?: boolean;
  /** Move to `ERRORED` (500 on every probe) on an uncaught exception, instead of crashing. @default false */
  trapUncaughtErrors?: boolean;
  /** Graceful shutdown. */
  shutdown?: ShutdownOptions;
  /** Where lifecycle and shutdown messages go; `false` silences them. @default warnings and errors to stderr */
  logger?: HealthLogger | false;
}

export const DEFAULT_PATHS = {
  health: '/health',
  liveness: '/health/live',
  readiness: '/health/ready',
  startup: '/health/started',
} as const satisfies Record<Probe, string>;

export const SHUTDOWN_DEFAULTS = {
  serverCloseTimeout: 10_000,
  hookTimeout: 5_000,
  marginMs: 1_000,
} as const;

export const PROBE_DEADLINE = 800;

const SCOPE = '@health/core';
const OPTION_KEYS = [
  'checks',
  'paths',
  'groups',
  'statusCodes',
  'probeDeadline',
  'describePath',
  'showChecks',
  'showDetails',
  'format',
  'startReady',
  'trapUncaughtErrors',
  'shutdown',
  'logger',
] as const;
const SHUTDOWN_KEYS = [
  'signals',
  'drainDelay',
  'serverCloseTimeout',
  'hookTimeout',
  'gracePeriod',
  'exit',
] as const;
const SIGNALS: readonly ShutdownSignal[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR2'];
const PATH_PATTERN = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;

/** What validation resolves once, for the router and the description. */
export interface ResolvedOptions {
  probePaths: Map<Probe, string[]>;
  groups: NormalizedGroup[];
  statusCodes: Partial<Record<Probe, ResolvedStatusCodes>>;
  probeDeadline: number;
  describePath: string | undefined;
}

/** Validates options, throwing a clear error naming the option. */
export function validateOptions(options: HealthOptions): ResolvedOptions {
  assertKnownKeys(SCOPE, '', options, OPTION_KEYS);
  if (options.checks !== undefined && !Array.isArray(options.checks)) {
    throw optionError(
      SCOPE,
      'checks',
      `must be an array of checks, got ${describe(options.checks)}`,
    );
  }
  for (const key of ['showChecks', 'showDetails'] as const) {
    const value = options[key];
    if (
      value !== undefined &&
      value !== 'never' &&
      value !== 'always' &&
      typeof value !== 'function'
    ) {
      throw optionError(
        SCOPE,
        key,
        `must be 'never', 'always' or a function of the request, got ${describe(value)}`,
      );
    }
  }
  if (
    options.format !== undefined &&
    options.format !== 'simple' &&
    options.format !== 'health+json'
  ) {
    throw optionError(
      SCOPE,
      'format',
      `must be 'simple' or 'health+json', got ${describe(options.format)}`,
    );
  }
  for (const key of ['startReady', 'trapUncaughtErrors'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') {
      throw optionError(SCOPE, key, `must be a boolean, got ${describe(options[key])}`);
    }
  }
  const logger = options.logger;
  if (logger !== undefined && logger !== false) {
    if (
      typeof logger !== 'object' ||
      logger === null ||
      ['info', 'warn', 'error'].some(
        (m) => typeof (logger as unknown as Record<string, unknown>)[m] !== 'function',
      )
    ) {
      throw optionError(
        SCOPE,
        'logger',
        'must be false or an object with info, warn and error methods',
      );
    }
  }
  validateShutdown(options.shutdown);
  assertDuration(SCOPE, 'probeDeadline', options.probeDeadline, 1, 60_000);
  assertKnownKeys(SCOPE, 'statusCodes', options.statusCodes, PROBES);
  const statusCodes: Partial<Record<Probe, ResolvedStatusCodes>> = {};
  for (const probe of PROBES) {
    const codes = options.statusCodes?.[probe];
    if (codes !== undefined) statusCodes[probe] = resolveStatusCodes(`statusCodes.${probe}`, codes);
  }
  const groups = normalizeGroups(options.groups);
  const taken = new Map<string, string>();
  const probePaths = resolvePaths(options.paths, taken);
  for (const group of groups)
    for (const [i, path] of group.paths.entries())
      claimPath(taken, `groups.${group.name}.paths[${i}]`, path);
  let describePath: string | undefined;
  if (options.describePath !== undefined && options.describePath !== false) {
    claimPath(taken, 'describePath', options.describePath);
    describePath = options.describePath;
  }
  return {
    probePaths,
    groups,
    statusCodes,
    probeDeadline: options.probeDeadline ?? PROBE_DEADLINE,
    describePath,
  };
}

/** Validates a path and records who uses it; a second user is a setup error naming both. */
export function claimPath(
  taken: Map<string, string>,
  option: string,
  path: unknown,
  owner = `the path of ${option}`,
): string {
  if (
    typeof path !== 'string' ||
    !PATH_PATTERN.test(path) ||
    path.includes('//') ||
    /\/\.\.?(\/|$)/.test(path) ||
    (path.length > 1 && path.endsWith('/'))
  ) {
    throw optionError(
      SCOPE,
      option,
      `must be ${option.startsWith('paths.') ? 'false or ' : ''}a path starting with "/" (no query, spaces, "//", trailing "/" or dot segments), got ${describe(path)}`,
    );
  }
  const other = taken.get(path);
  if (other)
    throw optionError(SCOPE, option, `uses ${JSON.stringify(path)}, which is already ${other}`);
  taken.set(path, owner);
  return path;
}

function validateShutdown(shutdown: ShutdownOptions | undefined): void {
  if (shutdown === undefined) return;
  assertKnownKeys(SCOPE, 'shutdown', shutdown, SHUTDOWN_KEYS);
  const { signals } = shutdown;
  if (signals !== undefined && typeof signals !== 'boolean') {
    if (!Array.isArray(signals) || signals.some((s) => !SIGNALS.includes(s))) {
      throw optionError(
        SCOPE,
        'shutdown.signals',
        `must be a boolean or an array of ${SIGNALS.join(', ')}, got ${show(signals)}`,
      );
    }
  }
  const drain = shutdown.drainDelay;
  if (typeof drain === 'object' && drain !== null) {
    assertKnownKeys(SCOPE, 'shutdown.drainDelay', drain, [
      'periodSeconds',
      'failureThreshold',
      'marginMs',
    ]);
    for (const key of ['periodSeconds', 'failureThreshold'] as const) {
      if (typeof drain[key] !== 'number' || !Number.isInteger(drain[key]) || drain[key] < 1) {
        throw optionError(
          SCOPE,
          `shutdown.drainDelay.${key}`,
          `must be a positive integer, got ${describe(drain[key])}`,
        );
      }
    }
    assertDuration(SCOPE, 'shutdown.drainDelay.marginMs', drain.marginMs);
  } else {
    assertDuration(SCOPE, 'shutdown.drainDelay', drain);
  }
  assertDuration(SCOPE, 'shutdown.serverCloseTimeout', shutdown.serverCloseTimeout, 1);
  assertDuration(SCOPE, 'shutdown.hookTimeout', shutdown.hookTimeout, 1);
  assertDuration(SCOPE, 'shutdown.gracePeriod', shutdown.gracePeriod, 1);
  if (
    shutdown.exit !== undefined &&
    typeof shutdown.exit !== 'boolean' &&
    typeof shutdown.exit !== 'function'
  ) {
    throw optionError(
      SCOPE,
      'shutdown.exit',
      `must be a boolean or a function of the exit code, got ${describe(shutdown.exit)}`,
    );
  }
}

function resolvePaths(
  paths: HealthPaths | undefined,
  taken: Map<string, string>,
): Map<Probe, string[]> {
  assertKnownKeys(SCOPE, 'paths', paths, Object.keys(DEFAULT_PATHS));
  const routes = new Map<Probe, string[]>();
  for (const probe of Object.keys(DEFAULT_PATHS) as Probe[]) {
    const given = paths?.[probe] === undefined ? DEFAULT_PATHS[probe] : paths[probe];
    if (given === false) continue;
    const list = Array.isArray(given) ? given : [given];
    if (list.length === 0)
      throw optionError(
        SCOPE,
        `paths.${probe}`,
        'must be false, a path or a non-empty array of paths',
      );
    routes.set(
      probe,
      list.map((path, i) =>
        claimPath(
          taken,
          Array.isArray(given) ? `paths.${probe}[${i}]` : `paths.${probe}`,
          path,
          `the ${probe} path`,
        ),
      ),
    );
  }
  if (routes.size === 0)
    throw optionError(SCOPE, 'paths', 'disables every endpoint; enable at least one');
  return routes;
}

/** The drain delay in milliseconds. */
export function drainDelayMs(drain: ShutdownOptions['drainDelay']): number {
  if (drain === undefined) return 0;
  if (typeof drain === 'number') return drain;
  return (
    drain.periodSeconds * drain.failureThreshold * 1000 +
    (drain.marginMs ?? SHUTDOWN_DEFAULTS.marginMs)
  );
}
