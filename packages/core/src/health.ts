/**
 * The health instance: lifecycle state, the check registry, probe evaluation, the HTTP seam
 * (`handle`) and graceful shutdown. Everything an adapter needs; adapters only translate.
 */
import { type CheckDefinition, normalizeCheck } from './checks.js';
import { type CheckResult, CheckRunner } from './engine.js';
import { healthError, optionError } from './errors.js';
import { type HealthLogger, resolveLogger } from './logger.js';
import {
  drainDelayMs,
  type HealthOptions,
  type HealthRequest,
  SHUTDOWN_DEFAULTS,
  type ShutdownSignal,
  type Visibility,
  validateOptions,
} from './options.js';
import { isPending } from './pending.js';
import { redact } from './redact.js';
import {
  type Exposure,
  type HealthResponse,
  METHOD_NOT_ALLOWED,
  type ProbeEvaluation,
  ResponseBuilder,
} from './response.js';
import {
  askClientsToClose,
  closeServer,
  type NodeServerLike,
  type NodeSocketLike,
  trackConnections,
} from './server.js';
import {
  type CheckProbe,
  type LifecycleState,
  PROBE_CHECKS,
  PROBES,
  type Probe,
  STATUS_TABLE,
  type StateChange,
  TRANSITIONS,
} from './state.js';

const BRAND = Symbol.for('@health/core.Health');

/** A shutdown hook: close a pool, flush a queue. Receives a signal aborted when the hook bound runs out. */
export type ShutdownHook = (context: { signal: AbortSignal }) => void | Promise<void>;

/** Creates a health instance. Nothing global happens unless `shutdown.signals` or `trapUncaughtErrors` is set. */
export function createHealth(options: HealthOptions = {}): Health {
  return new HealthInstance(options);
}

/** True for a {@link Health} instance (works across ESM/CJS copies of core). */
export function isHealth(value: unknown): value is Health {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}

/**
 * Health options, or an existing instance under `health` (shared by several mounts, or made first
 * to add checks): never both. What every adapter's options start from.
 */
export type HealthInput = HealthOptions & { health?: Health };

/**
 * What every adapter accepts: an existing instance, `{ health: instance }`, or options to create
 * one. `scope` names the adapter in setup errors.
 */
export function resolveHealth(
  input: Health | HealthInput | undefined,
  scope = '@health/core',
): Health {
  if (isHealth(input)) return input;
  const { health, ...options } = input ?? {};
  if (health === undefined) return createHealth(options);
  if (!isHealth(health))
    throw optionError(scope, 'health', 'must be an instance from createHealth()');
  const extra = Object.keys(options);
  if (extra.length > 0) {
    throw optionError(
      scope,
      'health',
      `(an instance) excludes the other health options (got ${extra.join(', ')}): pass one or the other`,
    );
  }
  return health;
}

/**
 * A health instance: lifecycle state, checks, the HTTP seam and graceful shutdown. An interface
 * (not a class) so that the ESM and CJS type declarations of core describe one compatible type.
 */
export interface Health {
  /** The current lifecycle state. */
  readonly state: LifecycleState;
  /** The service finished starting: `STARTING → UP`. Ignored (returns false) once shutdown began. */
  markReady(): boolean;
  /** An unrecoverable internal fault: every probe answers 500 until the process is replaced. */
  markErrored(error?: unknown): void;
  /** Moves to `to`, or throws `HEALTH_INVALID_TRANSITION`. Same state is a no-op. */
  transition(to: LifecycleState, reason?: string, error?: unknown): void;
  /** Calls `listener` on every state change. Returns a function that unsubscribes. */
  onStateChange(listener: (change: StateChange) => void): () => void;
  /** Registers a check. Throws on a duplicate name or a bad option. */
  addCheck(definition: CheckDefinition): this;
  /** Removes a check by name. Returns whether it existed. */
  removeCheck(name: string): boolean;
  /** Names of the registered checks. */
  readonly checkNames: string[];
  /** How many times a check has started running (for tests and metrics). */
  runCount(name: string): number;
  /** The current result of one check (cached, shared in-flight, or a new run). */
  checkResult(name: string): Promise<CheckResult>;
  /** Evaluates a probe: the state table, then (where it says 200) the probe's checks in parallel. */
  evaluate(probe: Probe): Promise<ProbeEvaluation>;
  /**
   * The one entry point of every adapter. Returns `undefined` (synchronously) when the path is
   * not a health route, so the adapter passes the request on; otherwise the response to write.
   */
  handle(request: HealthRequest): Promise<HealthResponse> | undefined;
  /**
   * The same as {@link Health.handle}, but answers synchronously when every result it needs is
   * cached — the fast path for adapters, so a probe on a healthy service costs no promise hop.
   * Returns `undefined` when the path is not a health route.
   * @example
   * const answer = health.respond(request);
   * if (answer === undefined) return next();
   * if (isPending(answer)) answer.then(write); else write(answer);
   */
  respond(request: HealthRequest): HealthResponse | Promise<HealthResponse> | undefined;
  /** The endpoint paths in use, by probe. */
  readonly paths: Partial<Record<Probe, string>>;
  /** Registers a `node:http`, `node:https` or `node:http2` server to close gracefully on shutdown. */
  addServer(server: NodeServerLike): this;
  /** Registers a hook that runs after servers closed (close pools, flush queues), in registration order. */
  onShutdown(name: string, hook: ShutdownHook): this;
  /** True from the moment shutdown starts. */
  readonly shuttingDown: boolean;
  /**
   * Shuts down gracefully: STOPPING → drain delay → close servers → hooks → DOWN. Resolves with
   * the exit code (0, or 1 if hooks failed or connections had to be forced), and exits the process
   * with it when `shutdown.exit` is set. Calling it again returns the same run.
   */
  shutdown(reason?: string): Promise<number>;
  /** Stops background refreshes and removes process listeners, without changing state. For tests and hot reload. */
  close(): void;
}

class HealthInstance implements Health {
  readonly [BRAND] = true;
  private current: LifecycleState;
  private readonly routes: Map<string, Probe>;
  private readonly runners = new Map<string, CheckRunner>();
  private readonly byProbe = new Map<Probe, CheckRunner[]>();
  private readonly listeners = new Set<(change: StateChange) => void>();
  private readonly responses: ResponseBuilder;
  private readonly logger: HealthLogger;
  private readonly showChecks: Visibility;
  private readonly showDetails: Visibility;
  /** Registered servers and their open sockets. */
  private readonly servers = new Map<NodeServerLike, Set<NodeSocketLike>>();
  /** When each server's responses started to ask clients to close (see `closeServer`). */
  private readonly askedSince = new Map<NodeServerLike, number>();
  private readonly hooks: { name: string; hook: ShutdownHook }[] = [];
  private readonly cleanups: (() => void)[] = [];
  private shutdownRun: Promise<number> | undefined;
  /** The process went through ERRORED at some point. */
  private faulted = false;
  private readonly shutdownOptions: Required<
    Omit<NonNullable<HealthOptions['shutdown']>, 'gracePeriod' | 'drainDelay' | 'signals'>
  > & {
    drainDelay: number;
    signals: readonly ShutdownSignal[];
  };

  constructor(options: HealthOptions = {}) {
    this.routes = validateOptions(options);
    this.logger = resolveLogger(options.logger);
    this.showChecks = options.showChecks ?? 'never';
    this.showDetails = options.showDetails ?? 'never';
    this.responses = new ResponseBuilder(options.format ?? 'simple');
    this.current = options.startReady ? 'UP' : 'STARTING';
    const shutdown = options.shutdown ?? {};
    const signals =
      shutdown.signals === true ? (['SIGTERM', 'SIGINT'] as const) : shutdown.signals || [];
    this.shutdownOptions = {
      signals,
      drainDelay: drainDelayMs(shutdown.drainDelay),
      serverCloseTimeout: shutdown.serverCloseTimeout ?? SHUTDOWN_DEFAULTS.serverCloseTimeout,
      hookTimeout: shutdown.hookTimeout ?? SHUTDOWN_DEFAULTS.hookTimeout,
      exit: shutdown.exit ?? signals.length > 0,
    };
    const { drainDelay, serverCloseTimeout, hookTimeout } = this.shutdownOptions;
    if (
      shutdown.gracePeriod !== undefined &&
      drainDelay + serverCloseTimeout + hookTimeout > shutdown.gracePeriod
    ) {
      this.logger.warn(
        `shutdown may not fit the platform's grace period: drainDelay ${drainDelay} ms + serverCloseTimeout ${serverCloseTimeout} ms + hookTimeout ${hookTimeout} ms > gracePeriod ${shutdown.gracePeriod} ms; the process may be killed mid-shutdown`,
      );
    }
    for (const probe of PROBES) this.byProbe.set(probe, []);
    for (const [index, check] of (options.checks ?? []).entries())
      this.addCheckAt(check, `checks[${index}]`);
    for (const signal of signals) this.listenProcess(signal, this.onSignal);
    if (options.trapUncaughtErrors) this.listenProcess('uncaughtException', this.onUncaught);
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /** The current lifecycle state. */
  get state(): LifecycleState {
    return this.current;
  }

  /** The service finished starting: `STARTING → UP`. Ignored (returns false) once shutdown began. */
  markReady(): boolean {
    if (this.current === 'STOPPING' || this.current === 'DOWN') return false;
    this.transition('UP', 'ready');
    return true;
  }

  /** An unrecoverable internal fault: every probe answers 500 until the process is replaced. */
  markErrored(error?: unknown): void {
    if (this.current === 'ERRORED' || this.current === 'DOWN') return;
    this.transition('ERRORED', error instanceof Error ? error.message : 'errored', error);
  }

  /** Moves to `to`, or throws a clear error if the lifecycle does not allow it. Same state is a no-op. */
  transition(to: LifecycleState, reason?: string, error?: unknown): void {
    const from = this.current;
    if (from === to) return;
    if (!(TRANSITIONS[from] as readonly LifecycleState[]).includes(to)) {
      throw healthError(
        'HEALTH_INVALID_TRANSITION',
        `@health/core: cannot move from ${from} to ${to} (allowed from ${from}: ${TRANSITIONS[from].join(', ') || 'none'})`,
      );
    }
    this.current = to;
    if (to === 'ERRORED') this.faulted = true;
    const change: StateChange = { from, to, at: Date.now() };
    if (reason !== undefined) change.reason = reason;
    if (error !== undefined) change.error = error;
    this.logger.info(`state ${from} -> ${to}${reason ? ` (${reason})` : ''}`);
    if (to === 'STOPPING')
      for (const [server, sockets] of this.servers) {
        this.cleanups.push(askClientsToClose(server, sockets));
        this.askedSince.set(server, change.at);
      }
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (listenerError) {
        this.logger.error('a state change listener threw', { error: String(listenerError) });
      }
    }
  }

  /** Calls `listener` on every state change. Returns a function that unsubscribes. */
  onStateChange(listener: (change: StateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- checks ----------------------------------------------------------------------------

  /** Registers a check. Throws on a duplicate name or a bad option. */
  addCheck(definition: CheckDefinition): this {
    return this.addCheckAt(definition, 'check');
  }

  /** Removes a check by name. Returns whether it existed. */
  removeCheck(name: string): boolean {
    const runner = this.runners.get(name);
    if (!runner) return false;
    runner.close();
    this.runners.delete(name);
    this.indexProbes();
    return true;
  }

  /** Names of the registered checks. */
  get checkNames(): string[] {
    return [...this.runners.keys()];
  }

  /** How many times a check has started running (for tests and metrics). */
  runCount(name: string): number {
    return this.runners.get(name)?.runs ?? 0;
  }

  /** The current result of one check (cached, shared in-flight, or a new run). */
  async checkResult(name: string): Promise<CheckResult> {
    const runner = this.runners.get(name);
    if (!runner)
      throw optionError(
        '@health/core',
        'name',
        `does not name a registered check: ${JSON.stringify(name)}`,
      );
    return runner.result();
  }

  /** Evaluates a probe: the state table, then (where it says 200) the probe's checks in parallel. */
  evaluate(probe: Probe): Promise<ProbeEvaluation> {
    return Promise.resolve(this.evaluateNow(probe));
  }

  private evaluateNow(probe: Probe): ProbeEvaluation | Promise<ProbeEvaluation> {
    const state = this.current;
    const base = STATUS_TABLE[state][probe];
    const runners = this.byProbe.get(probe) ?? [];
    if (base !== 200 || runners.length === 0) return { probe, state, status: base, results: [] };
    let pending = false;
    const results: (CheckResult | Promise<CheckResult>)[] = new Array(runners.length);
    for (let i = 0; i < runners.length; i++) {
      const result = (runners[i] as CheckRunner).result();
      if (!pending && typeof (result as Promise<CheckResult>).then === 'function') pending = true;
      results[i] = result;
    }
    if (!pending) return conclude(probe, state, results as CheckResult[]);
    return Promise.all(results).then((settled) => conclude(probe, state, settled));
  }

  // ---- the HTTP seam ---------------------------------------------------------------------

  /**
   * The one entry point of every adapter. Returns `undefined` (synchronously) when the path is
   * not a health route, so the adapter passes the request on; otherwise the response to write.
   */
  handle(request: HealthRequest): Promise<HealthResponse> | undefined {
    const answer = this.respond(request);
    return answer === undefined ? undefined : Promise.resolve(answer);
  }

  respond(request: HealthRequest): HealthResponse | Promise<HealthResponse> | undefined {
    const raw = request.path;
    const q = raw.indexOf('?');
    const probe = this.routes.get(q === -1 ? raw : raw.slice(0, q));
    if (probe === undefined) return undefined;
    const method = normalizeMethod(request.method);
    if (method !== 'GET' && method !== 'HEAD') return METHOD_NOT_ALLOWED;
    const head = method === 'HEAD';
    const exposure = this.exposure(request);
    const evaluation = this.evaluateNow(probe);
    if (!isPending(evaluation)) return this.responses.build(evaluation, exposure, head);
    return evaluation.then((e) => this.responses.build(e, exposure, head));
  }

  /** The endpoint paths in use, by probe. */
  get paths(): Partial<Record<Probe, string>> {
    const paths: Partial<Record<Probe, string>> = {};
    for (const [path, probe] of this.routes) paths[probe] = path;
    return paths;
  }

  private exposure(request: HealthRequest): Exposure {
    if (this.showDetails === 'never' && this.showChecks === 'never') return 'status';
    if (allowed(this.showDetails, request)) return 'details';
    return allowed(this.showChecks, request) ? 'checks' : 'status';
  }

  // ---- shutdown --------------------------------------------------------------------------

  /** Registers a `node:http`, `node:https` or `node:http2` server to close gracefully on shutdown. */
  addServer(server: NodeServerLike): this {
    if (
      !server ||
      typeof server.close !== 'function' ||
      typeof server.prependListener !== 'function'
    ) {
      throw optionError(
        '@health/core',
        'server',
        'must be a node:http, node:https or node:http2 Server',
      );
    }
    if (this.servers.has(server)) return this;
    const tracker = trackConnections(server);
    this.servers.set(server, tracker.sockets);
    this.cleanups.push(tracker.stop);
    if (this.current === 'STOPPING') {
      this.cleanups.push(askClientsToClose(server, tracker.sockets));
      this.askedSince.set(server, Date.now());
    }
    return this;
  }

  /** Registers a hook that runs after servers closed (close pools, flush queues), in registration order. */
  onShutdown(name: string, hook: ShutdownHook): this {
    if (typeof hook !== 'function')
      throw optionError('@health/core', `onShutdown("${name}")`, 'needs a function');
    this.hooks.push({ name, hook });
    return this;
  }

  /** True from the moment shutdown starts. */
  get shuttingDown(): boolean {
    return this.shutdownRun !== undefined;
  }

  /**
   * Shuts down gracefully: STOPPING → drain delay → close servers → hooks → DOWN. Resolves with
   * the exit code (0, or 1 if hooks failed or connections had to be forced), and exits the process
   * with it when `shutdown.exit` is set. Calling it again returns the same run.
   */
  shutdown(reason = 'shutdown requested'): Promise<number> {
    this.shutdownRun ??= this.runShutdown(reason);
    return this.shutdownRun;
  }

  /** Stops background refreshes and removes process listeners, without changing state. For tests and hot reload. */
  close(): void {
    for (const runner of this.runners.values()) runner.close();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  private async runShutdown(reason: string): Promise<number> {
    const started = Date.now();
    const elapsed = () => Date.now() - started;
    const { drainDelay, serverCloseTimeout, hookTimeout } = this.shutdownOptions;
    if (this.current !== 'STOPPING' && this.current !== 'DOWN') this.transition('STOPPING', reason);
    // Draining helps only while a registered server still answers probes. When the app already
    // closed them all (e.g. `fastify.close()` or Nest's `app.close()` came first), skip the wait.
    const servers = [...this.servers.keys()];
    const drain =
      servers.length > 0 && servers.every((s) => s.listening === false) ? 0 : drainDelay;
    this.logger.info(`shutdown: STOPPING (${reason}); draining for ${drain} ms`);
    if (drain > 0) await new Promise((resolve) => setTimeout(resolve, drain));
    this.logger.info(
      `shutdown: drain done at ${elapsed()} ms; closing ${this.servers.size} server(s)`,
    );
    const closed = await Promise.all(
      [...this.servers].map(([server, sockets]) =>
        closeServer(server, serverCloseTimeout, {
          sockets,
          askedSince: this.askedSince.get(server),
        }),
      ),
    );
    const graceful = closed.every(Boolean);
    if (!graceful)
      this.logger.warn(
        `shutdown: in-flight requests did not finish within ${serverCloseTimeout} ms; connections were closed forcibly`,
      );
    this.logger.info(
      `shutdown: servers closed at ${elapsed()} ms; running ${this.hooks.length} hook(s)`,
    );
    const hooksOk = await this.runHooks(hookTimeout);
    this.close();
    if (this.current !== 'DOWN') this.transition('DOWN', reason);
    // A process that hit an unrecoverable fault exits non-zero even when its shutdown went well,
    // so the platform records a failure rather than a clean stop.
    const code = graceful && hooksOk && !this.faulted ? 0 : 1;
    this.logger.info(
      `shutdown: DOWN at ${elapsed()} ms, exit code ${code}${this.faulted ? ' (the process had ERRORED)' : ''}`,
    );
    if (this.shutdownOptions.exit) process.exit(code);
    return code;
  }

  private async runHooks(bound: number): Promise<boolean> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let current = '';
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), bound);
    });
    const run = (async () => {
      let ok = true;
      for (const { name, hook } of this.hooks) {
        if (controller.signal.aborted) break;
        current = name;
        try {
          await hook({ signal: controller.signal });
        } catch (error) {
          ok = false;
          this.logger.error(
            `shutdown: hook "${name}" failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
      return ok;
    })();
    const outcome = await Promise.race([run, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      controller.abort(new Error(`shutdown hooks exceeded ${bound} ms`));
      this.logger.error(
        `shutdown: hook "${current}" did not finish within the ${bound} ms hook timeout; giving up on it`,
      );
      return false;
    }
    return outcome;
  }

  // ---- internals -------------------------------------------------------------------------

  private addCheckAt(definition: CheckDefinition, where: string): this {
    const check = normalizeCheck(definition, where);
    if (this.runners.has(check.name)) {
      throw healthError(
        'HEALTH_DUPLICATE_CHECK',
        `@health/core: a check named "${check.name}" is already registered; check names must be unique`,
      );
    }
    const runner = new CheckRunner(check, Date.now);
    this.runners.set(check.name, runner);
    this.indexProbes();
    runner.start();
    return this;
  }

  private indexProbes(): void {
    for (const probe of PROBES) {
      const wanted = PROBE_CHECKS[probe] as readonly CheckProbe[];
      this.byProbe.set(
        probe,
        [...this.runners.values()].filter((runner) =>
          runner.check.probes.some((p) => wanted.includes(p)),
        ),
      );
    }
  }

  private listenProcess(
    event: ShutdownSignal | 'uncaughtException',
    // biome-ignore lint/suspicious/noExplicitAny: process listeners take event-specific arguments
    listener: (...args: any[]) => void,
  ): void {
    process.on(event, listener);
    this.cleanups.push(() => process.removeListener(event, listener));
  }

  private readonly onSignal = (signal: ShutdownSignal): void => {
    if (this.shutdownRun) {
      this.logger.warn(`${signal} received while already shutting down; ignoring it`);
      return;
    }
    this.logger.info(`${signal} received`);
    void this.shutdown(signal);
  };

  private readonly onUncaught = (error: Error): void => {
    this.logger.error(
      `uncaught exception; state is now ERRORED: ${redact(error?.message ?? String(error))}`,
    );
    this.markErrored(error);
  };
}

/** `GET`/`HEAD` as given (the common case, no allocation), else upper-cased; '' for junk. */
function normalizeMethod(method: string): string {
  if (method === 'GET' || method === 'HEAD') return method;
  return method.length === 3 || method.length === 4 ? method.toUpperCase() : '';
}

function conclude(probe: Probe, state: LifecycleState, results: CheckResult[]): ProbeEvaluation {
  const failed = results.some((r) => r.critical && r.status === 'DOWN');
  return { probe, state, status: failed ? 503 : 200, results };
}

function allowed(visibility: Visibility, request: HealthRequest): boolean {
  if (visibility === 'always') return true;
  if (visibility === 'never') return false;
  try {
    return visibility(request) === true;
  } catch {
    return false;
  }
}
