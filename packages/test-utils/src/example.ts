/**
 * The contract every example service meets, written once: started as a real process it prints
 * one listening line, answers every probe and its business route, and on SIGTERM drains
 * (readiness 503, liveness 200, app still served with `Connection: close`) and exits 0.
 */
import { afterAll, expect, it } from 'vitest';
import { httpRequest } from './http.js';
import { killServices, startService } from './process.js';

export interface ExampleContract {
  /** Absolute path of the example's `src/main.ts`. */
  entry: string;
  /** Extra environment (e.g. `PLATFORM`). */
  env?: Record<string, string>;
  /** The business route and what its JSON body must contain. */
  business: { path: string; body: Record<string, unknown> };
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeout: number) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function runExampleContract(name: string, contract: ExampleContract): void {
  afterAll(killServices);

  it(`${name}: serves probes and its route, then drains and exits 0 on SIGTERM`, async () => {
    const service = await startService(contract.entry, {
      env: { DRAIN_DELAY_MS: '500', ...contract.env },
    });
    const base = service.baseUrl;
    expect(service.stdout().match(/listening on/g)).toHaveLength(1);

    const ready = await until(
      () => httpRequest(`${base}/health/ready`),
      (res) => res.status === 200,
      30_000, // PGlite's WASM start-up, on a machine running the rest of the suite
    );
    expect(ready.status).toBe(200);
    expect(ready.body).toBe('{"status":"UP"}');
    for (const path of ['/health', '/health/live', '/health/started']) {
      const res = await httpRequest(`${base}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    expect((await httpRequest(`${base}/health`, { method: 'POST' })).status).toBe(405);
    // Every example exposes @health/metrics on prom-client's registry, through its own framework.
    const metrics = await httpRequest(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.body).toContain('health_state{state="UP"} 1');
    expect(metrics.body).toMatch(
      /^health_check_status\{name="database",probe="readiness"[^}]*\} 1$/m,
    );
    expect(metrics.body).toMatch(
      /^health_probe_requests_total\{probe="readiness",code="200"\} \d+$/m,
    );
    const business = await httpRequest(`${base}${contract.business.path}`);
    expect(business.status).toBe(200);
    expect(JSON.parse(business.body)).toMatchObject(contract.business.body);

    service.child.kill('SIGTERM');
    const draining = await until(
      () => httpRequest(`${base}/health/ready`),
      (res) => res.status === 503,
      2_000,
    );
    expect(draining.status).toBe(503);
    expect((await httpRequest(`${base}/health/live`)).status).toBe(200);
    // Still serving while the load balancer catches up, and asking keep-alive clients to leave.
    const during = await httpRequest(`${base}${contract.business.path}`);
    expect(during.status).toBe(200);
    expect(during.headers.connection).toBe('close');
    const exit = await service.exited;
    expect({ ...exit, stderr: service.stderr() }).toEqual({ code: 0, signal: null, stderr: '' });
  });
}
