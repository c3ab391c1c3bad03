// Unit tests on real prom-client registries: names, labels, the cache (a cached answer is not a
// run), the one-hot state, thresholds, groups, options errors and stop().
import { createHealth, down, type Health } from '@health/core';
import { prometheusMetrics } from '@health/metrics/prometheus';
import { Registry, register } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { probe, sample, samples } from './prom.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function setup(health: Health, registry = new Registry()) {
  const handle = prometheusMetrics(health, { registry });
  cleanups.push(() => {
    handle.stop();
    health.close();
  });
  return { registry, handle };
}

describe('prometheusMetrics', () => {
  it('counts runs, not cached answers, and every probe answer once', async () => {
    let runs = 0;
    const health = createHealth({
      checks: [{ name: 'db', ttl: 60_000, check: () => void runs++ }],
      startReady: true,
    });
    const { registry } = setup(health);
    for (let i = 0; i < 25; i++) await health.handle(probe('/health/ready'));
    expect(runs).toBe(1);
    expect(await sample(registry, 'health_checks_total', { name: 'db', status: 'UP' })).toBe(1);
    expect(
      await sample(registry, 'health_probe_requests_total', { probe: 'readiness', code: '200' }),
    ).toBe(25);
    expect(
      await sample(registry, 'health_check_status', {
        name: 'db',
        probe: 'readiness',
        critical: 'true',
      }),
    ).toBe(1);
    const count = await samples(registry, 'health_check_duration_seconds');
    expect(count).toContain('health_check_duration_seconds_count{name=db} 1');
    const last = await sample(registry, 'health_check_last_success_timestamp_seconds', {
      name: 'db',
    });
    expect(last).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(last).toBeLessThanOrEqual(Date.now() / 1000);
  });

  it('follows a check 1 → 0 → 1 and counts runs by raw outcome', async () => {
    let failing = false;
    const health = createHealth({
      checks: [{ name: 'db', ttl: 0, check: () => (failing ? down('gone') : 'PONG') }],
      startReady: true,
    });
    const { registry } = setup(health);
    const status = () =>
      sample(registry, 'health_check_status', { name: 'db', probe: 'readiness', critical: 'true' });
    expect(await status()).toBeUndefined(); // no result yet, no sample
    await health.handle(probe('/health/ready'));
    expect(await status()).toBe(1);
    failing = true;
    await health.handle(probe('/health/ready'));
    await health.handle(probe('/health/ready'));
    expect(await status()).toBe(0);
    failing = false;
    await health.handle(probe('/health/ready'));
    expect(await status()).toBe(1);
    expect(await samples(registry, 'health_checks_total')).toEqual([
      'health_checks_total{name=db,status=DOWN} 2',
      'health_checks_total{name=db,status=UP} 2',
    ]);
    expect(await samples(registry, 'health_probe_requests_total')).toEqual([
      'health_probe_requests_total{probe=readiness,code=200} 2',
      'health_probe_requests_total{probe=readiness,code=503} 2',
    ]);
  });

  it('reports the status after thresholds, the runs before them', async () => {
    let failing = false;
    const health = createHealth({
      checks: [{ name: 'db', ttl: 0, failureThreshold: 3, check: () => !failing }],
      startReady: true,
    });
    const { registry } = setup(health);
    const status = () =>
      sample(registry, 'health_check_status', { name: 'db', probe: 'readiness', critical: 'true' });
    await health.checkResult('db');
    failing = true;
    await health.checkResult('db');
    await health.checkResult('db');
    expect(await status()).toBe(1); // 2 failures of 3: still reported UP
    expect(await sample(registry, 'health_checks_total', { name: 'db', status: 'DOWN' })).toBe(2);
    await health.checkResult('db');
    expect(await status()).toBe(0);
  });

  it('marks non-critical checks, labels groups and per-check routes, never both probe and group', async () => {
    const health = createHealth({
      checks: [
        { name: 'db', tags: ['payments'], check: () => true },
        { name: 'cache', critical: false, check: () => false },
        { name: 'loop', probes: ['liveness'], check: () => true },
      ],
      groups: { payments: { include: ['tag:payments'], paths: ['/health/payments'] } },
      startReady: true,
    });
    const { registry } = setup(health);
    expect((await health.handle(probe('/health/ready')))?.status).toBe(200); // degraded
    await health.handle(probe('/health/live'));
    await health.handle(probe('/health/payments'));
    await health.handle(probe('/health/ready/cache'));
    expect(await samples(registry, 'health_check_status')).toEqual([
      'health_check_status{name=cache,probe=readiness,critical=false} 0',
      'health_check_status{name=db,group=payments,critical=true} 1',
      'health_check_status{name=db,probe=readiness,critical=true} 1',
      'health_check_status{name=loop,probe=liveness,critical=true} 1',
    ]);
    const requests = await samples(registry, 'health_probe_requests_total');
    expect(requests).toContain('health_probe_requests_total{probe=payments,code=200} 1');
    expect(requests).toContain('health_probe_requests_total{probe=liveness,code=200} 1');
    expect(requests.some((line) => line.includes('probe=readiness/cache,'))).toBe(true);
  });

  it('shows the lifecycle one-hot, STOPPING during the drain', async () => {
    const health = createHealth({ shutdown: { drainDelay: 200, exit: false } });
    const { registry } = setup(health);
    const hot = async () =>
      (await samples(registry, 'health_state')).filter((l) => l.endsWith(' 1'));
    expect(await hot()).toEqual(['health_state{state=STARTING} 1']);
    expect(await samples(registry, 'health_state')).toHaveLength(5);
    health.markReady();
    expect(await hot()).toEqual(['health_state{state=UP} 1']);
    const done = health.shutdown('test');
    expect(await hot()).toEqual(['health_state{state=STOPPING} 1']);
    await done;
    expect(await hot()).toEqual(['health_state{state=DOWN} 1']);
  });

  it('registers on prom-client’s global register by default and stop() removes everything', async () => {
    const health = createHealth({ checks: [{ name: 'db', check: () => true }] });
    const handle = prometheusMetrics(health);
    cleanups.push(() => {
      handle.stop();
      health.close();
    });
    expect(register.getSingleMetric('health_check_status')).toBeDefined();
    expect(await register.metrics()).toContain('# TYPE health_state gauge');
    handle.stop();
    handle.stop();
    for (const name of ['health_check_status', 'health_checks_total', 'health_state'])
      expect(register.getSingleMetric(name)).toBeUndefined();
  });

  it('after stop() nothing is counted, and a second instance on the same registry is refused', async () => {
    const first = createHealth({
      checks: [{ name: 'db', ttl: 0, check: () => true }],
      startReady: true,
    });
    const { registry, handle } = setup(first);
    const other = createHealth({
      checks: [{ name: 'db', ttl: 0, check: () => true }],
      startReady: true,
    });
    expect(() => prometheusMetrics(other, { registry })).toThrow(
      expect.objectContaining({
        code: 'HEALTH_INVALID_OPTION',
        message: expect.stringContaining('option "registry"'),
      }),
    );
    // Runs of another instance are not ours (the tracing channel is process-wide).
    await other.handle(probe('/health/ready'));
    await first.handle(probe('/health/ready'));
    expect(await sample(registry, 'health_checks_total', { name: 'db', status: 'UP' })).toBe(1);
    handle.stop();
    const again = setup(first, registry);
    await first.handle(probe('/health/ready'));
    expect(await sample(again.registry, 'health_checks_total', { name: 'db', status: 'UP' })).toBe(
      1,
    );
    other.close();
  });

  it('rejects bad options with coded errors naming the option', () => {
    const health = createHealth();
    cleanups.push(() => health.close());
    const bad = (options: unknown, option: string) =>
      expect(() => prometheusMetrics(health, options as never)).toThrow(
        expect.objectContaining({
          code: 'HEALTH_INVALID_OPTION',
          message: expect.stringContaining(`option "${option}"`),
        }),
      );
    bad({ registry: {} }, 'registry');
    bad({ buckets: [1, 0.5] }, 'buckets');
    bad({ buckets: [] }, 'buckets');
    bad({ prefix: 'x' }, 'prefix');
    expect(() => prometheusMetrics({} as Health)).toThrow(/option "health"/);
  });
});
