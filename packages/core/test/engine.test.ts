import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CheckDefinition, createHealth, down, type Health, up } from '../src/index.js';

const made: Health[] = [];
function healthWith(...checks: CheckDefinition[]) {
  const health = createHealth({ logger: false, startReady: true, checks, showDetails: 'always' });
  made.push(health);
  return health;
}
afterEach(() => {
  for (const health of made.splice(0)) health.close();
  vi.useRealTimers();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('check outcomes', () => {
  it('maps return values to UP/DOWN', async () => {
    const health = healthWith(
      { name: 'void', check: () => {} },
      { name: 'true', check: () => true },
      { name: 'async-void', check: async () => {} },
      { name: 'false', check: () => false, critical: false },
      {
        name: 'outcome',
        check: () => down('nope', { n: 1n }),
        critical: false,
      },
      { name: 'string', check: () => 'PONG' },
      { name: 'status-key', check: () => ({ status: 'DOWN' }) },
      { name: 'response-500', check: () => new Response('no', { status: 500 }) },
      { name: 'null', check: () => null },
      { name: 'up-details', check: () => up({ latencyMs: 3 }) },
    );
    const { results, status } = await health.evaluate('readiness');
    expect(status).toBe(200);
    const by = Object.fromEntries(results.map((r) => [r.name, r]));
    expect(by.void?.status).toBe('UP');
    expect(by.true?.status).toBe('UP');
    expect(by['async-void']?.status).toBe('UP');
    expect(by.false).toMatchObject({ status: 'DOWN', message: 'check returned false' });
    expect(by.outcome).toMatchObject({ status: 'DOWN', message: 'nope', details: { n: '1' } });
    // Anything resolved is UP, whatever its shape (a driver result, a Response, `{ status }`).
    for (const name of ['string', 'status-key', 'response-500', 'null'])
      expect(by[name], name).toMatchObject({ status: 'UP' });
    expect(by['status-key']).not.toHaveProperty('details');
    expect(by['up-details']).toMatchObject({ status: 'UP', details: { latencyMs: 3 } });
  });

  it('a synchronous throw, a rejection and a non-Error rejection are failed checks', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const health = healthWith(
        {
          name: 'throws',
          check: () => {
            throw new Error('sync boom');
          },
        },
        {
          name: 'rejects',
          check: async () => {
            throw new TypeError('async boom');
          },
        },
        { name: 'rejects-null', check: () => Promise.reject(null) },
        { name: 'rejects-string', check: () => Promise.reject('plain string') },
      );
      const { status, results } = await health.evaluate('readiness');
      expect(status).toBe(503);
      expect(results.map((r) => [r.status, r.message])).toEqual([
        ['DOWN', 'sync boom'],
        ['DOWN', 'async boom'],
        ['DOWN', 'check failed with a non-Error value (null)'],
        ['DOWN', 'plain string'],
      ]);
      await sleep(10);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('redacts credentials in messages', async () => {
    const health = healthWith({
      name: 'db',
      check: () => {
        throw new Error('connect to postgres://app:hunter2@db:5432 failed; password=s3cret');
      },
    });
    const [result] = (await health.evaluate('readiness')).results;
    expect(result?.message).toBe('connect to postgres://*** failed; password=***');
  });
});

describe('timeouts', () => {
  it('fails a hanging check at its timeout and aborts its signal', async () => {
    let signal: AbortSignal | undefined;
    const health = healthWith({
      name: 'hangs',
      timeout: 50,
      check: (context) => {
        signal = context.signal;
        return new Promise<void>(() => {});
      },
    });
    const started = performance.now();
    const { status, results } = await health.evaluate('readiness');
    expect(performance.now() - started).toBeLessThan(500);
    expect(status).toBe(503);
    expect(results[0]).toMatchObject({
      status: 'DOWN',
      timedOut: true,
      message: 'timed out after 50 ms',
    });
    expect(signal?.aborted).toBe(true);
    expect((signal as AbortSignal).reason.name).toBe('TimeoutError');
  });

  it('a check resolving after its timeout stays failed, and is not started again while still running', async () => {
    let release!: () => void;
    let runs = 0;
    const health = healthWith({
      name: 'slow',
      timeout: 30,
      ttl: 0,
      failureTtl: 0,
      check: () => {
        runs++;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    expect((await health.evaluate('readiness')).status).toBe(503);
    // The abandoned run is still executing: probes reuse its timeout failure, no pile-up.
    for (let i = 0; i < 5; i++) expect((await health.evaluate('readiness')).status).toBe(503);
    expect(runs).toBe(1);
    release();
    await sleep(5);
    // Its late success is ignored; the next probe starts a fresh run.
    const next = health.evaluate('readiness');
    release();
    expect((await next).status).toBe(200);
    expect(runs).toBe(2);
  });
});

describe('single-flight, TTL and parallelism', () => {
  it('concurrent probes share one in-flight run', async () => {
    let runs = 0;
    const health = healthWith({
      name: 'db',
      check: async () => {
        runs++;
        await sleep(30);
      },
    });
    const probes = await Promise.all(
      Array.from({ length: 50 }, () => health.evaluate('readiness')),
    );
    expect(probes.every((p) => p.status === 200)).toBe(true);
    expect(runs).toBe(1);
    expect(health.runCount('db')).toBe(1);
  });

  it('reuses a passing result for ttl and a failing one for failureTtl', async () => {
    vi.useFakeTimers();
    let up = true;
    let runs = 0;
    const health = healthWith({
      name: 'db',
      ttl: 1_000,
      failureTtl: 200,
      check: () => {
        runs++;
        return up;
      },
    });
    await health.evaluate('readiness');
    expect(runs).toBe(1);
    vi.advanceTimersByTime(999);
    await health.evaluate('readiness');
    expect(runs).toBe(1);
    vi.advanceTimersByTime(1);
    up = false;
    expect((await health.evaluate('readiness')).status).toBe(503);
    expect(runs).toBe(2);
    vi.advanceTimersByTime(199);
    expect((await health.evaluate('readiness')).status).toBe(503);
    expect(runs).toBe(2);
    vi.advanceTimersByTime(1);
    up = true;
    expect((await health.evaluate('readiness')).status).toBe(200);
    expect(runs).toBe(3);
  });

  it('runs the checks of one probe in parallel', async () => {
    const health = healthWith(
      ...Array.from({ length: 5 }, (_, i) => ({ name: `c${i}`, check: () => sleep(100) })),
    );
    const started = performance.now();
    await health.evaluate('readiness');
    expect(performance.now() - started).toBeLessThan(300);
  });

  it('a non-critical failure shows but does not fail the probe', async () => {
    const health = healthWith(
      { name: 'ok', check: () => true },
      { name: 'cache', critical: false, check: () => false },
    );
    const evaluation = await health.evaluate('readiness');
    expect(evaluation.status).toBe(200);
    expect(evaluation.results.find((r) => r.name === 'cache')).toMatchObject({
      status: 'DOWN',
      critical: false,
    });
  });
});

describe('background refresh', () => {
  beforeEach(() => vi.useFakeTimers());

  it('refreshes on an interval so probes never wait on the dependency', async () => {
    let runs = 0;
    let up = true;
    const health = healthWith({
      name: 'db',
      interval: 1_000,
      check: () => {
        runs++;
        return up;
      },
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(1);
    for (let i = 0; i < 20; i++) await health.evaluate('readiness');
    expect(runs).toBe(1);
    up = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(2);
    expect((await health.evaluate('readiness')).status).toBe(503);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(runs).toBe(5);
    health.close();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toBe(5);
  });

  it('a result the loop failed to refresh counts as stale (failed)', async () => {
    const health = healthWith({ name: 'db', interval: 1_000, maxStale: 2_500, check: () => true });
    await vi.advanceTimersByTimeAsync(0);
    expect((await health.evaluate('readiness')).status).toBe(200);
    // Simulate a stalled loop: time jumps without timers firing.
    vi.setSystemTime(Date.now() + 3_000);
    const stale = await health.evaluate('readiness');
    expect(stale.status).toBe(503);
    expect(stale.results[0]).toMatchObject({ stale: true, status: 'DOWN' });
  });
});

describe('registry', () => {
  it('registers by probe; health combines readiness and liveness', async () => {
    const health = healthWith(
      { name: 'r', check: () => true },
      { name: 'l', probes: ['liveness'], check: () => true },
      { name: 's', probes: ['startup'], check: () => true },
      { name: 'rl', probes: ['readiness', 'liveness'], check: () => true },
    );
    const names = async (probe: 'readiness' | 'liveness' | 'health' | 'startup') =>
      (await health.evaluate(probe)).results.map((r) => r.name);
    expect(await names('readiness')).toEqual(['r', 'rl']);
    expect(await names('liveness')).toEqual(['l', 'rl']);
    expect(await names('health')).toEqual(['r', 'l', 'rl']);
    expect(await names('startup')).toEqual(['s']);
    expect(health.removeCheck('r')).toBe(true);
    expect(health.removeCheck('r')).toBe(false);
    expect(await names('readiness')).toEqual(['rl']);
  });

  it('a failing liveness check fails liveness but not readiness', async () => {
    const health = healthWith({ name: 'loop', probes: ['liveness'], check: () => false });
    expect((await health.evaluate('liveness')).status).toBe(503);
    expect((await health.evaluate('readiness')).status).toBe(200);
    expect((await health.evaluate('health')).status).toBe(503);
  });

  it('does not run checks where the state table already says no', async () => {
    let runs = 0;
    const health = createHealth({
      logger: false,
      checks: [{ name: 'db', check: () => void runs++ }],
    });
    made.push(health);
    expect((await health.evaluate('readiness')).status).toBe(503); // STARTING
    expect(runs).toBe(0);
  });
});
