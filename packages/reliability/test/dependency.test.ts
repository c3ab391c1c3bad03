/**
 * A dependency that goes away and comes back: a real PostgreSQL (Debian's, via
 * @health/test-services) is stopped and started, then frozen (its proxy stops forwarding: accepts, never answers) and thawed, under a
 * service polling its probes. Readiness goes 503 and back to 200; liveness stays 200 throughout
 * (a database outage must never restart the pod); every probe answers in bounded time.
 */
import { join } from 'node:path';
import { type PostgresHandle, startPostgres } from '@health/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Child, exitWithin, fixtures, sleep, startTs } from './support/child.js';
import { get } from './support/http.js';

let postgres: PostgresHandle;
let service: Child;
beforeAll(async () => {
  postgres = await startPostgres();
  service = await startTs(join(fixtures, 'db-service.ts'), { env: { DATABASE_URL: postgres.url } });
}, 60_000);
afterAll(async () => {
  service?.kill('SIGKILL');
  await postgres?.kill();
});

interface Sample {
  t: number;
  ready: number;
  live: number;
  ms: number;
}

describe('PostgreSQL goes away and comes back', () => {
  it('readiness 503 then 200, liveness 200 throughout, probes bounded', async () => {
    const samples: Sample[] = [];
    const began = Date.now();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const [ready, live] = await Promise.all([
          get(`${service.url}/health/ready`),
          get(`${service.url}/health/live`),
        ]);
        samples.push({
          t: Date.now() - began,
          ready: ready.status,
          live: live.status,
          ms: Math.max(ready.ms, live.ms),
        });
        await sleep(100);
      }
    })();
    const last = () => samples.at(-1);
    const until = async (what: string, predicate: (s: Sample) => boolean, timeout: number) => {
      const from = Date.now();
      while (!(last() && predicate(last() as Sample))) {
        if (Date.now() - from > timeout)
          throw new Error(
            `${what} not seen within ${timeout} ms: ${JSON.stringify(samples.slice(-5))}`,
          );
        await sleep(20);
      }
      return Date.now() - from;
    };
    const phases: Record<string, number> = {};
    try {
      await until('ready 200 at start', (s) => s.ready === 200, 10_000);
      await sleep(1000);
      await postgres.stop();
      phases.stoppedToReady503 = await until(
        'readiness 503 after stop',
        (s) => s.ready === 503,
        10_000,
      );
      await sleep(1500);
      await postgres.start();
      phases.startedToReady200 = await until(
        'readiness 200 after start',
        (s) => s.ready === 200,
        15_000,
      );
      await sleep(1000);
      postgres.pause();
      phases.pausedToReady503 = await until(
        'readiness 503 while frozen',
        (s) => s.ready === 503,
        10_000,
      );
      await sleep(1500);
      postgres.resume();
      phases.resumedToReady200 = await until(
        'readiness 200 after thaw',
        (s) => s.ready === 200,
        15_000,
      );
      await sleep(500);
    } finally {
      polling = false;
      await poller;
    }
    const liveness = new Set(samples.map((s) => s.live));
    const slowest = Math.max(...samples.map((s) => s.ms));
    const readyTimeline = samples.reduce<string[]>((acc, s) => {
      const label = `${s.ready}@${(s.t / 1000).toFixed(1)}s`;
      if (!acc.length || !acc.at(-1)?.startsWith(String(s.ready))) acc.push(label);
      return acc;
    }, []);
    console.log(
      `[dependency] ${samples.length} probe pairs; readiness ${readyTimeline.join(' -> ')}; liveness always ${[...liveness].join('/')}; slowest probe ${slowest.toFixed(0)} ms; ${JSON.stringify(phases)}`,
    );
    expect([...liveness]).toEqual([200]);
    expect(samples.every((s) => s.ready === 200 || s.ready === 503)).toBe(true);
    expect(readyTimeline.map((l) => l.split('@')[0])).toEqual(['200', '503', '200', '503', '200']);
    expect(slowest).toBeLessThan(1000);
    // The service is still healthy and shuts down cleanly.
    service.kill('SIGTERM');
    expect((await exitWithin(service, 10_000)).code).toBe(0);
  }, 90_000);
});
