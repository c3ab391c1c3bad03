// Interop with the real @nestjs/terminus (12, and 11's HealthCheckError / executor) in real Nest
// apps on both platforms: terminus indicators as @health checks, and @health checks inside terminus.
import { createHealth } from '@health/core';
import { fromTerminusIndicator, toTerminusIndicator } from '@health/nestjs';
import { httpRequest } from '@health/test-utils';
import { MemoryHealthIndicator } from '@nestjs/terminus';
import { HealthCheckError as HealthCheckErrorV11 } from '@nestjs/terminus-v11/dist/health-check/health-check.error.js';
import { HealthCheckExecutor as ExecutorV11 } from '@nestjs/terminus-v11/dist/health-check/health-check-executor.service.js';
import { describe, expect, it } from 'vitest';
import { bootClosedAfterEach, PLATFORMS } from './harness.js';
import { healthFromTerminus, withTerminusRoute } from './terminus-app.js';

const start = bootClosedAfterEach();

for (const platform of PLATFORMS) {
  describe(`@nestjs/terminus interop on ${platform}`, () => {
    it('fromTerminusIndicator: real terminus indicators become @health checks', async () => {
      const running = await start(platform, {
        imports: [
          healthFromTerminus({
            inject: [MemoryHealthIndicator],
            checks: (indicators, memory: MemoryHealthIndicator) => [
              fromTerminusIndicator('disk', () => indicators.check('disk').up({ freeGb: 12 })),
              fromTerminusIndicator('cpu', () => indicators.check('cpu').degraded('busy')),
              fromTerminusIndicator('ping', ({ signal }) =>
                indicators.check('ping').attempt(async () => ({ aborted: signal.aborted })),
              ),
              fromTerminusIndicator('heap', () => memory.checkHeap('heap', 1), {
                critical: false,
              }),
            ],
          }),
        ],
      });
      const res = await httpRequest(`${running.baseUrl}/health/ready`);
      expect(res.status).toBe(200);
      const checks = JSON.parse(res.body).checks as Record<string, unknown>[];
      expect(checks.map((c) => [c.name, c.status])).toEqual([
        ['disk', 'UP'],
        ['cpu', 'UP'],
        ['ping', 'UP'],
        ['heap', 'DOWN'],
      ]);
      expect(checks[0]?.details).toEqual({ disk: { status: 'up', freeGb: 12 } });
      expect(checks[1]?.details).toEqual({ cpu: { status: 'degraded', message: 'busy' } });
      expect(checks[2]?.details).toMatchObject({ ping: { status: 'up', aborted: false } });
      expect(checks[3]?.message).toMatch(/heap/i);
    });

    it('toTerminusIndicator: @health checks inside HealthCheckService.check()', async () => {
      let flaky = true;
      const health = createHealth({
        logger: false,
        checks: [
          { name: 'postgres', check: () => true },
          {
            name: 'flaky',
            ttl: 0,
            check: () => {
              if (!flaky) throw new Error('replica lag 9000 ms');
            },
          },
        ],
      });
      const running = await start(
        platform,
        withTerminusRoute(health, (injected) => [
          toTerminusIndicator(injected, 'postgres'),
          toTerminusIndicator(injected, 'flaky', { details: true }),
        ]),
      );
      const up = await httpRequest(`${running.baseUrl}/terminus`);
      expect(up.status).toBe(200);
      const body = JSON.parse(up.body);
      expect(body.status).toBe('ok');
      expect(body.details.postgres).toEqual({ status: 'up' });
      expect(body.details.flaky).toMatchObject({ status: 'up', durationMs: expect.any(Number) });

      flaky = false;
      const down = await httpRequest(`${running.baseUrl}/terminus`);
      expect(down.status).toBe(503);
      const failed = JSON.parse(down.body);
      expect(failed.status).toBe('error');
      expect(failed.info).toEqual({ postgres: { status: 'up' } });
      expect(failed.error.flaky).toMatchObject({ status: 'down', message: 'replica lag 9000 ms' });
      // The same instance still serves its own probes.
      expect((await httpRequest(`${running.baseUrl}/health/ready`)).status).toBe(503);
    });
  });
}

describe('terminus 11 styles', () => {
  it('fromTerminusIndicator: a thrown HealthCheckError (terminus 11) is a DOWN result with its causes', async () => {
    const health = createHealth({
      logger: false,
      checks: [
        fromTerminusIndicator('redis', () => {
          throw new HealthCheckErrorV11('Redis check failed', {
            redis: { status: 'down', message: 'ECONNREFUSED' },
          });
        }),
        fromTerminusIndicator('boom', async () => {
          throw new TypeError('not a terminus error');
        }),
      ],
    });
    expect(await health.checkResult('redis')).toMatchObject({
      status: 'DOWN',
      message: 'Redis check failed',
      details: { redis: { status: 'down', message: 'ECONNREFUSED' } },
    });
    expect(await health.checkResult('boom')).toMatchObject({
      status: 'DOWN',
      message: 'not a terminus error',
    });
    health.close();
  });

  it("toTerminusIndicator: terminus 11's executor counts a down result as an error", async () => {
    const health = createHealth({
      logger: false,
      checks: [
        { name: 'up', check: () => true },
        { name: 'down', check: () => false },
      ],
    });
    const result = await new ExecutorV11().execute([
      toTerminusIndicator(health, 'up'),
      toTerminusIndicator(health, 'down'),
    ]);
    expect(result).toEqual({
      status: 'error',
      info: { up: { status: 'up' } },
      error: { down: { status: 'down' } },
      details: { up: { status: 'up' }, down: { status: 'down' } },
    });
    health.close();
  });
});
