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
  optionError,
  resolveHealth,
  routedRequest,
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
  /**
   * Call `health.markReady()` in `onApplicationBootstrap` (right before Nest starts listening).
   * Off by default, the rule of every adapter: the service is STARTING until you call
   * `markReady()` once it is warm (`app.get(HEALTH).markReady()` after `await app.listen()`), or
   * pass `startReady: true` when there is nothing to warm up.
   * @default false
   */
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

/** Signals and exit are core's (`shutdown.signals`, `shutdown.exit`); the module only holds the exit until Nest is done. */
type Setup = ReturnType<typeof setup>;
function setup(input: HealthModuleOptions | Health) {
  const {
    health,
    prefix = '',
    readyOnBootstrap = false,
    ...core
  } = isHealth(input) ? { health: input } : input;
  if (typeof prefix !== 'string' || !/^(\/[^/?#\s]+)*$/.test(prefix)) {
    throw optionError(
      '@health/nestjs',
      'prefix',
      `must be '' or a path like '/ops' (no trailing "/"), got ${JSON.stringify(prefix)}`,
    );
  }
  if (typeof readyOnBootstrap !== 'boolean') {
    throw optionError('@health/nestjs', 'readyOnBootstrap', 'must be a boolean');
  }
  return {
    health: resolveHealth({ health, ...core }, '@health/nestjs'),
    prefix,
    ready: readyOnBootstrap,
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
  /** Releases core's exit once Nest has run its own shutdown hooks. */
  private releaseExit: (() => boolean) | undefined;

  constructor(
    @Inject(SETUP) private readonly setup: Setup,
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
  ) {}

  /**
   * Registers one route per probe path (all methods: core answers 405) on Express or Fastify. A
   * routed path core does not answer (`/health/ready/a%2Fb`: the decoded name has a "/") goes to
   * the platform's not-found handler, as in `@health/fastify` (`callNotFound()`) and Express.
   */
  onModuleInit(): void {
    const adapter = this.host?.httpAdapter;
    if (!adapter) return; // an application context without HTTP
    const { health, prefix } = this.setup;
    // biome-ignore lint/suspicious/noExplicitAny: Express or Fastify request/response
    const route = (url: string, corePath: (req: any) => string) =>
      // biome-ignore lint/suspicious/noExplicitAny: Express or Fastify request/response
      adapter.all(`${prefix}${url}`, (req: any, res: any, next?: any) => {
        const answer = health.respond(routedRequest(corePath(req), req));
        if (answer !== undefined) deliver(answer, write, res);
        else if (typeof res.callNotFound === 'function') res.callNotFound();
        else next?.();
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
  }

  /**
   * Nest is shutting down (`app.close()`, or a signal with `enableShutdownHooks()`): STOPPING,
   * drain delay (still serving), graceful server close, hooks, DOWN. Core's exit (when
   * `shutdown.exit` asks for one) waits until Nest's own shutdown hooks have run.
   */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.releaseExit ??= this.setup.health.holdExit();
    await this.setup.health.shutdown(signal ?? 'application shutdown');
  }

  onApplicationShutdown(signal?: string): void {
    const exiting = this.releaseExit?.() ?? false;
    // Nest re-raises the signal it handled once it is done; core is about to exit with the
    // shutdown's code, so the re-raised signal must not kill the process first.
    if (signal && exiting) process.once(signal, () => {});
  }
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
