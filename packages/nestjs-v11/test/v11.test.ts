// @health/nestjs on NestJS 11 (Express and Fastify platforms) over real HTTP: the conformance
// suite, the shared module tests, and interop with @nestjs/terminus 11 (both styles).
import { createHealth } from '@health/core';
import { fromTerminusIndicator, toTerminusIndicator } from '@health/nestjs';
import { httpRequest, runAdapterConformance } from '@health/test-utils';
import { Injectable, Module } from '@nestjs/common-v11';
import { NestApplication } from '@nestjs/core-v11';
import { HealthCheckError, HealthIndicator } from '@nestjs/terminus-v11';
import { describe, expect, it } from 'vitest';
import { bootClosedAfterEach, nestHarness, PLATFORMS } from '../../nestjs/test/harness.js';
import { healthFromTerminus, withTerminusRoute } from '../../nestjs/test/terminus-app.js';
import '../../nestjs/test/module.test.js';

const start = bootClosedAfterEach();

it('runs against NestJS 11 (the harness and the module use the aliased v11 packages)', async () => {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  expect(require('@nestjs/core-v11/package.json').version).toMatch(/^11\./);
  const running = await start('express', {});
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

for (const platform of PLATFORMS) {
  describe(`@nestjs/terminus 11 on nestjs 11 ${platform}`, () => {
    it('fromTerminusIndicator: HealthIndicatorService results and a thrown HealthCheckError', async () => {
      const running = await start(platform, {
        imports: [
          healthFromTerminus({
            imports: [RedisModule],
            inject: [LegacyRedisIndicator],
            checks: (indicators, redis: LegacyRedisIndicator) => [
              fromTerminusIndicator('disk', () => indicators.check('disk').up({ freeGb: 3 })),
              fromTerminusIndicator('redis', () => redis.isHealthy('redis'), { ttl: 0 }),
            ],
          }),
        ],
      });
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
      const running = await start(
        platform,
        withTerminusRoute(health, (injected) => [toTerminusIndicator(injected, 'flaky')]),
      );
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
