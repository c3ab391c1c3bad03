/**
 * The health instance: composes the lifecycle, the check registry, the router (the HTTP seam) and
 * shutdown into the one object every adapter and package on top works with. Each decision lives
 * in the module named for it; this file only wires them and documents the public surface.
 */
import type { CheckDefinition } from './checks.js';
import type { HealthDescription } from './describe.js';
import { isLoopback } from './describe.js';
import type { CheckResult } from './engine.js';
import { optionError } from './errors.js';
import type { ProbeEvaluation } from './evaluate.js';
import { DEFAULT_STATUS_CODES } from './groups.js';
import { Lifecycle } from './lifecycle.js';
import { type HealthLogger, resolveLogger } from './logger.js';
import { type HealthOptions, type HealthRequest, validateOptions } from './options.js';
import { isPending } from './pending.js';
import { type CheckChange, CheckRegistry, type CheckSnapshot } from './registry.js';
import { type HealthResponse, NOT_FOUND, type StreamSink } from './response.js';
import { type ExtensionRoute, type HealthRoute, type RouteInfo, Router } from './router.js';
import type { NodeServerLike } from './server.js';
import { resolveShutdown, type ServerCloser, Shutdown, type ShutdownHook } from './shutdown.js';
import { type LifecycleState, PROBES, type Probe, type StateChange } from './state.js';

export type { ServerCloser, ShutdownHook } from './shutdown.js';

const BRAND = Symbol.for('@health/core.Health');

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

/** A snapshot of the whole instance: state and every check's last result (runs nothing). */
export interface HealthSnapshot {
  readonly state: LifecycleState;
  readonly at: number;
  readonly checks: readonly CheckSnapshot[];
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
  /**
   * Calls `listener` when a check's reported status flips (after its thresholds), and for its
   * first result — not on every run. Returns a function that unsubscribes.
   */
  onCheckChange(listener: (change: CheckChange) => void): () => void;
  /**
   * Calls `listener(route, status)` after every answer to a probe, group or per-check route
   * (cached or not): one call, no allocation; `route` is one frozen object per route.
   */
  onResponse(listener: (route: RouteInfo, status: number) => void): () => void;
  /** Registers a check. Throws on a duplicate name or a bad option. */
  addCheck(definition: CheckDefinition): this;
  /** Removes a check by name (and calls its `dispose`). Returns whether it existed. */
  removeCheck(name: string): boolean;
  /** Names of the registered checks. */
  readonly checkNames: string[];
  /** Names of the configured groups. */
  readonly groupNames: string[];
  /** How many times a check has started running (for tests and metrics). */
  runCount(name: string): number;
  /** The current result of one check (cached, shared in-flight, or a new run). */
  checkResult(name: string): Promise<CheckResult>;
  /**
   * Evaluates a probe or a group by name: the lifecycle table (groups follow readiness), then
   * the checks in parallel within `probeDeadline`. Rejects for an unknown name.
   */
  evaluate(
    name: Probe | string,
    options?: { exclude?: readonly string[] },
  ): Promise<ProbeEvaluation>;
  /** The state and every check's last result, without running anything. */
  snapshot(): HealthSnapshot;
  /** The configuration as JSON-safe data (what `describePath` serves). */
  describe(): HealthDescription;
  /**
   * The seam for adapters: the answer for `request`, synchronously when every result it needs is
   * cached (a probe on a healthy service costs no promise hop), a promise otherwise, or
   * `undefined` when the path is not core's, so the adapter passes the request on. Write it with
   * `deliver(answer, write, target)` (or `@health/core/node`'s writer).
   * @example
   * const answer = health.respond({ method, path, headers, remoteAddress, httpVersionMajor });
   * if (answer === undefined) return next();
   * return deliver(answer, write, res);
   */
  respond(request: HealthRequest): HealthResponse | Promise<HealthResponse> | undefined;
  /** {@link Health.respond}, always as a promise (tests, scripts); adapters use `respond`. */
  handle(request: HealthRequest): Promise<HealthResponse> | undefined;
  /** The first path of each enabled probe. */
  readonly paths: Partial<Record<Probe, string>>;
  /** Every path core answers (probes, groups, extensions), for adapters whose framework routes. */
  readonly routes: readonly HealthRoute[];
  /**
   * Adds a route answered through every adapter (a status page, an event stream). Add routes
   * before mounting the adapter: Fastify and Nest register their routes at mount time.
   */
  addRoute(route: ExtensionRoute): this;
  /** Registers a `node:http`, `node:https` or `node:http2` server to close gracefully on shutdown. */
  addServer(server: NodeServerLike): this;
  /**
   * Registers a server that is not `node:http` (a gRPC server) to close on shutdown like one:
   * after the drain delay, `close()` (in-flight calls finish); `forceClose()` when
   * `serverCloseTimeout` runs out (the exit code is then 1, as for a forced HTTP server).
   * The same name again replaces the earlier closer.
   * @example health.addCloser('grpc', {
   *   close: () => new Promise((done) => server.tryShutdown(() => done())),
   *   forceClose: () => server.forceShutdown(),
   * });
   */
  addCloser(name: string, closer: ServerCloser): this;
  /** Registers a hook that runs after servers closed (close pools, flush queues), in registration order. */
  onShutdown(name: string, hook: ShutdownHook): this;
  /** True from the moment shutdown starts. */
  readonly shuttingDown: boolean;
  /**
   * For adapters whose framework runs its own shutdown after core's (Nest's remaining hooks):
   * the process exit that `shutdown.exit` asks for waits until the returned function is called,
   * which returns whether core is going to end the process.
   */
  holdExit(): () => boolean;
  /**
   * Shuts down gracefully: STOPPING → drain delay → close servers → hooks → DOWN. Resolves with
   * the exit code (0, or 1 if hooks failed or connections had to be forced), and ends the process
   * with it as `shutdown.exit` says. Calling it again returns the same run.
   */
  shutdown(reason?: string): Promise<number>;
  /** Stops background refreshes, disposes checks and removes process listeners, without changing state. */
  close(): void;
}

class HealthInstance implements Health {
  readonly [BRAND] = true;
  private readonly logger: HealthLogger;
  private readonly lifecycle: Lifecycle;
  private readonly registry: CheckRegistry;
  private readonly router: Router;
  private readonly stopper: Shutdown;
  private readonly resolved: ReturnType<typeof validateOptions>;

  constructor(options: HealthOptions = {}) {
    this.resolved = validateOptions(options);
    this.logger = resolveLogger(options.logger);
    this.lifecycle = new Lifecycle(options.startReady === true, this.logger, (change) =>
      this.stopper.onEnter(change),
    );
    this.stopper = new Shutdown(
      resolveShutdown(options.shutdown),
      this.lifecycle,
      this.logger,
      () => this.close(),
    );
    this.registry = new CheckRegistry(this, this.resolved.groups, this.logger);
    this.router = new Router(
      {
        probePaths: this.resolved.probePaths,
        groups: this.resolved.groups,
        statusCodes: this.resolved.statusCodes,
        defaultCodes: DEFAULT_STATUS_CODES,
        format: options.format ?? 'simple',
        showChecks: options.showChecks ?? 'never',
        showDetails: options.showDetails ?? 'never',
        probeDeadline: this.resolved.probeDeadline,
      },
      this.registry,
      () => this.lifecycle.current,
    );
    for (const [index, check] of (options.checks ?? []).entries())
      this.registry.add(check, `checks[${index}]`);
    const { describePath } = this.resolved;
    if (describePath !== undefined) this.router.addExtension(this.describeRoute(describePath));
    for (const signal of this.stopper.settings.signals)
      this.stopper.listenProcess(signal, this.stopper.onSignal);
    if (options.trapUncaughtErrors)
      this.stopper.listenProcess('uncaughtException', this.stopper.onUncaught);
  }

  get state(): LifecycleState {
    return this.lifecycle.current;
  }

  markReady(): boolean {
    const { current } = this.lifecycle;
    if (current === 'STOPPING' || current === 'DOWN') return false;
    this.lifecycle.transition('UP', 'ready');
    const unmatched = this.registry.unmatchedIncludes();
    if (unmatched.length > 0)
      this.logger.warn(`groups include checks that are not registered: ${unmatched.join(', ')}`);
    return true;
  }

  markErrored(error?: unknown): void {
    const { current } = this.lifecycle;
    if (current === 'ERRORED' || current === 'DOWN') return;
    this.lifecycle.transition('ERRORED', error instanceof Error ? error.message : 'errored', error);
  }

  transition(to: LifecycleState, reason?: string, error?: unknown): void {
    this.lifecycle.transition(to, reason, error);
  }

  onStateChange(listener: (change: StateChange) => void): () => void {
    return this.lifecycle.onChange(listener);
  }

  onCheckChange(listener: (change: CheckChange) => void): () => void {
    return this.registry.onChange(listener);
  }

  onResponse(listener: (route: RouteInfo, status: number) => void): () => void {
    return this.router.onResponse(listener);
  }

  addCheck(definition: CheckDefinition): this {
    this.registry.add(definition, 'check');
    return this;
  }

  removeCheck(name: string): boolean {
    return this.registry.remove(name);
  }

  get checkNames(): string[] {
    return [...this.registry.runners.keys()];
  }

  get groupNames(): string[] {
    return this.resolved.groups.map((g) => g.name);
  }

  runCount(name: string): number {
    return this.registry.runners.get(name)?.runs ?? 0;
  }

  async checkResult(name: string): Promise<CheckResult> {
    const runner = this.registry.runners.get(name);
    if (!runner)
      throw optionError(
        '@health/core',
        'name',
        `does not name a registered check: ${JSON.stringify(name)}`,
      );
    return runner.result();
  }

  async evaluate(
    name: Probe | string,
    options: { exclude?: readonly string[] } = {},
  ): Promise<ProbeEvaluation> {
    const evaluation = this.router.evaluate(name, options.exclude);
    if (evaluation === undefined)
      throw optionError(
        '@health/core',
        'name',
        `does not name an enabled probe (${PROBES.join(', ')}) or a group: ${JSON.stringify(name)}`,
      );
    return evaluation;
  }

  snapshot(): HealthSnapshot {
    return { state: this.lifecycle.current, at: Date.now(), checks: this.registry.snapshot() };
  }

  describe(): HealthDescription {
    const { resolved, lifecycle, stopper } = this;
    const { signals, drainDelay, serverCloseTimeout, hookTimeout, gracePeriod } = stopper.settings;
    const groups: Record<string, { paths: string[]; checks: string[] }> = {};
    for (const group of resolved.groups)
      groups[group.name] = {
        paths: [...group.paths],
        checks: this.registry.forGroup(group.name).map((r) => r.check.name),
      };
    return {
      version: 1,
      state: lifecycle.current,
      startedAt: lifecycle.startedAt,
      ...(lifecycle.readyAt !== undefined && { readyAt: lifecycle.readyAt }),
      paths: Object.fromEntries(resolved.probePaths),
      groups,
      checks: [...this.registry.runners.values()].map(({ check }) => ({
        name: check.name,
        probes: check.probes,
        tags: check.tags,
        critical: check.critical,
        dependency: check.dependency,
        timeout: check.timeout,
        ttl: check.ttl,
        ...(check.interval !== undefined && { interval: check.interval }),
        failureThreshold: check.failureThreshold,
        successThreshold: check.successThreshold,
      })),
      probeDeadline: resolved.probeDeadline,
      shutdown: {
        signals,
        drainDelay,
        serverCloseTimeout,
        hookTimeout,
        ...(gracePeriod !== undefined && { gracePeriod }),
      },
    };
  }

  respond(request: HealthRequest): HealthResponse | Promise<HealthResponse> | undefined {
    return this.router.respond(request);
  }

  handle(request: HealthRequest): Promise<HealthResponse> | undefined {
    const answer = this.respond(request);
    return answer === undefined ? undefined : Promise.resolve(answer);
  }

  get paths(): Partial<Record<Probe, string>> {
    const paths: Partial<Record<Probe, string>> = {};
    for (const [probe, list] of this.resolved.probePaths) paths[probe] = list[0];
    return paths;
  }

  get routes(): readonly HealthRoute[] {
    return this.router.table();
  }

  addRoute(route: ExtensionRoute): this {
    if (!route || typeof route.handle !== 'function')
      throw optionError('@health/core', 'addRoute', 'needs { path, handle(request) }');
    const taken = new Map(this.router.table().map((r) => [r.path, 'a health route'] as const));
    const path = route.path;
    if (taken.has(path))
      throw optionError(
        '@health/core',
        'addRoute.path',
        `${JSON.stringify(path)} is already a health route`,
      );
    if (typeof path !== 'string' || !path.startsWith('/') || /[?#\s]|\/\/|\/$/.test(path))
      throw optionError(
        '@health/core',
        'addRoute.path',
        `must be a path starting with "/", got ${JSON.stringify(path)}`,
      );
    const stopper = this.stopper;
    this.router.addExtension({
      path,
      handle: (request) => {
        const answer = route.handle(request);
        return isPending(answer)
          ? answer.then((a) => tracked(a, stopper))
          : tracked(answer, stopper);
      },
    });
    return this;
  }

  addServer(server: NodeServerLike): this {
    this.stopper.addServer(server);
    return this;
  }

  addCloser(name: string, closer: ServerCloser): this {
    this.stopper.addCloser(name, closer);
    return this;
  }

  onShutdown(name: string, hook: ShutdownHook): this {
    this.stopper.addHook(name, hook);
    return this;
  }

  get shuttingDown(): boolean {
    return this.stopper.run !== undefined;
  }

  holdExit(): () => boolean {
    return this.stopper.holdExit();
  }

  shutdown(reason = 'shutdown requested'): Promise<number> {
    return this.stopper.start(reason);
  }

  close(): void {
    this.registry.closeAll();
    for (const cleanup of this.stopper.cleanups.splice(0)) cleanup();
  }

  private describeRoute(path: string): ExtensionRoute {
    return {
      path,
      handle: (request) => {
        if (!isLoopback(request.remoteAddress)) return NOT_FOUND;
        const body = JSON.stringify(this.describe());
        return {
          status: 200,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'cache-control': 'no-store',
            'content-length': String(Buffer.byteLength(body)),
          },
          body: request.method.toUpperCase() === 'HEAD' ? '' : body,
        };
      },
    };
  }
}

/**
 * Streams end when shutdown begins closing servers (an open SSE stream would hold it forever);
 * one opened after that (an EventSource reconnecting during the close) gets its first frames and ends.
 */
function tracked(
  response: HealthResponse,
  stopper: { readonly streams: Set<() => void>; readonly streamsEnded: boolean },
): HealthResponse {
  const { stream } = response;
  if (stream === undefined) return response;
  const { streams } = stopper;
  return {
    ...response,
    stream: (sink: StreamSink) => {
      const end = () => sink.end();
      streams.add(end);
      sink.onClose(() => streams.delete(end));
      stream(sink);
      if (stopper.streamsEnded) end();
    },
  };
}
