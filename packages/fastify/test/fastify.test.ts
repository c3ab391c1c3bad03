// @health/fastify beyond the conformance suite: Fastify specifics (decoration, encapsulation,
// prefixes, body parsing, HEAD routes, logging) and both shutdown directions, over real HTTP.
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createHealth, type Health, type HealthOptions, isHealth } from '@health/core';
import { type FastifyHealthOptions, healthPlugin } from '@health/fastify';
import { httpRequest } from '@health/test-utils';
import Fastify, {
  type FastifyInstance,
  type FastifyRegisterOptions,
  type FastifyServerOptions,
} from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';

const open: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of open.splice(0)) {
    app.server.closeAllConnections();
    await app.close();
  }
});

const quiet = (options: HealthOptions = {}): Health =>
  createHealth({ logger: false, ...options, shutdown: { exit: false, ...options.shutdown } });

async function listen(app: FastifyInstance): Promise<string> {
  open.push(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

async function serve(
  options: FastifyRegisterOptions<FastifyHealthOptions>,
  server: FastifyServerOptions = {},
  setup: (app: FastifyInstance) => void = () => {},
): Promise<{ app: FastifyInstance; base: string }> {
  const app = Fastify(server);
  await app.register(healthPlugin, options);
  app.get('/app/ok', async () => 'ok');
  setup(app);
  return { app, base: await listen(app) };
}

describe('@health/fastify', () => {
  it('creates the instance from health options and decorates fastify.health', async () => {
    const { app, base } = await serve({
      logger: false,
      startReady: true,
      paths: { health: '/healthz' },
    });
    expect(isHealth(app.health)).toBe(true);
    expect(app.health.state).toBe('UP');
    expect(app.health.paths.health).toBe('/healthz');
    const res = await httpRequest(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(res.body).toBe('{"status":"UP"}');
  });

  it("sends core's body and headers unchanged (no re-serialization), HEAD with GET's length", async () => {
    const health = quiet({
      format: 'health+json',
      showDetails: 'always',
      checks: [{ name: 'db', check: () => ({ status: 'UP', details: { note: 'ünïcödé ✓' } }) }],
    });
    health.markReady();
    const { base } = await serve({ health });
    const get = await httpRequest(`${base}/health/ready`);
    const expected = await health.handle({ method: 'GET', path: '/health/ready' });
    expect(get.status).toBe(200);
    expect(get.body).toBe(expected?.body);
    expect(get.headers['content-type']).toBe('application/health+json; charset=utf-8');
    expect(get.headers['content-length']).toBe(String(Buffer.byteLength(get.body)));
    expect(get.headers['cache-control']).toBe('no-store');
    const head = await httpRequest(`${base}/health/ready`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
  });

  it('passes the query string to core (visibility functions can read it)', async () => {
    const health = quiet({
      checks: [{ name: 'db', check: () => true }],
      showChecks: (request) => request.path.endsWith('?full'),
    });
    health.markReady();
    const { base } = await serve({ health });
    expect((await httpRequest(`${base}/health/ready`)).body).toBe('{"status":"UP"}');
    expect(JSON.parse((await httpRequest(`${base}/health/ready?full`)).body)).toEqual({
      status: 'UP',
      checks: [{ name: 'db', status: 'UP' }],
    });
  });

  it("passes the socket's peer address (not X-Forwarded-For) to visibility functions", async () => {
    const seen: (string | undefined)[] = [];
    const health = quiet({
      startReady: true,
      checks: [{ name: 'db', check: () => true }],
      showDetails: (request) => {
        seen.push(request.remoteAddress);
        return request.remoteAddress === '127.0.0.1';
      },
    });
    const { base } = await serve({ health }, { trustProxy: true });
    const res = await httpRequest(`${base}/health/ready`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(JSON.parse(res.body).checks[0]).toMatchObject({
      name: 'db',
      status: 'UP',
      critical: true,
    });
    expect(seen).toEqual(['127.0.0.1']);
  });

  it('answers 405 for any method and body, without Fastify body parsing getting in the way', async () => {
    const { base } = await serve({ health: quiet() });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const bodies = [
        ['application/json', '{not json'],
        ['application/xml', '<a/>'],
        ['application/octet-stream', 'x'.repeat(2 * 1024 * 1024)],
      ];
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
        for (const [type, body] of bodies) {
          const res = await send(`${base}/health`, method, type as string, body as string, agent);
          expect(res.status, `${method} ${type}`).toBe(405);
          expect(res.headers.allow).toBe('GET, HEAD');
        }
      }
      // The unread bodies did not poison the keep-alive socket.
      expect((await httpRequest(`${base}/app/ok`, { agent })).body).toBe('ok');
    } finally {
      agent.destroy();
    }
  });

  it("HEAD works with and without Fastify's exposeHeadRoutes, and app routes keep theirs", async () => {
    for (const exposeHeadRoutes of [true, false]) {
      const health = quiet({ startReady: true });
      const { base } = await serve({ health }, { exposeHeadRoutes });
      const head = await httpRequest(`${base}/health/live`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers['cache-control']).toBe('no-store');
      const appHead = await httpRequest(`${base}/app/ok`, { method: 'HEAD' });
      expect(appHead.status).toBe(exposeHeadRoutes ? 200 : 404);
    }
  });

  it('composes its prefix with an encapsulating prefix, and does not leak it to app routes', async () => {
    const app = Fastify();
    const health = quiet({ startReady: true });
    await app.register(
      async (api) => {
        await api.register(healthPlugin, { health, prefix: '/ops' });
        api.get('/ping', async () => 'pong');
        expect(api.health).toBe(health);
      },
      { prefix: '/api' },
    );
    const base = await listen(app);
    expect((await httpRequest(`${base}/api/ops/health/ready`)).status).toBe(200);
    expect((await httpRequest(`${base}/api/ping`)).body).toBe('pong');
    expect((await httpRequest(`${base}/ops/health/ready`)).status).toBe(404);
    expect((await httpRequest(`${base}/api/health/ready`)).status).toBe(404);
  });

  it('forwards logLevel to the probe routes only', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const { base } = await serve(
      { health: quiet({ startReady: true }), logLevel: 'warn' },
      { logger: { level: 'info', stream } },
    );
    await httpRequest(`${base}/health/ready`);
    await httpRequest(`${base}/app/ok`);
    const urls = lines.map((line) => JSON.parse(line).req?.url).filter(Boolean);
    expect(urls).toEqual(['/app/ok']);
  });

  it('refuses unclear options at registration', async () => {
    const both = Fastify();
    await expect(
      both.register(healthPlugin, { health: quiet(), startReady: true }).ready(),
    ).rejects.toThrow(
      '@health/fastify: option "health" (an instance) excludes the other health options (got startReady)',
    );
    await expect(
      Fastify()
        .register(healthPlugin, { health: {} as never })
        .ready(),
    ).rejects.toThrow('@health/fastify: option "health" must be an instance from createHealth()');
    const bad = Fastify();
    await expect(
      bad.register(healthPlugin, { logger: false, paths: { health: 'health' } }).ready(),
    ).rejects.toThrow(/paths\.health/);
  });

  describe('shutdown', () => {
    it('health.shutdown() drains, closes the server, then fastify.close() runs the onClose hooks', async () => {
      const health = quiet({ startReady: true, shutdown: { drainDelay: 200 } });
      const events: string[] = [];
      const { app, base } = await serve({ health }, {}, (app) =>
        app.addHook('onClose', async (instance) => {
          events.push(`onClose (listening: ${instance.server.listening})`);
        }),
      );
      health.onShutdown('db', () => {
        events.push('db closed');
      });
      const code = health.shutdown('test');
      expect((await httpRequest(`${base}/health/ready`)).status).toBe(503);
      expect((await httpRequest(`${base}/app/ok`)).status).toBe(200);
      expect(await code).toBe(0);
      expect(events).toEqual(['onClose (listening: false)', 'db closed']);
      expect(health.state).toBe('DOWN');
      await expect(httpRequest(`${base}/health/live`, { timeout: 2_000 })).rejects.toThrow();
      await app.close(); // still fine afterwards
    });

    it('fastify.close() alone runs health.shutdown() (hooks, DOWN) without recursion or a drain', async () => {
      const health = quiet({
        startReady: true,
        shutdown: { drainDelay: 5_000, hookTimeout: 5_000 },
      });
      const events: string[] = [];
      const { app } = await serve({ health }, {}, (app) =>
        app.addHook('onClose', async () => {
          events.push('onClose');
        }),
      );
      health.onShutdown('db', () => {
        events.push('db closed');
      });
      const started = performance.now();
      await app.close();
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(health.state).toBe('DOWN');
      expect(events).toEqual(['onClose', 'db closed']);
      expect(await health.shutdown()).toBe(0);
    });

    it('a real SIGTERM drains, runs onClose and health hooks, and exits 0', async () => {
      const fixture = fileURLToPath(new URL('./fixtures/sigterm-app.ts', import.meta.url));
      const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
        cwd: repoRoot, // tsx resolves @health/* to sources through the root tsconfig paths
        env: {
          ...process.env,
          DRAIN_DELAY_MS: '300',
          TSX_TSCONFIG_PATH: `${repoRoot}tsconfig.json`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const base = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          const match = /listening on (\S+)/.exec(stdout);
          if (match) resolve(match[1] as string);
        });
        child.on('exit', () => reject(new Error(`fixture exited early: ${stderr}`)));
      });
      expect((await httpRequest(`${base}/health/ready`)).status).toBe(200);
      const slow = httpRequest(`${base}/app/slow`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await httpRequest(`${base}/health/ready`)).status).toBe(503);
      expect((await slow).body).toBe('slow');
      expect(await exited).toBe(0);
      expect(stdout).toMatch(/fastify onClose\n(.*\n)*db closed\n/);
    });
  });
});

function send(url: string, method: string, type: string, body: string, agent: http.Agent) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: { 'content-type': type, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
