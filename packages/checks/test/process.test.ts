/**
 * The process checks in a real child process: its event loop is really blocked and its memory
 * really allocated, and its liveness probe is read over HTTP. Disk space on a real volume.
 */
import { tmpdir } from 'node:os';
import { diskSpaceCheck } from '@health/checks';
import { httpRequest, killServices, type ServiceProcess, startService } from '@health/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { type CheckEntry, startApp } from './helpers.js';

const FIXTURE = 'packages/checks/test/fixtures/process-service.ts';

afterAll(() => killServices());

async function liveness(service: ServiceProcess) {
  const { status, body } = await httpRequest(`${service.baseUrl}/health/live`);
  const checks = (JSON.parse(body) as { checks: CheckEntry[] }).checks;
  return { status, byName: Object.fromEntries(checks.map((c) => [c.name, c])) };
}

const get = (service: ServiceProcess, path: string) =>
  httpRequest(`${service.baseUrl}${path}`, { timeout: 60_000 });

describe('process checks (real child process)', () => {
  it('event loop delay and utilization: DOWN after the loop is really blocked, UP again once it idles', async () => {
    const service = await startService(FIXTURE);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const idle = await liveness(service);
      expect(idle.status).toBe(200);
      expect(idle.byName['event-loop-delay']?.details).toMatchObject({
        p99Ms: expect.any(Number),
        thresholdMs: 200,
      });
      // A CPU-bound hot path: 8 × 300 ms blocks with only a tick in between.
      await get(service, '/block?n=300&times=8');
      const blocked = await liveness(service);
      expect(blocked.status).toBe(503);
      expect(blocked.byName['event-loop-delay']).toMatchObject({ status: 'DOWN' });
      expect(blocked.byName['event-loop-delay']?.message).toMatch(
        /^event loop delay p99 \d+(\.\d+)? ms exceeds 200 ms$/,
      );
      expect(Number(blocked.byName['event-loop-delay']?.details?.p99Ms)).toBeGreaterThan(250);
      expect(blocked.byName['event-loop-utilization']).toMatchObject({ status: 'DOWN' });
      expect(
        Number(blocked.byName['event-loop-utilization']?.details?.utilization),
      ).toBeGreaterThan(0.8);
      // One long block: p99 of a handful of samples and the max both see it.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await liveness(service);
      await get(service, '/block?n=600&times=1');
      const spike = await liveness(service);
      expect(spike.byName['event-loop-delay-max']).toMatchObject({ status: 'DOWN' });
      expect(spike.byName['event-loop-delay-max']?.message).toMatch(
        /^event loop delay max \d+(\.\d+)? ms exceeds 400 ms$/,
      );
      // The window restarts at every run: an idle loop is healthy again.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const recovered = await liveness(service);
      expect(recovered.status).toBe(200);
    } finally {
      await service.stop();
    }
  });

  it('heap: DOWN once used heap passes the threshold of the real --max-old-space-size limit', async () => {
    const service = await startService(FIXTURE, {
      env: { NODE_OPTIONS: '--max-old-space-size=128', HEAP_THRESHOLD: '0.6' },
    });
    try {
      const before = await liveness(service);
      expect(before.byName.heap).toMatchObject({ status: 'UP', details: { threshold: 0.6 } });
      const limit = Number(before.byName.heap?.details?.limitBytes);
      expect(limit).toBeGreaterThan(100 * 1024 * 1024);
      expect(limit).toBeLessThan(200 * 1024 * 1024);
      let after = before;
      for (let i = 0; i < 20 && after.byName.heap?.status === 'UP'; i++) {
        await get(service, '/heap?n=8');
        after = await liveness(service);
      }
      expect(after.status).toBe(503);
      expect(after.byName.heap?.message).toMatch(
        /^heap used [\d.]+ MB is \d+% of the [\d.]+ MB limit \(threshold 60%\)$/,
      );
      expect(Number(after.byName.heap?.details?.ratio)).toBeGreaterThan(0.6);
    } finally {
      await service.stop();
    }
  });

  it('rss: DOWN once resident memory passes maxBytes', async () => {
    const service = await startService(FIXTURE);
    try {
      const before = await liveness(service);
      expect(before.byName.rss).toMatchObject({ status: 'UP' });
      await get(service, '/rss?n=200');
      const after = await liveness(service);
      expect(after.status).toBe(503);
      expect(after.byName.rss?.message).toMatch(/^rss [\d.]+ MB exceeds [\d.]+ MB$/);
      expect(Number(after.byName.rss?.details?.rssBytes)).toBeGreaterThan(
        Number(after.byName.rss?.details?.maxBytes),
      );
    } finally {
      await service.stop();
    }
  });
});

describe('diskSpaceCheck (real volume)', () => {
  it('reports free bytes and ratio; DOWN below a minimum; DOWN (scrubbed) on a missing path', async () => {
    const app = await startApp([
      diskSpaceCheck(tmpdir(), { name: 'tmp', ttl: 0 }),
      diskSpaceCheck(tmpdir(), {
        name: 'huge-minimum',
        minFreeBytes: Number.MAX_SAFE_INTEGER,
        ttl: 0,
      }),
      diskSpaceCheck(tmpdir(), { name: 'all-free', minFreeRatio: 1, ttl: 0 }),
      diskSpaceCheck('/no/such/secret-dir', { name: 'missing', ttl: 0 }),
    ]);
    try {
      const { status, checks, body } = await app.details();
      expect(status).toBe(503);
      const [tmp, huge, all, missing] = checks;
      expect(tmp).toMatchObject({ status: 'UP', details: { minFreeRatio: 0.05 } });
      expect(Number(tmp?.details?.freeBytes)).toBeGreaterThan(0);
      expect(Number(tmp?.details?.totalBytes)).toBeGreaterThanOrEqual(
        Number(tmp?.details?.freeBytes),
      );
      expect(huge?.message).toMatch(/^free disk space [\d.]+ MB is below [\d.]+ MB$/);
      expect(all?.message).toMatch(/^free disk space [\d.]+% is below 100%$/);
      expect(missing).toMatchObject({ status: 'DOWN', details: { code: 'ENOENT' } });
      expect(body).not.toContain('secret-dir');
    } finally {
      await app.close();
    }
  });
});
