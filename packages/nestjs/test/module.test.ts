// HealthModule on real Nest apps (Express and Fastify platforms) over real HTTP: forRoot/forRootAsync,
// checks from injected providers, bootstrap readiness, Nest's shutdown sequence, setup errors.
import { type Health, isHealth } from '@health/core';
import { HEALTH, HealthModule } from '@health/nestjs';
import { httpRequest } from '@health/test-utils';
import {
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { AppController, bootClosedAfterEach, PLATFORMS } from './harness.js';

/** A stand-in for a DB pool provider (what a real app injects into its checks). */
@Injectable()
class Pool {
  healthy = true;
  async query(): Promise<number> {
    if (!this.healthy) throw new Error('connection refused');
    return 1;
  }
}

@Module({ providers: [Pool], exports: [Pool] })
class PoolModule {}

/** The "injectable registry" way: a provider registers its own check. */
@Injectable()
class Cache implements OnModuleInit {
  warm = true;
  constructor(@Inject(HEALTH) private readonly health: Health) {}
  onModuleInit(): void {
    this.health.addCheck({ name: 'cache', ttl: 0, check: () => this.warm });
  }
}

/** Records what Nest's later shutdown hook sees (where pools are closed, Nest-style). */
@Injectable()
class ShutdownProbe implements OnApplicationShutdown {
  static seen: string[] = [];
  constructor(@Inject(HEALTH) private readonly health: Health) {}
  onApplicationShutdown(): void {
    ShutdownProbe.seen.push(`onApplicationShutdown:${this.health.state}`);
  }
}

const start = bootClosedAfterEach();

for (const platform of PLATFORMS) {
  describe(`HealthModule on ${platform}`, () => {
    it('forRootAsync builds checks from an injected DB pool provider; HEALTH is injectable', async () => {
      const running = await start(platform, {
        imports: [
          HealthModule.forRootAsync({
            imports: [PoolModule],
            inject: [Pool],
            useFactory: async (pool: Pool) => ({
              logger: false,
              readyOnBootstrap: true,
              showChecks: 'always',
              checks: [
                {
                  name: 'postgres',
                  ttl: 0,
                  dependency: true,
                  check: async () => {
                    await pool.query();
                  },
                },
              ],
            }),
          }),
          PoolModule,
        ],
        providers: [Cache],
      });
      const health = running.app.get<Health>(HEALTH);
      expect(isHealth(health)).toBe(true);
      expect(health.checkNames).toEqual(['postgres', 'cache']);
      // Ready on bootstrap by default: no markReady() call here.
      const ready = await httpRequest(`${running.baseUrl}/health/ready`);
      expect(ready.status).toBe(200);
      expect(JSON.parse(ready.body)).toEqual({
        status: 'UP',
        checks: [
          { name: 'postgres', status: 'UP' },
          { name: 'cache', status: 'UP' },
        ],
      });
      expect((await httpRequest(`${running.baseUrl}/health/started`)).status).toBe(200);
      running.app.get(Pool).healthy = false;
      const down = await httpRequest(`${running.baseUrl}/health/ready`);
      expect(down.status).toBe(503);
      expect(JSON.parse(down.body).checks[0]).toEqual({ name: 'postgres', status: 'DOWN' });
      // Liveness does not depend on the database.
      expect((await httpRequest(`${running.baseUrl}/health/live`)).status).toBe(200);
      running.app.get(Pool).healthy = true;
      running.app.get(Cache).warm = false;
      expect((await httpRequest(`${running.baseUrl}/health/ready`)).status).toBe(503);
    });

    it('readiness is manual by default (STARTING until markReady), as in every adapter', async () => {
      const running = await start(platform, {
        imports: [HealthModule.forRoot({ logger: false })],
      });
      expect((await httpRequest(`${running.baseUrl}/health/ready`)).status).toBe(503);
      expect((await httpRequest(`${running.baseUrl}/health/live`)).status).toBe(200);
      running.app.get<Health>(HEALTH).markReady();
      expect((await httpRequest(`${running.baseUrl}/health/ready`)).status).toBe(200);
    });

    it('readyOnBootstrap: true marks the instance ready on bootstrap', async () => {
      const running = await start(platform, {
        imports: [HealthModule.forRoot({ logger: false, readyOnBootstrap: true })],
      });
      expect((await httpRequest(`${running.baseUrl}/health/ready`)).status).toBe(200);
    });

    it('a routed path core does not answer goes to the platform not-found, never hangs', async () => {
      const running = await start(platform, {
        imports: [HealthModule.forRoot({ logger: false, startReady: true })],
      });
      const answer = await httpRequest(`${running.baseUrl}/health/ready/a%2Fb`, { timeout: 3_000 });
      expect(answer.status).toBe(404);
    });

    it("ignores Nest's global prefix; `prefix` and custom paths apply", async () => {
      @Module({
        imports: [
          HealthModule.forRoot({
            logger: false,
            startReady: true,
            prefix: '/ops',
            paths: { readiness: '/readyz', liveness: '/livez', health: false, startup: false },
          }),
        ],
        controllers: [AppController],
      })
      class Feature {}
      const running = await start(platform, { imports: [Feature] }, (app) =>
        app.setGlobalPrefix('api'),
      );
      expect((await httpRequest(`${running.baseUrl}/api/app/ok`)).body).toBe('ok');
      expect((await httpRequest(`${running.baseUrl}/ops/readyz`)).status).toBe(200);
      expect((await httpRequest(`${running.baseUrl}/ops/livez`)).status).toBe(200);
      expect((await httpRequest(`${running.baseUrl}/readyz`)).status).toBe(404);
      expect((await httpRequest(`${running.baseUrl}/ops/health`)).status).toBe(404);
      const query = await httpRequest(`${running.baseUrl}/ops/readyz?verbose=1`);
      expect(query.status).toBe(200);
      expect(query.headers['cache-control']).toBe('no-store');
    });

    it('app.close(): STOPPING, drain while serving, graceful close, then Nest hooks see DOWN', async () => {
      ShutdownProbe.seen = [];
      const running = await start(platform, {
        imports: [HealthModule.forRoot({ logger: false, shutdown: { drainDelay: 500 } })],
        controllers: [AppController],
        providers: [ShutdownProbe],
      });
      const health = running.app.get<Health>(HEALTH);
      health.onStateChange((change) => ShutdownProbe.seen.push(change.to));
      const slow = httpRequest(`${running.baseUrl}/app/slow?ms=700`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const closing = running.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(health.state).toBe('STOPPING');
      const ready = await httpRequest(`${running.baseUrl}/health/ready`);
      expect(ready.status).toBe(503);
      expect(ready.headers.connection).toBe('close');
      expect((await httpRequest(`${running.baseUrl}/health/live`)).status).toBe(200);
      expect((await httpRequest(`${running.baseUrl}/app/ok`)).body).toBe('ok');
      expect((await slow).body).toBe('slow');
      await closing;
      expect(ShutdownProbe.seen).toEqual(['STOPPING', 'DOWN', 'onApplicationShutdown:DOWN']);
      await expect(
        httpRequest(`${running.baseUrl}/health/live`, { timeout: 2_000 }),
      ).rejects.toThrow();
    });
  });
}

describe('HealthModule without HTTP', () => {
  it('works in a standalone application context (workers): injectable, lifecycle wired', async () => {
    @Module({ imports: [HealthModule.forRoot({ logger: false, readyOnBootstrap: true })] })
    class WorkerModule {}
    const context = await NestFactory.createApplicationContext(WorkerModule, {
      logger: false,
      abortOnError: false,
    });
    const health = context.get<Health>(HEALTH);
    await context.init();
    expect(health.state).toBe('UP');
    await context.close();
    expect(health.state).toBe('DOWN');
  });
});

describe('HealthModule setup errors', () => {
  it('names the option and the fix', () => {
    expect(() => HealthModule.forRoot({ prefix: 'ops' })).toThrow(
      /@health\/nestjs: option "prefix" must be '' or a path like '\/ops'/,
    );
    expect(() => HealthModule.forRoot({ prefix: '/ops/' })).toThrow(/option "prefix"/);
    for (const bad of [{ prefix: 'ops' }, { readyOnBootstrap: 'yes' as unknown as boolean }]) {
      try {
        HealthModule.forRoot(bad);
        expect.unreachable('a bad option must throw');
      } catch (error) {
        expect((error as { code?: string }).code).toBe('HEALTH_INVALID_OPTION');
      }
    }
    expect(() => HealthModule.forRoot({ paths: { readiness: 'ready' } })).toThrow(
      /option "paths.readiness"/,
    );
  });

  it('refuses an instance together with core options', async () => {
    const { createHealth } = await import('@health/core');
    const health = createHealth({ logger: false });
    expect(() => HealthModule.forRoot({ health, checks: [] })).toThrow(
      '@health/nestjs: option "health" (an instance) excludes the other health options (got checks)',
    );
    expect(HealthModule.forRoot(health).global).toBe(true);
  });
});
