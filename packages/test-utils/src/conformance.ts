/**
 * The adapter conformance suite: the expected behaviour of every adapter, written once.
 * Each adapter's test only builds a harness (a real app on a real listening server) and calls
 * `runAdapterConformance(name, makeHarness)`; the suite talks to it over real HTTP.
 */
import http from 'node:http';
import {
  type CheckDefinition,
  createHealth,
  type Health,
  type HealthOptions,
  LIFECYCLE_STATES,
  type LifecycleState,
  PROBES,
  type Probe,
  STATUS_TABLE,
  up,
} from '@health/core';
import { afterEach, describe, expect, it } from 'vitest';
import { runFeatureConformance } from './conformance-features.js';
import { httpRequest } from './http.js';

export interface HarnessOptions {
  /** The health instance to mount (created by the suite with `logger: false`, `shutdown.exit: false`). */
  health: Health;
  /** Mount the health routes under this prefix (e.g. `/ops`); app routes stay unprefixed. */
  prefix?: string;
}

export interface AdapterHarness {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  baseUrl: string;
  /** Closes everything the harness started. Idempotent; must work after `health.shutdown()`. */
  close(): Promise<void>;
}

/**
 * Builds a real app of the adapter's framework listening on 127.0.0.1:0, with the adapter
 * mounted (at `prefix`), shutdown wired as the adapter's README says (so `health.shutdown()`
 * drains the server), and two app routes: `GET /app/ok` → 200 `ok`, `GET /app/slow?ms=N` → 200
 * `slow` after N ms.
 */
export type MakeHarness = (options: HarnessOptions) => Promise<AdapterHarness>;

const DEFAULT_PATHS: Record<Probe, string> = {
  health: '/health',
  liveness: '/health/live',
  readiness: '/health/ready',
  startup: '/health/started',
};

const passing = (name: string, extra: Partial<CheckDefinition> = {}): CheckDefinition => ({
  name,
  check: () => up({ answer: 42 }),
  ...extra,
});
const failing = (
  name: string,
  message: string,
  extra: Partial<CheckDefinition> = {},
): CheckDefinition => ({
  name,
  check: () => {
    throw new Error(message);
  },
  ...extra,
});

function moveTo(health: Health, state: LifecycleState): void {
  if (state === 'UP') health.markReady();
  if (state === 'STOPPING') health.transition('STOPPING', 'test');
  if (state === 'DOWN') {
    health.transition('STOPPING', 'test');
    health.transition('DOWN', 'test');
  }
  if (state === 'ERRORED') health.markErrored(new Error('test fault'));
}

export function runAdapterConformance(name: string, makeHarness: MakeHarness): void {
  describe(`${name}: adapter conformance`, () => {
    const open: { health: Health; harness: AdapterHarness }[] = [];

    async function start(
      options: HealthOptions = {},
      prefix?: string,
      setup?: (health: Health) => void,
    ) {
      const health = createHealth({
        logger: false,
        ...options,
        shutdown: { exit: false, ...options.shutdown },
      });
      setup?.(health);
      const harness = await makeHarness(prefix === undefined ? { health } : { health, prefix });
      open.push({ health, harness });
      const url = (path: string) => `${harness.baseUrl}${prefix ?? ''}${path}`;
      return { health, harness, url };
    }

    afterEach(async () => {
      for (const { health, harness } of open.splice(0)) {
        health.close();
        await harness.close();
      }
    });

    runFeatureConformance(start);

    describe('every state through every endpoint', () => {
      for (const state of LIFECYCLE_STATES) {
        it(`${state}: status codes follow the state table`, async () => {
          const { health, url } = await start({
            checks: [passing('db'), passing('loop', { probes: ['liveness'] })],
          });
          moveTo(health, state);
          expect(health.state).toBe(state);
          for (const probe of PROBES) {
            const res = await httpRequest(url(DEFAULT_PATHS[probe]));
            const expected = STATUS_TABLE[state][probe];
            expect(res.status, `${state} ${probe}`).toBe(expected);
            expect(JSON.parse(res.body)).toEqual({ status: expected === 200 ? 'UP' : 'DOWN' });
            expect(res.headers['content-type']).toMatch(/^application\/json/);
            expect(res.headers['cache-control']).toBe('no-store');
          }
        });
      }
    });

    it('HEAD answers like GET without a body', async () => {
      const { health, url } = await start({ checks: [passing('db')] });
      health.markReady();
      const get = await httpRequest(url('/health/ready'));
      const head = await httpRequest(url('/health/ready'), { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
      expect(head.headers['content-type']).toBe(get.headers['content-type']);
      expect(head.headers['cache-control']).toBe('no-store');
      health.transition('STOPPING');
      expect((await httpRequest(url('/health/ready'), { method: 'HEAD' })).status).toBe(503);
    });

    it('other methods get 405 with Allow', async () => {
      const { health, url } = await start();
      health.markReady();
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
        const res = await httpRequest(url('/health'), { method });
        expect(res.status, method).toBe(405);
        expect(res.headers.allow).toBe('GET, HEAD');
      }
    });

    it('passes other routes on to the app', async () => {
      const { health, harness } = await start();
      health.markReady();
      const ok = await httpRequest(`${harness.baseUrl}/app/ok`);
      expect(ok.status).toBe(200);
      expect(ok.body).toBe('ok');
      const unknown = await httpRequest(`${harness.baseUrl}/health/unknown`);
      expect(unknown.status).toBe(404);
    });

    it('serves custom paths and only those', async () => {
      const { health, harness } = await start({
        paths: { health: '/healthz', liveness: '/livez', readiness: '/readyz', startup: false },
      });
      health.markReady();
      expect((await httpRequest(`${harness.baseUrl}/readyz`)).status).toBe(200);
      expect((await httpRequest(`${harness.baseUrl}/livez`)).status).toBe(200);
      expect((await httpRequest(`${harness.baseUrl}/healthz`)).status).toBe(200);
      expect((await httpRequest(`${harness.baseUrl}/health/ready`)).status).toBe(404);
      expect((await httpRequest(`${harness.baseUrl}/health/started`)).status).toBe(404);
    });

    it('mounts under a prefix', async () => {
      const { health, harness, url } = await start({}, '/ops');
      health.markReady();
      expect((await httpRequest(url('/health/ready'))).status).toBe(200);
      expect((await httpRequest(url('/health/live'))).status).toBe(200);
      expect((await httpRequest(`${harness.baseUrl}/health/ready`)).status).toBe(404);
      expect((await httpRequest(`${harness.baseUrl}/app/ok`)).status).toBe(200);
    });

    it('hides check names, messages and details by default', async () => {
      const { health, url } = await start({
        checks: [failing('db', 'connect ECONNREFUSED db.internal:5432 password=hunter2')],
      });
      health.markReady();
      const res = await httpRequest(url('/health/ready'));
      expect(res.status).toBe(503);
      expect(res.body).toBe('{"status":"DOWN"}');
    });

    it('shows details only where allowed, never credentials or stacks', async () => {
      const { health, url } = await start({
        checks: [failing('db', 'cannot reach postgres://app:hunter2@db.internal:5432/app')],
        showDetails: (request) => request.headers?.['x-health-token'] === 'let-me-in',
      });
      health.markReady();
      expect((await httpRequest(url('/health/ready'))).body).toBe('{"status":"DOWN"}');
      const res = await httpRequest(url('/health/ready'), {
        headers: { 'x-health-token': 'let-me-in' },
      });
      expect(res.status).toBe(503);
      const body = JSON.parse(res.body);
      expect(body.checks[0]).toMatchObject({ name: 'db', status: 'DOWN' });
      expect(body.checks[0].message).toContain('cannot reach');
      expect(res.body).not.toContain('hunter2');
      expect(res.body).not.toContain('    at ');
    });

    it('a failing critical check fails the probe; a non-critical one only shows', async () => {
      const critical = await start({ checks: [failing('db', 'down')] });
      critical.health.markReady();
      expect((await httpRequest(critical.url('/health/ready'))).status).toBe(503);
      expect((await httpRequest(critical.url('/health/live'))).status).toBe(200);
      expect((await httpRequest(critical.url('/health'))).status).toBe(503);

      const optional = await start({
        checks: [passing('db'), failing('cache', 'down', { critical: false })],
        showChecks: 'always',
      });
      optional.health.markReady();
      const res = await httpRequest(optional.url('/health/ready'));
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({
        status: 'UP',
        checks: [
          { name: 'db', status: 'UP' },
          { name: 'cache', status: 'DOWN' },
        ],
      });
    });

    it('answers a hanging check in bounded time', async () => {
      const { health, url } = await start({
        checks: [{ name: 'hangs', timeout: 200, check: () => new Promise<void>(() => {}) }],
      });
      health.markReady();
      const res = await httpRequest(url('/health/ready'), { timeout: 5_000 });
      expect(res.status).toBe(503);
      expect(res.ms).toBeLessThan(2_000);
    });

    it('asks keep-alive clients to close while stopping, on health and app routes', async () => {
      const { health, harness, url } = await start({ shutdown: { drainDelay: 1_500 } });
      health.markReady();
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const before = await httpRequest(url('/health/ready'), { agent });
        expect(before.status).toBe(200);
        expect(before.headers.connection).not.toBe('close');
        const stopping = health.shutdown('test');
        const probe = await httpRequest(url('/health/ready'), { agent });
        expect(probe.status).toBe(503);
        expect(probe.headers.connection).toBe('close');
        const app = await httpRequest(`${harness.baseUrl}/app/ok`, { agent });
        expect(app.status).toBe(200);
        expect(app.headers.connection).toBe('close');
        expect(await stopping).toBe(0);
      } finally {
        agent.destroy();
      }
    });

    it('shuts down gracefully: drains, finishes in-flight requests, then refuses', async () => {
      const { health, harness, url } = await start({
        shutdown: { drainDelay: 300, serverCloseTimeout: 5_000 },
      });
      health.markReady();
      const changes: string[] = [];
      health.onStateChange((change) => changes.push(change.to));
      const inFlight = httpRequest(`${harness.baseUrl}/app/slow?ms=1000`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const stopping = health.shutdown('test');
      const duringDrain = await httpRequest(url('/health/ready'));
      expect(duringDrain.status).toBe(503);
      expect((await httpRequest(url('/health/live'))).status).toBe(200);
      const slow = await inFlight;
      expect(slow.status).toBe(200);
      expect(slow.body).toBe('slow');
      expect(await stopping).toBe(0);
      expect(changes).toEqual(['STOPPING', 'DOWN']);
      await expect(httpRequest(url('/health/ready'), { timeout: 2_000 })).rejects.toThrow();
    });

    it('ends through the exit hook: shutdown.exit(code) after a held exit is released, checks disposed', async () => {
      const codes: number[] = [];
      let disposed = 0;
      const { health, url } = await start({
        checks: [{ name: 'db', check: () => true, dispose: () => void disposed++ }],
        shutdown: { drainDelay: 0, serverCloseTimeout: 5_000, exit: (code) => codes.push(code) },
      });
      health.markReady();
      expect((await httpRequest(url('/health/ready'))).status).toBe(200);
      // An adapter (or the app) that finishes its own shutdown after core's holds the exit.
      const release = health.holdExit();
      expect(await health.shutdown('test')).toBe(0);
      expect(disposed).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(codes).toEqual([]);
      expect(release()).toBe(true);
      const deadline = Date.now() + 2_000;
      while (codes.length === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(codes).toEqual([0]);
    });
  });
}
