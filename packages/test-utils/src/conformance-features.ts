/**
 * Conformance rows for core's second step and the check contract, run by every adapter through
 * `runAdapterConformance`: what a check's return value means, groups and extra paths, per-check
 * routes, `?exclude`, `?verbose`, status mapping, thresholds, the probe deadline, the describe
 * endpoint, extension routes (plain and streaming) and `onResponse` — all over real HTTP.
 */
import http from 'node:http';
import { type CheckDefinition, down, type Health, type HealthOptions } from '@health/core';
import { describe, expect, it } from 'vitest';
import { httpRequest } from './http.js';

type Start = (
  options?: HealthOptions,
  prefix?: string,
  setup?: (health: Health) => void,
) => Promise<{ health: Health; url: (path: string) => string }>;

const always = { showDetails: 'always' } as const;
const byName = (body: string) =>
  Object.fromEntries(
    (JSON.parse(body).checks as { name: string; status: string }[]).map((c) => [c.name, c]),
  );

/** A check whose outcome the test sets run by run. */
function switchable(name: string, extra: Partial<CheckDefinition> = {}) {
  const state = { ok: true };
  const definition: CheckDefinition = {
    name,
    ttl: 0,
    failureTtl: 0,
    check: () => {
      if (!state.ok) throw new Error(`${name} is down`);
    },
    ...extra,
  };
  return { state, definition };
}

export function runFeatureConformance(start: Start): void {
  describe('the check contract: anything resolved is UP', () => {
    it('driver results, strings and Responses are UP; false, down() and throws are DOWN', async () => {
      const pgResult = { command: 'SELECT', rowCount: 1, rows: [{ one: 1 }], fields: [] };
      const { health, url } = await start({
        ...always,
        checks: [
          { name: 'pg-result', check: async () => pgResult },
          { name: 'pong', check: async () => 'PONG' },
          { name: 'response-500', check: async () => new Response('no', { status: 500 }) },
          { name: 'status-key', check: () => ({ status: 'DOWN', password: 'hunter2' }) },
          { name: 'undefined', check: () => undefined },
          { name: 'true', check: () => true },
          { name: 'false', check: () => false, critical: false },
          {
            name: 'explicit-down',
            check: () => down('queue backed up', { depth: 9 }),
            critical: false,
          },
          {
            name: 'non-error',
            critical: false,
            check: () => {
              throw 42;
            },
          },
        ],
      });
      health.markReady();
      const res = await httpRequest(url('/health/ready'));
      expect(res.status).toBe(200);
      const checks = byName(res.body);
      for (const name of ['pg-result', 'pong', 'response-500', 'status-key', 'undefined', 'true'])
        expect(checks[name], name).toMatchObject({ status: 'UP' });
      for (const name of ['false', 'explicit-down', 'non-error'])
        expect(checks[name], name).toMatchObject({ status: 'DOWN' });
      expect(checks['explicit-down']).toMatchObject({
        message: 'queue backed up',
        details: { depth: 9 },
      });
      // The resolved value never reaches the body.
      expect(res.body).not.toContain('hunter2');
      expect(res.body).not.toContain('rowCount');
    });
  });

  describe('groups, extra paths and per-check routes', () => {
    it('serves a group by tag on its path, and readiness on an extra path', async () => {
      const stripe = switchable('stripe', { tags: ['payments'] });
      const { health, url } = await start({
        checks: [stripe.definition, { name: 'db', check: () => true }],
        paths: { readiness: ['/health/ready', '/readyz'] },
        groups: { payments: { include: ['tag:payments'], paths: ['/health/payments'] } },
        showChecks: 'always',
      });
      health.markReady();
      expect(JSON.parse((await httpRequest(url('/health/payments'))).body)).toEqual({
        status: 'UP',
        checks: [{ name: 'stripe', status: 'UP' }],
      });
      expect((await httpRequest(url('/readyz'))).status).toBe(200);
      stripe.state.ok = false;
      expect((await httpRequest(url('/health/payments'))).status).toBe(503);
      expect((await httpRequest(url('/readyz'))).status).toBe(503);
      health.transition('STOPPING');
      expect((await httpRequest(url('/health/payments'))).status).toBe(503);
    });

    it('answers one check on /<probe>/<check>; an unknown name is a 404 from core', async () => {
      const { health, url } = await start({
        checks: [
          { name: 'db', check: () => true },
          { name: 'cache', check: () => false },
        ],
      });
      health.markReady();
      expect((await httpRequest(url('/health/ready/db'))).status).toBe(200);
      expect((await httpRequest(url('/health/ready/cache'))).status).toBe(503);
      const unknown = await httpRequest(url('/health/ready/nope'));
      expect(unknown.status).toBe(404);
      expect(unknown.body).not.toContain('db');
      // A check that is not on the probe is unknown there too.
      expect((await httpRequest(url('/health/live/db'))).status).toBe(404);
      // A name that decodes to a path is never a check: a 404 (core's or the framework's), no hang.
      expect((await httpRequest(url('/health/ready/a%2Fb'), { timeout: 3_000 })).status).toBe(404);
    });
  });

  describe('the query: ?exclude and ?verbose', () => {
    it('?exclude leaves a check out; an unknown name is noted where details show', async () => {
      const { health, url } = await start({
        ...always,
        checks: [
          { name: 'db', check: () => true },
          { name: 'cache', check: () => false },
        ],
      });
      health.markReady();
      expect((await httpRequest(url('/health/ready'))).status).toBe(503);
      const excluded = await httpRequest(url('/health/ready?exclude=cache&exclude=ghost'));
      expect(excluded.status).toBe(200);
      const body = JSON.parse(excluded.body);
      expect(body.checks.map((c: { name: string }) => c.name)).toEqual(['db']);
      expect(body.excluded).toEqual(['cache']);
      expect(body.warnings.join(' ')).toContain('ghost');
    });

    it('?verbose answers kube-apiserver text, reasons only where details show', async () => {
      const open = await start({
        ...always,
        checks: [
          { name: 'db', check: () => true },
          { name: 'cache', check: () => down('connection refused'), critical: false },
        ],
      });
      open.health.markReady();
      const res = await httpRequest(open.url('/health/ready?verbose'));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toBe('[+]db ok\n[-]cache failed: connection refused\nreadyz check passed\n');
      const hidden = await start({
        showChecks: 'always',
        checks: [{ name: 'cache', check: () => down('secret reason') }],
      });
      hidden.health.markReady();
      const text = (await httpRequest(hidden.url('/health/ready?verbose'))).body;
      expect(text).toBe('[-]cache failed: reason withheld\nreadyz check failed\n');
    });
  });

  describe('check semantics over HTTP', () => {
    it('statusCodes map UP / DEGRADED / DOWN per probe', async () => {
      const { health, url } = await start({
        statusCodes: { readiness: { DEGRADED: 207, DOWN: 500 } },
        checks: [{ name: 'cache', check: () => false, critical: false }],
      });
      health.markReady();
      expect((await httpRequest(url('/health/ready'))).status).toBe(207);
      health.addCheck({ name: 'db', check: () => false });
      expect((await httpRequest(url('/health/ready'))).status).toBe(500);
      expect((await httpRequest(url('/health'))).status).toBe(503);
    });

    it('failureThreshold: DOWN only after N failures in a row; successThreshold to come back', async () => {
      const db = switchable('db', { failureThreshold: 2, successThreshold: 2 });
      const { health, url } = await start({ ...always, checks: [db.definition] });
      health.markReady();
      const probe = () => httpRequest(url('/health/ready'));
      expect((await probe()).status).toBe(200);
      db.state.ok = false;
      const first = await probe();
      expect(first.status).toBe(200);
      expect(byName(first.body).db).toMatchObject({ status: 'UP', consecutiveFailures: 1 });
      expect((await probe()).status).toBe(503);
      db.state.ok = true;
      expect((await probe()).status).toBe(503);
      expect((await probe()).status).toBe(200);
    });

    it('one deadline per probe: ten slow checks still answer within probeDeadline', async () => {
      const slow = Array.from({ length: 10 }, (_, i) => ({
        name: `slow-${i}`,
        timeout: 5_000,
        check: () => new Promise<void>((resolve) => setTimeout(resolve, 3_000)),
      }));
      const { health, url } = await start({ ...always, probeDeadline: 300, checks: slow });
      health.markReady();
      const res = await httpRequest(url('/health/ready'), { timeout: 5_000 });
      expect(res.status).toBe(503);
      expect(res.ms).toBeLessThan(1_500);
      expect(byName(res.body)['slow-0']).toMatchObject({ status: 'DOWN', timedOut: true });
    });
  });

  describe('routes on top of core', () => {
    it('describePath answers the configuration to loopback callers', async () => {
      const { health, url } = await start({
        describePath: '/health/config',
        checks: [{ name: 'db', check: () => true, dependency: true, tags: ['sql'] }],
      });
      health.markReady();
      const res = await httpRequest(url('/health/config'));
      expect(res.status).toBe(200);
      const description = JSON.parse(res.body);
      expect(description).toMatchObject({ version: 1, state: 'UP', probeDeadline: 800 });
      expect(description.checks[0]).toMatchObject({ name: 'db', dependency: true, tags: ['sql'] });
      expect(description.paths.readiness).toEqual(['/health/ready']);
    });

    it('extension routes answer through the adapter, streams included, and onResponse counts probes', async () => {
      const seen: string[] = [];
      let closed = 0;
      const { health, url } = await start({}, undefined, (h) => {
        h.addRoute({
          path: '/health/page',
          handle: () => ({
            status: 200,
            headers: { 'content-type': 'text/html' },
            body: '<p>ok</p>',
          }),
        });
        h.addRoute({
          path: '/health/stream',
          handle: () => ({
            status: 200,
            headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' },
            body: '',
            stream: (sink) => {
              sink.onClose(() => closed++);
              sink.write('data: hello\n\n');
            },
          }),
        });
        h.onResponse((route, status) => seen.push(`${route.kind}:${route.name}:${status}`));
      });
      health.markReady();
      const page = await httpRequest(url('/health/page'));
      expect(page.status).toBe(200);
      expect(page.body).toBe('<p>ok</p>');
      const first = openStream(url('/health/stream'));
      expect(await first.first).toEqual({ type: 'text/event-stream', chunk: 'data: hello\n\n' });
      first.close();
      await until(() => closed === 1);
      await httpRequest(url('/health/ready'));
      await httpRequest(url('/health/ready/none'));
      expect(seen).toEqual(['probe:readiness:200']);
      // An open stream does not hold shutdown: core ends it before servers close. An EventSource
      // reconnects at once, on a kept-alive socket: that stream is ended too, and the exit is clean.
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      expect((await httpRequest(url('/health/page'), { agent })).status).toBe(200);
      const held = openStream(url('/health/stream'));
      await held.first;
      const shutdown = health.shutdown('test');
      await held.ended;
      const reopened = new Promise<string>((resolve) => {
        const req = http.get(url('/health/stream'), { agent }, (res) => {
          res.resume();
          res.once('end', () => resolve('ended'));
        });
        req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      expect(await shutdown).toBe(0);
      expect(await reopened).toMatch(/^(ended|ECONNREFUSED|ECONNRESET)$/);
      agent.destroy();
      expect(closed).toBeGreaterThanOrEqual(2);
    });
  });
}

/** Opens a streaming GET: its first chunk, its end (the server ended it), and a way to leave. */
function openStream(url: string) {
  let close = () => {};
  let ended!: Promise<void>;
  const first = new Promise<{ type: string | undefined; chunk: string }>((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      ended = new Promise((done) => res.once('end', done));
      res.once('data', (chunk: Buffer) =>
        resolve({ type: res.headers['content-type'], chunk: chunk.toString('utf8') }),
      );
    });
    close = () => req.destroy();
    req.setTimeout(5_000, () => req.destroy(new Error('no first chunk within 5 s')));
    req.on('error', (error) => {
      if (!req.destroyed) reject(error);
    });
  });
  return {
    first,
    close: () => close(),
    get ended() {
      return ended;
    },
  };
}

async function until(condition: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
