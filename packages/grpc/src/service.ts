/**
 * grpc.health.v1.Health (Check, Watch, List per gRFC A90) answered by a @health/core instance.
 * Translation only: which service is healthy is core's `evaluate()` (its status table, checks,
 * groups and thresholds); a 2xx answer is SERVING, anything else NOT_SERVING. Watch is pushed by
 * core's `onStateChange` / `onCheckChange` events (one subscription for all streams), never polled.
 */
import type { Health } from '@health/core';
import { type HealthServiceDefinition, healthServiceDefinition } from './proto.js';

/** The statuses of `HealthCheckResponse.ServingStatus`. */
export type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

/** gRPC status codes used here (the numbers of `@grpc/grpc-js`'s `status`). */
const NOT_FOUND = 5;
const RESOURCE_EXHAUSTED = 8;
const INTERNAL = 13;

export interface GrpcHealthOptions {
  /**
   * More service names, each answered as a probe or group: typically your gRPC services' full
   * names, so a client checking `shop.Cart` gets readiness.
   * @example services: { 'shop.Cart': 'readiness', 'shop.Payments': 'payments' }
   */
  services?: Readonly<Record<string, string>>;
  /**
   * Register the server with the instance's graceful shutdown (`addHealthService` only): after the
   * drain delay Watch streams end, `tryShutdown` lets in-flight calls finish, and `forceShutdown`
   * runs at `serverCloseTimeout`. Turn off when something else owns the server's shutdown.
   * @default true
   */
  shutdown?: boolean;
  /**
   * More services than this and `List` answers `RESOURCE_EXHAUSTED` (gRFC A90).
   * @default 100
   */
  listLimit?: number;
}

/** The parts of a grpc-js `Server` used here (structural: this package's types need no grpc-js). */
export interface GrpcServerLike {
  // biome-ignore lint/suspicious/noExplicitAny: grpc-js's ServiceDefinition / implementation types
  addService(service: any, implementation: any): void;
  tryShutdown(callback: (error?: Error) => void): void;
  forceShutdown(): void;
}

interface UnaryCall {
  readonly request: { readonly service?: string } | undefined;
}
type UnaryCallback = (
  error: { code: number; details: string } | null,
  value?: Record<string, unknown>,
) => void;
interface WatchCall extends UnaryCall {
  readonly cancelled?: boolean;
  write(message: { status: ServingStatus }): boolean;
  end(): void;
  on(event: 'cancelled' | 'close' | 'error', listener: () => void): unknown;
}

/** A grpc.health.v1 implementation over a Health instance (what `addHealthService` adds). */
export interface GrpcHealth {
  /** The loaded `grpc.health.v1.Health` definition. */
  readonly definition: HealthServiceDefinition;
  /** Handlers for `server.addService(definition, implementation)`. */
  // biome-ignore lint/suspicious/noExplicitAny: grpc-js's handleCall signatures
  readonly implementation: Readonly<Record<'Check' | 'Watch' | 'List', (...args: any[]) => void>>;
  /** Every service name answered: `""`, the enabled probes, the groups, `options.services`. */
  readonly services: readonly string[];
  /** The status of `service` now, or `undefined` for an unknown name. */
  status(service: string): Promise<'SERVING' | 'NOT_SERVING' | undefined>;
  /**
   * Calls `listener` with the current status, then on every change (what Watch streams get);
   * `SERVICE_UNKNOWN` once for an unknown name. Returns a function that unsubscribes.
   */
  watch(service: string, listener: (status: ServingStatus) => void): () => void;
  /** Open watches (streams and `watch()` listeners). */
  readonly watchers: number;
  /** Whether the core event listeners are attached (only while a watch is open). */
  readonly subscribed: boolean;
  /** Ends every Watch stream (status OK) and detaches from core. */
  close(): void;
}

interface Watcher {
  last: ServingStatus | undefined;
  send(status: ServingStatus): void;
  end(): void;
}

const PROBE_NAMES = ['readiness', 'liveness', 'health', 'startup'] as const;

function setupError(option: string, problem: string): Error {
  const error = new Error(`@health/grpc: option "${option}" ${problem}`) as Error & {
    code: string;
  };
  error.code = 'HEALTH_INVALID_OPTION';
  return error;
}

/** Creates the implementation; `addHealthService` also adds it to a server and to shutdown. */
export function createGrpcHealth(health: Health, options: GrpcHealthOptions = {}): GrpcHealth {
  if (typeof health?.evaluate !== 'function' || typeof health.onStateChange !== 'function')
    throw setupError('health', 'must be an instance from createHealth()');
  const { listLimit = 100 } = options;
  if (!Number.isInteger(listLimit) || listLimit < 1)
    throw setupError('listLimit', `must be a positive integer, got ${String(listLimit)}`);
  const targets = new Map<string, string>();
  const enabled = Object.keys(health.paths);
  for (const probe of PROBE_NAMES) if (enabled.includes(probe)) targets.set(probe, probe);
  for (const group of health.groupNames) targets.set(group, group);
  if (enabled.includes('readiness')) targets.set('', 'readiness');
  for (const [name, target] of Object.entries(options.services ?? {})) {
    if (!targets.has(target) || target === '' || typeof target !== 'string')
      throw setupError(
        `services.${name}`,
        `must name an enabled probe or a group (${[...targets.keys()].filter(Boolean).join(', ')}), got ${JSON.stringify(target)}`,
      );
    targets.set(name, targets.get(target) as string);
  }
  const services = Object.freeze([...targets.keys()]);

  const status = async (service: string): Promise<'SERVING' | 'NOT_SERVING' | undefined> => {
    const target = targets.get(service);
    if (target === undefined) return undefined;
    const evaluation = await health.evaluate(target);
    return evaluation.status >= 200 && evaluation.status < 300 ? 'SERVING' : 'NOT_SERVING';
  };

  // Watches, by core target (aliases of one target share its evaluation).
  const watching = new Map<string, Set<Watcher>>();
  const unknown = new Set<Watcher>();
  const generation = new Map<string, number>();
  const applied = new Map<string, number>();
  let unsubscribe: (() => void) | undefined;
  let count = 0;

  /** Re-evaluates one target and tells its watchers what changed; a late, older answer is dropped. */
  const refresh = (target: string) => {
    const gen = (generation.get(target) ?? 0) + 1;
    generation.set(target, gen);
    status(target).then(
      (now) => deliver(target, gen, now ?? 'SERVICE_UNKNOWN'),
      () => deliver(target, gen, 'NOT_SERVING'),
    );
  };
  const deliver = (target: string, gen: number, now: ServingStatus) => {
    if (gen < (applied.get(target) ?? 0)) return;
    applied.set(target, gen);
    for (const watcher of watching.get(target) ?? []) {
      if (watcher.last === now) continue;
      watcher.last = now;
      watcher.send(now);
    }
  };
  const refreshAll = () => {
    for (const target of watching.keys()) refresh(target);
  };

  const watch = (service: string, watcher: Watcher): (() => void) => {
    const target = targets.get(service);
    count++;
    if (target === undefined) {
      unknown.add(watcher);
      watcher.last = 'SERVICE_UNKNOWN';
      watcher.send('SERVICE_UNKNOWN');
    } else {
      const set = watching.get(target) ?? new Set<Watcher>();
      watching.set(target, set);
      set.add(watcher);
      if (!unsubscribe) {
        const offState = health.onStateChange(refreshAll);
        const offCheck = health.onCheckChange(refreshAll);
        unsubscribe = () => {
          offState();
          offCheck();
        };
      }
      refresh(target);
    }
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      count--;
      if (target === undefined) {
        unknown.delete(watcher);
        return;
      }
      const set = watching.get(target);
      set?.delete(watcher);
      if (set?.size === 0) {
        watching.delete(target);
        generation.delete(target);
        applied.delete(target);
      }
      if (watching.size === 0 && unsubscribe) {
        unsubscribe();
        unsubscribe = undefined;
      }
    };
  };

  const ends = new Set<() => void>();
  const serviceOf = (call: UnaryCall) => String(call.request?.service ?? '');

  const implementation = {
    Check(call: UnaryCall, callback: UnaryCallback) {
      status(serviceOf(call)).then(
        (now) =>
          now === undefined
            ? callback({ code: NOT_FOUND, details: 'unknown service' })
            : callback(null, { status: now }),
        () => callback({ code: INTERNAL, details: 'health evaluation failed' }),
      );
    },
    Watch(call: WatchCall) {
      let stop: () => void = () => {};
      const end = () => {
        stop();
        ends.delete(end);
        call.end();
      };
      const watcher: Watcher = {
        last: undefined,
        send: (now) => {
          if (!call.cancelled) call.write({ status: now });
        },
        end,
      };
      stop = watch(serviceOf(call), watcher);
      ends.add(end);
      const gone = () => {
        stop();
        ends.delete(end);
      };
      call.on('cancelled', gone);
      call.on('close', gone);
      call.on('error', gone);
    },
    List(_call: unknown, callback: UnaryCallback) {
      if (services.length > listLimit) {
        callback({
          code: RESOURCE_EXHAUSTED,
          details: `more than ${listLimit} services; use Check or Watch per service`,
        });
        return;
      }
      Promise.all(services.map(async (name) => [name, { status: await status(name) }] as const))
        .then((entries) => callback(null, { statuses: Object.fromEntries(entries) }))
        .catch(() => callback({ code: INTERNAL, details: 'health evaluation failed' }));
    },
  };

  return {
    definition: healthServiceDefinition(),
    implementation,
    services,
    status,
    watch: (service, listener) =>
      watch(service, { last: undefined, send: listener, end: () => {} }),
    get watchers() {
      return count;
    },
    get subscribed() {
      return unsubscribe !== undefined;
    },
    close() {
      for (const end of [...ends]) end();
      for (const set of watching.values()) set.clear();
      watching.clear();
      unknown.clear();
      unsubscribe?.();
      unsubscribe = undefined;
    },
  };
}

/**
 * Adds `grpc.health.v1.Health` to a grpc-js server, answered by `health`, and (unless
 * `shutdown: false`) registers the server with the instance's graceful shutdown: after the drain
 * delay Watch streams end (status OK), then `tryShutdown` (in-flight calls finish), and
 * `forceShutdown` at `serverCloseTimeout` (exit code 1).
 * @example
 * const server = new grpc.Server();
 * server.addService(Greeter.service, greeter);
 * addHealthService(server, health);
 */
export function addHealthService(
  server: GrpcServerLike,
  health: Health,
  options: GrpcHealthOptions = {},
): GrpcHealth {
  if (typeof server?.addService !== 'function' || typeof server.tryShutdown !== 'function')
    throw setupError('server', 'must be a @grpc/grpc-js Server');
  const grpcHealth = createGrpcHealth(health, options);
  server.addService(grpcHealth.definition, grpcHealth.implementation);
  if (options.shutdown !== false) {
    let listening = true;
    health.addCloser('grpc', {
      get listening() {
        return listening;
      },
      close: () =>
        new Promise<void>((resolve, reject) => {
          grpcHealth.close();
          server.tryShutdown((error) => {
            listening = false;
            if (error) reject(error);
            else resolve();
          });
        }),
      forceClose: () => {
        listening = false;
        server.forceShutdown();
      },
    });
  }
  return grpcHealth;
}
