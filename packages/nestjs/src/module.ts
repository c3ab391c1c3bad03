/**
 * Nest <-> @health: `HealthModule` serves core's probe routes through Nest's `HttpAdapterHost`
 * (Express or Fastify), and maps Nest's lifecycle hooks to ready/drain/shutdown. No decorator metadata needed.
 */

import {
  deliver,
  type Health,
  type HealthInput,
  type HealthResponse,
  isHealth,
  resolveHealth,
  routedRequest,
  type ShutdownSignal,
} from '@health/core';
import { sendNodeResponse } from '@health/core/node';
import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  type InjectionToken,
  Module,
  type ModuleMetadata,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
  type OptionalFactoryDependency,
  type Provider,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/** Injection token of the module's {@link Health} instance: `@Inject(HEALTH) health: Health`. */
export const HEALTH: unique symbol = Symbol.for('@health/nestjs.Health');
const SETUP = Symbol.for('@health/nestjs.Setup');

/** Nest-specific options, next to the core options every adapter accepts. */
export interface HealthNestOptions {
  /**
   * Serve the probes under this path prefix. Nest's global prefix is NOT applied to probe routes:
   * orchestrator probe paths stay stable whatever the API prefix or version.
   * @default ''
   * @example '/ops' // probes at /ops/health/ready ...
   */
  prefix?: string;
  /** Call `health.markReady()` in `onApplicationBootstrap` (right before Nest starts listening). @default true */
  readyOnBootstrap?: boolean;
}

/** Core options (`checks`, `paths`, `shutdown`, ...) or `health` (an instance), plus {@link HealthNestOptions}. */
export type HealthModuleOptions = HealthInput & HealthNestOptions;

/** `forRootAsync`: build the options from injected providers (e.g. checks over a DB pool). */
export interface HealthModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  /** Receives the `inject`ed providers, in order. */
  useFactory(
    ...args: unknown[]
  ): HealthModuleOptions | Health | Promise<HealthModuleOptions | Health>;
}

/** `shutdown.signals`/`exit` are handled here (not by core), so they cooperate with Nest's own shutdown hooks. */
type Setup = ReturnType<typeof setup>;
function setup(input: HealthModuleOptions | Health) {
  const {
    health,
    prefix = '',
    readyOnBootstrap = true,
    ...core
  } = isHealth(input) ? { health: input } : input;
  if (typeof prefix !== 'string' || !/^(\/[^/?#\s]+)*$/.test(prefix)) {
    throw new Error(
      `@health/nestjs: option "prefix" must be '' or a path like '/ops' (no trailing "/"), got ${JSON.stringify(prefix)}`,
    );
  }
  const { signals: wanted, exit, ...shutdown } = core.shutdown ?? {};
  const signals: readonly ShutdownSignal[] = wanted === true ? ['SIGTERM', 'SIGINT'] : wanted || [];
  return {
    health: resolveHealth(
      { health, ...core, ...(core.shutdown && { shutdown }) },
      '@health/nestjs',
    ),
    prefix,
    ready: readyOnBootstrap,
    signals,
    exit: exit ?? signals.length > 0,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: Express `ServerResponse` or Fastify `FastifyReply`
function write(res: any, response: HealthResponse): void {
  if (typeof res.writeHead === 'function') sendNodeResponse(res, response);
  else if (response.stream !== undefined) {
    res.hijack();
    sendNodeResponse(res.raw, response);
  } else res.code(response.status).headers(response.headers).send(response.body);
}

@Injectable()
class HealthLifecycle
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private code = 0;
  private nestClosing = false;

  constructor(
    @Inject(SETUP) private readonly setup: Setup,
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
  ) {}

  /** Registers one route per probe path (all methods: core answers 405) on Express or Fastify. */
  onModuleInit(): void {
    const adapter = this.host?.httpAdapter;
    if (!adapter) return; // an application context without HTTP
    const { health, prefix } = this.setup;
    // biome-ignore lint/suspicious/noExplicitAny: Express or Fastify request/response
    const route = (url: string, corePath: (req: any) => string) =>
      // biome-ignore lint/suspicious/noExplicitAny: Express or Fastify request/response
      adapter.all(`${prefix}${url}`, (req: any, res: any) => {
        const answer = health.respond(routedRequest(corePath(req), req));
        if (answer !== undefined) deliver(answer, write, res);
      });
    for (const { path, subpaths } of health.routes) {
      route(path, () => path);
      if (subpaths) route(`${path}/:check`, (req) => `${path}/${req.params.check}`);
    }
  }

  onApplicationBootstrap(): void {
    const server = this.host?.httpAdapter?.getHttpServer();
    if (server) this.setup.health.addServer(server);
    if (this.setup.ready) this.setup.health.markReady();
    for (const signal of this.setup.signals) process.on(signal, this.onSignal);
  }

  /** Nest is shutting down: STOPPING, drain delay (still serving), graceful server close, hooks, DOWN. */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.nestClosing = true;
    this.code = await this.setup.health.shutdown(signal ?? 'application shutdown');
  }

  onApplicationShutdown(signal?: string): void {
    for (const s of this.setup.signals) process.removeListener(s, this.onSignal);
    // Nest re-raises the signal it handled once it is done: end with shutdown's exit code instead.
    if (signal && this.setup.exit) process.once(signal, () => process.exit(this.code));
  }

  /** `shutdown.signals` without (or before) Nest's shutdown hooks: shut down, then exit unless Nest is closing. */
  private readonly onSignal = (signal: ShutdownSignal): void => {
    void this.setup.health.shutdown(signal).then((code) => {
      if (this.setup.exit && !this.nestClosing) process.exit(code);
    });
  };
}

/**
 * A global module: probes served on Express or Fastify, `@Inject(HEALTH)` anywhere.
 * @example
 * @Module({ imports: [HealthModule.forRoot({ checks: [dbCheck], shutdown: { drainDelay: 5000 } })] })
 * export class AppModule {}
 */
@Global()
@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with static factories
export class HealthModule {
  static forRoot(options: HealthModuleOptions | Health = {}): DynamicModule {
    return HealthModule.build({ provide: SETUP, useValue: setup(options) });
  }

  static forRootAsync(options: HealthModuleAsyncOptions): DynamicModule {
    const factory = async (...args: unknown[]) => setup(await options.useFactory(...args));
    return HealthModule.build(
      { provide: SETUP, useFactory: factory, inject: options.inject ?? [] },
      options.imports,
    );
  }

  private static build(provider: Provider, imports: ModuleMetadata['imports'] = []): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      imports,
      providers: [
        provider,
        { provide: HEALTH, useFactory: (s: Setup) => s.health, inject: [SETUP] },
        HealthLifecycle,
      ],
      exports: [HEALTH],
    };
  }
}
