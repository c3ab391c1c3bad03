/**
 * Graceful shutdown: STOPPING → drain delay → end open streams → close servers (in-flight requests
 * finish, `Connection: close` / GOAWAY) → hooks within their bound → DOWN → exit code, and the
 * opt-in process signal handling. The one place that decides when and how the process exits.
 */

import { optionError } from './errors.js';
import type { Lifecycle } from './lifecycle.js';
import type { HealthLogger } from './logger.js';
import {
  drainDelayMs,
  SHUTDOWN_DEFAULTS,
  type ShutdownOptions,
  type ShutdownSignal,
} from './options.js';
import { redact } from './redact.js';
import {
  askClientsToClose,
  closeServer,
  type NodeServerLike,
  type NodeSocketLike,
  trackConnections,
} from './server.js';
import type { StateChange } from './state.js';

/**
 * A server that is not `node:http` (a gRPC server, a raw socket server) closed by shutdown next to
 * the HTTP servers: after the drain delay, within `serverCloseTimeout`.
 */
export interface ServerCloser {
  /** Stop accepting and let in-flight calls finish (e.g. grpc-js `tryShutdown`); settle when done. */
  close(): void | Promise<void>;
  /** `serverCloseTimeout` ran out, or `close` failed: end what is left (e.g. `forceShutdown`). */
  forceClose(): void;
  /** `false` when it no longer serves: like a closed HTTP server, it does not hold the drain delay. */
  readonly listening?: boolean;
}

/** A shutdown hook: close a pool, flush a queue. Receives a signal aborted when the hook bound runs out. */
export type ShutdownHook = (context: { signal: AbortSignal }) => void | Promise<void>;

/** The resolved shutdown settings (what `describe()` shows). */
export interface ShutdownSettings {
  readonly signals: readonly ShutdownSignal[];
  readonly drainDelay: number;
  readonly serverCloseTimeout: number;
  readonly hookTimeout: number;
  readonly gracePeriod?: number;
  /** `process.exit`, nothing, or the adapter's/app's own exit. */
  readonly exit: false | ((code: number) => void);
}

export function resolveShutdown(shutdown: ShutdownOptions = {}): ShutdownSettings {
  const signals: readonly ShutdownSignal[] =
    shutdown.signals === true ? ['SIGTERM', 'SIGINT'] : shutdown.signals || [];
  const exit = shutdown.exit ?? signals.length > 0;
  return {
    signals,
    drainDelay: drainDelayMs(shutdown.drainDelay),
    serverCloseTimeout: shutdown.serverCloseTimeout ?? SHUTDOWN_DEFAULTS.serverCloseTimeout,
    hookTimeout: shutdown.hookTimeout ?? SHUTDOWN_DEFAULTS.hookTimeout,
    ...(shutdown.gracePeriod !== undefined && { gracePeriod: shutdown.gracePeriod }),
    exit: typeof exit === 'function' ? exit : exit ? (code: number) => process.exit(code) : false,
  };
}

export class Shutdown {
  /** Registered servers and their open sockets. */
  private readonly servers = new Map<NodeServerLike, Set<NodeSocketLike>>();
  /** When each server's responses started to ask clients to close (see `closeServer`). */
  private readonly askedSince = new Map<NodeServerLike, number>();
  private readonly hooks: { name: string; hook: ShutdownHook }[] = [];
  /** Non-HTTP servers (see {@link ServerCloser}), by name. */
  private readonly closers = new Map<string, ServerCloser>();
  /** Open streaming responses (SSE): ended before servers close, or they never would. */
  readonly streams = new Set<() => void>();
  /** Set once the open streams were ended: a stream opened later (an EventSource reconnecting) ends at once. */
  streamsEnded = false;
  readonly cleanups: (() => void)[] = [];
  run: Promise<number> | undefined;
  /** Adapters finishing their own shutdown (Nest's remaining hooks): the exit waits for them. */
  private readonly holds = new Set<Promise<void>>();

  constructor(
    readonly settings: ShutdownSettings,
    private readonly lifecycle: Lifecycle,
    private readonly logger: HealthLogger,
    /** Stops checks and removes process listeners (`health.close()`). */
    private readonly closeAll: () => void,
  ) {
    const { drainDelay, serverCloseTimeout, hookTimeout, gracePeriod } = settings;
    if (gracePeriod !== undefined && drainDelay + serverCloseTimeout + hookTimeout > gracePeriod) {
      logger.warn(
        `shutdown may not fit the platform's grace period: drainDelay ${drainDelay} ms + serverCloseTimeout ${serverCloseTimeout} ms + hookTimeout ${hookTimeout} ms > gracePeriod ${gracePeriod} ms; the process may be killed mid-shutdown`,
      );
    }
  }

  /** Core's reaction to STOPPING: every response from now on asks clients to close. */
  onEnter(change: StateChange): void {
    if (change.to !== 'STOPPING') return;
    for (const [server, sockets] of this.servers) {
      this.cleanups.push(askClientsToClose(server, sockets));
      this.askedSince.set(server, change.at);
    }
  }

  addServer(server: NodeServerLike): void {
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
    if (this.servers.has(server)) return;
    const tracker = trackConnections(server);
    this.servers.set(server, tracker.sockets);
    this.cleanups.push(tracker.stop);
    if (this.lifecycle.current === 'STOPPING') {
      this.cleanups.push(askClientsToClose(server, tracker.sockets));
      this.askedSince.set(server, Date.now());
    }
  }

  addCloser(name: string, closer: ServerCloser): void {
    if (!closer || typeof closer.close !== 'function' || typeof closer.forceClose !== 'function')
      throw optionError('@health/core', `addCloser("${name}")`, 'needs { close(), forceClose() }');
    this.closers.set(name, closer);
  }

  addHook(name: string, hook: ShutdownHook): void {
    if (typeof hook !== 'function')
      throw optionError('@health/core', `onShutdown("${name}")`, 'needs a function');
    this.hooks.push({ name, hook });
  }

  /**
   * Delays the process exit (not the shutdown) until the returned function is called; that
   * function says whether core is going to end the process (`shutdown.exit`).
   */
  holdExit(): () => boolean {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.holds.add(hold);
    return () => {
      this.holds.delete(hold);
      release();
      return this.settings.exit !== false;
    };
  }

  start(reason: string): Promise<number> {
    this.run ??= this.execute(reason);
    return this.run;
  }

  listenProcess(
    event: ShutdownSignal | 'uncaughtException',
    // biome-ignore lint/suspicious/noExplicitAny: process listeners take event-specific arguments
    listener: (...args: any[]) => void,
  ): void {
    process.on(event, listener);
    this.cleanups.push(() => process.removeListener(event, listener));
  }

  readonly onSignal = (signal: ShutdownSignal): void => {
    if (this.run) {
      this.logger.warn(`${signal} received while already shutting down; ignoring it`);
      return;
    }
    this.logger.info(`${signal} received`);
    void this.start(signal);
  };

  readonly onUncaught = (error: Error): void => {
    this.logger.error(
      `uncaught exception; state is now ERRORED: ${redact(error?.message ?? String(error))}`,
    );
    const { lifecycle } = this;
    if (lifecycle.current !== 'ERRORED' && lifecycle.current !== 'DOWN')
      lifecycle.transition('ERRORED', error instanceof Error ? error.message : 'errored', error);
  };

  private async execute(reason: string): Promise<number> {
    const started = Date.now();
    const elapsed = () => Date.now() - started;
    const { drainDelay, serverCloseTimeout, hookTimeout } = this.settings;
    const { lifecycle } = this;
    if (lifecycle.current !== 'STOPPING' && lifecycle.current !== 'DOWN')
      lifecycle.transition('STOPPING', reason);
    // Draining helps only while a registered server still answers probes. When the app already
    // closed them all (e.g. `fastify.close()` or Nest's `app.close()` came first), skip the wait.
    const servers: { readonly listening?: boolean }[] = [
      ...this.servers.keys(),
      ...this.closers.values(),
    ];
    const drain =
      servers.length > 0 && servers.every((s) => s.listening === false) ? 0 : drainDelay;
    this.logger.info(`shutdown: STOPPING (${reason}); draining for ${drain} ms`);
    if (drain > 0) await new Promise((resolve) => setTimeout(resolve, drain));
    this.streamsEnded = true;
    for (const end of [...this.streams]) end();
    this.logger.info(
      `shutdown: drain done at ${elapsed()} ms; closing ${this.servers.size + this.closers.size} server(s)`,
    );
    const closed = await Promise.all([
      ...[...this.servers].map(([server, sockets]) =>
        closeServer(server, serverCloseTimeout, {
          sockets,
          askedSince: this.askedSince.get(server),
        }),
      ),
      ...[...this.closers].map(([name, closer]) =>
        this.closeOther(name, closer, serverCloseTimeout),
      ),
    ]);
    const graceful = closed.every(Boolean);
    if (!graceful)
      this.logger.warn(
        `shutdown: in-flight requests did not finish within ${serverCloseTimeout} ms; connections were closed forcibly`,
      );
    this.logger.info(
      `shutdown: servers closed at ${elapsed()} ms; running ${this.hooks.length} hook(s)`,
    );
    const hooksOk = await this.runHooks(hookTimeout);
    this.closeAll();
    if (lifecycle.current !== 'DOWN') lifecycle.transition('DOWN', reason);
    // A process that hit an unrecoverable fault exits non-zero even when its shutdown went well,
    // so the platform records a failure rather than a clean stop.
    const code = graceful && hooksOk && !lifecycle.faulted ? 0 : 1;
    this.logger.info(
      `shutdown: DOWN at ${elapsed()} ms, exit code ${code}${lifecycle.faulted ? ' (the process had ERRORED)' : ''}`,
    );
    const { exit } = this.settings;
    if (exit) {
      if (this.holds.size === 0) exit(code);
      else void Promise.all(this.holds).then(() => exit(code));
    }
    return code;
  }

  /** `true` when `closer.close()` settled within `bound`; otherwise `forceClose()` and `false`. */
  private closeOther(name: string, closer: ServerCloser, bound: number): Promise<boolean> {
    return new Promise((resolve) => {
      const force = (why: string) => {
        clearTimeout(timer);
        this.logger.warn(`shutdown: server "${name}" ${why}; closing it forcibly`);
        try {
          closer.forceClose();
        } catch (error) {
          this.logger.error(
            `shutdown: server "${name}" forceClose failed: ${redact(error instanceof Error ? error.message : String(error))}`,
          );
        }
        resolve(false);
      };
      const timer = setTimeout(() => force(`did not close within ${bound} ms`), bound);
      let closing: Promise<void>;
      try {
        closing = Promise.resolve(closer.close());
      } catch (error) {
        closing = Promise.reject(error);
      }
      closing.then(
        () => {
          clearTimeout(timer);
          resolve(true);
        },
        (error: unknown) =>
          force(
            `failed to close: ${redact(error instanceof Error ? error.message : String(error))}`,
          ),
      );
    });
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
}
