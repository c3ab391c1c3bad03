// @health/nestjs on NestJS 11 (Express and Fastify platforms) over real HTTP: the conformance
// suite, the shared module tests, and interop with @nestjs/terminus 11 (both styles).
import { createHealth, type Health } from '@health/core';
import { fromTerminusIndicator, HEALTH, HealthModule, toTerminusIndicator } from '@health/nestjs';
import { httpRequest, runAdapterConformance } from '@health/test-utils';
import { Controller, Get, Inject, Injectable, Module } from '@nestjs/common-v11';
import { NestApplication } from '@nestjs/core-v11';
import {
  HealthCheck,
  HealthCheckError,
  HealthCheckService,
  HealthIndicator,
  HealthIndicatorService,
  TerminusModule,
} from '@nestjs/terminus-v11';
import { afterEach, describe, expect, it } from 'vitest';
import { boot, nestHarness, type Platform, type RunningApp } from '../../nestjs/test/harness.js';
import '../../nestjs/test/module.test.js';

const apps: RunningApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

it('runs against NestJS 11 (the harness and the module use the aliased v11 packages)', async () => {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  expect(require('@nestjs/core-v11/package.json').version).toMatch(/^11\./);
  const running = await boot('express', {});
  apps.push(running);
  expect(running.app).toBeInstanceOf(NestApplication);
});

runAdapterConformance('nestjs 11 express', nestHarness('express', { readyOnBootstrap: false }));
runAdapterConformance('nestjs 11 fastify', nestHarness('fastify', { readyOnBootstrap: false }));

/** A terminus 10/11-style custom indicator: extends HealthIndicator, throws HealthCheckError. */
@Injectable()
class LegacyRedisIndicator extends HealthIndicator {
  up = true;
  async isHealthy(key: string) {
    const result = this.getStatus(key, this.up, this.up ? {} : { message: 'ECONNREFUSED' });
    if (this.up) return result;
    throw new HealthCheckError('Redis check failed', result);
  }
}

@Module({ providers: [LegacyRedisIndicator], exports: [LegacyRedisIndicator] })
class RedisModule {}

@Controller('terminus')
class TerminusController {
  constructor(
    @Inject(HealthCheckService) private readonly terminus: HealthCheckService,
    @Inject(HEALTH) private readonly health: Health,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.terminus.check([toTerminusIndicator(this.health, 'flaky')]);
  }
}

for (const platform of ['express', 'fastify'] as Platform[]) {
  describe(`@nestjs/terminus 11 on nestjs 11 ${platform}`, () => {
    it('fromTerminusIndicator: HealthIndicatorService results and a thrown HealthCheckError', async () => {
      const running = await boot(platform, {
        imports: [
          HealthModule.forRootAsync({
            imports: [TerminusModule, RedisModule],
            inject: [HealthIndicatorService, LegacyRedisIndicator],
            useFactory: (indicators: HealthIndicatorService, redis: LegacyRedisIndicator) => ({
              logger: false,
              showDetails: 'always',
              checks: [
                fromTerminusIndicator('disk', () => indicators.check('disk').up({ freeGb: 3 })),
                fromTerminusIndicator('redis', () => redis.isHealthy('redis'), { ttl: 0 }),
              ],
            }),
          }),
        ],
      });
      apps.push(running);
      const up = await httpRequest(`${running.baseUrl}/health/ready`);
      expect(up.status).toBe(200);
      running.app.get(LegacyRedisIndicator).up = false;
      const down = await httpRequest(`${running.baseUrl}/health/ready`);
      expect(down.status).toBe(503);
      const checks = JSON.parse(down.body).checks;
      expect(checks[0]).toMatchObject({
        name: 'disk',
        status: 'UP',
        details: { disk: { status: 'up', freeGb: 3 } },
      });
      expect(checks[1]).toMatchObject({
        name: 'redis',
        status: 'DOWN',
        message: 'Redis check failed',
        details: { redis: { status: 'down', message: 'ECONNREFUSED' } },
      });
    });

    it('toTerminusIndicator: 503 the terminus way when the check is down', async () => {
      let ok = true;
      const health = createHealth({
        logger: false,
        checks: [{ name: 'flaky', ttl: 0, check: () => ok }],
      });
      const running = await boot(platform, {
        imports: [HealthModule.forRoot({ health }), TerminusModule.forRoot({ logger: false })],
        controllers: [TerminusController],
      });
      apps.push(running);
      const up = await httpRequest(`${running.baseUrl}/terminus`);
      expect(up.status).toBe(200);
      expect(JSON.parse(up.body)).toMatchObject({
        status: 'ok',
        info: { flaky: { status: 'up' } },
      });
      ok = false;
      const down = await httpRequest(`${running.baseUrl}/terminus`);
      expect(down.status).toBe(503);
      expect(JSON.parse(down.body)).toMatchObject({
        status: 'error',
        error: { flaky: { status: 'down' } },
      });
    });
  });
}
