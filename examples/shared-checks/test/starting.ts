/**
 * The STARTING contract every example meets, proven on the real process: a prober samples
 * liveness, readiness and startup every 100 ms from process start until readiness is 200. Once
 * the port opens, every probe is answered within 1 s; readiness/startup 503 and liveness 200 are
 * seen before UP; the service's own longest event-loop stall during start is < 1 s.
 */
import { request } from 'node:http';
import { createServer } from 'node:net';
import { killServices, startService } from '@health/test-utils';
import { afterAll, expect, it } from 'vitest';

interface Sample {
  at: number;
  path: string;
  status: number | 'refused' | 'timeout' | 'error';
  latency: number;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });

function probe(port: number, path: string, t0: number): Promise<Sample> {
  const start = Date.now();
  return new Promise((resolve) => {
    const done = (status: Sample['status']) =>
      resolve({ at: start - t0, path, status, latency: Date.now() - start });
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 1_000 }, (res) => {
      res.resume().once('end', () => done(res.statusCode ?? 0));
    });
    req.once('timeout', () => {
      done('timeout');
      req.destroy();
    });
    req.once('error', (error: NodeJS.ErrnoException) =>
      done(error.code === 'ECONNREFUSED' ? 'refused' : 'error'),
    );
    req.end();
  });
}

export function runStartingContract(
  name: string,
  entry: string,
  env: Record<string, string> = {},
): void {
  afterAll(killServices);

  it(`${name}: answers liveness 200 and readiness/startup 503 within 1 s all through start-up`, async () => {
    const port = await freePort();
    const t0 = Date.now();
    const samples: Sample[] = [];
    let up = false;
    const inflight: Promise<unknown>[] = [];
    // Fire on the clock, never waiting for the previous answer: a stalled loop shows as latency.
    const timer = setInterval(() => {
      for (const path of ['/health/live', '/health/ready', '/health/started']) {
        inflight.push(
          probe(port, path, t0).then((sample) => {
            samples.push(sample);
            if (sample.path === '/health/ready' && sample.status === 200) up = true;
          }),
        );
      }
    }, 100);
    try {
      const service = await startService(entry, {
        env: { PORT: String(port), WARMUP_MS: '1500', DRAIN_DELAY_MS: '0', ...env },
        timeout: 45_000,
      });
      const stall = await service.waitForOutput(
        /longest event-loop stall during start: (\d+) ms/,
        45_000,
      );
      const deadline = Date.now() + 5_000;
      while (!up && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      clearInterval(timer);
      await Promise.all(inflight);
      samples.sort((a, b) => a.at - b.at);
      const opened = samples.findIndex((s) => typeof s.status === 'number');
      const firstUp = samples.findIndex((s) => s.path === '/health/ready' && s.status === 200);
      expect(opened, 'the port never opened').toBeGreaterThanOrEqual(0);
      expect(firstUp, 'readiness never answered 200').toBeGreaterThan(opened);
      const openedAt = samples[opened]?.at ?? 0;
      const answered = samples.slice(opened);
      const late = answered
        .filter((s) => typeof s.status !== 'number' || s.latency >= 1_000)
        .map((s) => `${s.path} ${s.status} at ${s.at} ms after ${s.latency} ms`);
      expect(late, 'probes unanswered within 1 s after the port opened').toEqual([]);
      const before = samples.slice(0, firstUp);
      const seen = (path: string, status: number) =>
        before.some((s) => s.path === path && s.status === status);
      expect(seen('/health/live', 200), 'liveness 200 before UP').toBe(true);
      expect(seen('/health/ready', 503), 'readiness 503 before UP').toBe(true);
      expect(seen('/health/started', 503), 'startup 503 before UP').toBe(true);
      const longestStall = Number(stall[1]);
      expect(longestStall).toBeLessThan(1_000);
      const maxLatency = Math.max(...answered.map((s) => s.latency));
      const starting = before.filter((s) => s.path === '/health/ready' && s.status === 503);
      console.log(
        `${name}: port open at ${openedAt} ms, UP at ${samples[firstUp]?.at} ms, ` +
          `${starting.length} readiness 503 samples, ${answered.length} probes answered, ` +
          `max probe latency ${maxLatency} ms, longest event-loop stall ${longestStall} ms`,
      );
      expect((await service.stop()).code).toBe(0);
    } finally {
      clearInterval(timer);
    }
  }, 60_000);
}
