import { afterEach, describe, expect, it } from 'vitest';
import { createHealth, type Health, type HealthOptions, isPending, up } from '../src/index.js';

const made: Health[] = [];
function make(options: HealthOptions = {}) {
  const health = createHealth({ logger: false, startReady: true, ...options });
  made.push(health);
  return health;
}
afterEach(() => {
  for (const health of made.splice(0)) health.close();
});

describe('the HTTP seam', () => {
  it('returns undefined synchronously for paths that are not health routes', () => {
    const health = make();
    for (const path of [
      '/',
      '/healthz',
      '/health/',
      '/health/ready/',
      '//health',
      '/Health',
      '/health%2Fready',
      '/app',
    ]) {
      expect(health.handle({ method: 'GET', path }), path).toBeUndefined();
    }
  });

  it('answers the default paths, ignoring the query string', async () => {
    const health = make();
    for (const path of [
      '/health',
      '/health/live',
      '/health/ready',
      '/health/started',
      '/health/ready?x=1',
    ]) {
      const res = await health.handle({ method: 'GET', path });
      expect(res?.status, path).toBe(200);
      expect(res?.body).toBe('{"status":"UP"}');
      expect(res?.headers).toMatchObject({
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'content-length': '15',
      });
    }
  });

  it('HEAD has the same status and headers and no body; method case is ignored', async () => {
    const health = make();
    const get = await health.handle({ method: 'GET', path: '/health' });
    const head = await health.handle({ method: 'head', path: '/health' });
    expect(head?.status).toBe(200);
    expect(head?.body).toBe('');
    expect(head?.headers).toEqual(get?.headers);
  });

  it('answers other methods with 405 and Allow', async () => {
    const health = make();
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'GETX', '']) {
      const res = await health.handle({ method, path: '/health/ready' });
      expect(res?.status, method).toBe(405);
      expect(res?.headers.allow).toBe('GET, HEAD');
      expect(JSON.parse(res?.body ?? '')).toEqual({ error: 'Method Not Allowed' });
      expect(res?.headers['content-length']).toBe(String(Buffer.byteLength(res?.body ?? '')));
    }
  });

  it('serves custom paths, e.g. the source document form', async () => {
    const health = make({
      paths: { health: '/health', liveness: '/liveness', readiness: false, startup: false },
    });
    expect((await health.handle({ method: 'GET', path: '/liveness' }))?.status).toBe(200);
    expect(health.handle({ method: 'GET', path: '/health/ready' })).toBeUndefined();
    expect(health.paths).toEqual({ health: '/health', liveness: '/liveness' });
  });

  it('hides checks and details by default', async () => {
    const health = make({
      checks: [
        {
          name: 'db',
          check: () => {
            throw new Error('ECONNREFUSED 10.0.0.7:5432 user=admin');
          },
        },
      ],
    });
    const res = await health.handle({ method: 'GET', path: '/health/ready' });
    expect(res?.status).toBe(503);
    expect(res?.body).toBe('{"status":"DOWN"}');
  });

  it('shows check names with showChecks, details with showDetails (per request)', async () => {
    const health = make({
      checks: [{ name: 'db', check: () => up({ latencyMs: 3 }) }],
      showChecks: 'always',
      showDetails: (req) => req.headers?.authorization === 'Bearer ops',
    });
    const plain = await health.handle({ method: 'GET', path: '/health/ready' });
    expect(JSON.parse(plain?.body ?? '')).toEqual({
      status: 'UP',
      checks: [{ name: 'db', status: 'UP' }],
    });
    const detailed = await health.handle({
      method: 'GET',
      path: '/health/ready',
      headers: { authorization: 'Bearer ops' },
    });
    const body = JSON.parse(detailed?.body ?? '');
    expect(body).toMatchObject({
      status: 'UP',
      state: 'UP',
      checks: [{ name: 'db', status: 'UP', critical: true, details: { latencyMs: 3 } }],
    });
    expect(typeof body.checks[0].durationMs).toBe('number');
  });

  it('a throwing visibility function hides details', async () => {
    const health = make({
      checks: [{ name: 'db', check: () => true }],
      showDetails: () => {
        throw new Error('auth service down');
      },
    });
    expect((await health.handle({ method: 'GET', path: '/health/ready' }))?.body).toBe(
      '{"status":"UP"}',
    );
  });

  it('never shows a stack trace', async () => {
    const health = make({
      checks: [
        {
          name: 'db',
          check: () => {
            throw new Error('boom');
          },
        },
      ],
      showDetails: 'always',
    });
    const res = await health.handle({ method: 'GET', path: '/health/ready' });
    expect(res?.body).toContain('boom');
    expect(res?.body).not.toMatch(/\bat .*\(/);
    expect(res?.body).not.toContain('engine.ts');
  });

  it('reuses the serialized body while the results are unchanged', async () => {
    const health = make({ checks: [{ name: 'db', check: () => true, ttl: 60_000 }] });
    const first = await health.handle({ method: 'GET', path: '/health/ready' });
    const second = await health.handle({ method: 'GET', path: '/health/ready' });
    expect(second).toBe(first);
    health.transition('STOPPING');
    const third = await health.handle({ method: 'GET', path: '/health/ready' });
    expect(third).not.toBe(first);
    expect(third?.status).toBe(503);
    expect(third?.headers.connection).toBe('close');
  });

  it('respond() answers synchronously when every result is cached, and waits only when a check runs', async () => {
    const health = make({ checks: [{ name: 'db', check: async () => true, ttl: 60_000 }] });
    expect(health.respond({ method: 'GET', path: '/nope' })).toBeUndefined();
    expect(isPending(health.respond({ method: 'POST', path: '/health' }) as never)).toBe(false);
    const first = health.respond({ method: 'GET', path: '/health/ready' });
    expect(first !== undefined && isPending(first)).toBe(true); // the check has to run once
    expect((await first)?.status).toBe(200);
    const cached = health.respond({ method: 'GET', path: '/health/ready' });
    expect(cached !== undefined && isPending(cached)).toBe(false);
    expect(cached).toBe(await first);
    const live = health.respond({ method: 'HEAD', path: '/health/live' }); // no liveness checks
    expect(live !== undefined && !isPending(live) && live.body).toBe('');
  });

  it('speaks application/health+json when asked', async () => {
    const health = make({
      format: 'health+json',
      showDetails: 'always',
      checks: [
        { name: 'db', check: () => true },
        { name: 'cache', critical: false, check: () => false },
      ],
    });
    const res = await health.handle({ method: 'GET', path: '/health/ready' });
    expect(res?.status).toBe(200);
    expect(res?.headers['content-type']).toBe('application/health+json; charset=utf-8');
    const body = JSON.parse(res?.body ?? '');
    expect(body.status).toBe('warn');
    expect(body.checks.db[0].status).toBe('pass');
    expect(body.checks.cache[0]).toMatchObject({
      status: 'warn',
      output: 'check returned false',
      observedUnit: 'ms',
    });
  });

  it('counts content-length in bytes for non-ASCII details', async () => {
    const health = make({
      showDetails: 'always',
      checks: [{ name: 'db', check: () => ({ status: 'UP', details: { note: 'héllo ✓ 😀' } }) }],
    });
    const res = await health.handle({ method: 'GET', path: '/health/ready' });
    expect(res?.headers['content-length']).toBe(String(Buffer.byteLength(res?.body ?? '')));
  });
});
