// @health/koa on real Koa 3 and Koa 2 apps over real HTTP: the conformance suite (prefix mounts
// through koa-mount) plus what is specific to Koa (HEAD length, @koa/router, upstream middleware).
import { once } from 'node:events';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createHealth, type Health } from '@health/core';
import { healthMiddleware } from '@health/koa';
import { httpRequest, type MakeHarness, runAdapterConformance } from '@health/test-utils';
import Router from '@koa/router';
import Koa from 'koa';
import mount from 'koa-mount';
import Koa2 from 'koa-v2';
import { afterEach, describe, expect, it } from 'vitest';

/** Listens on 127.0.0.1:0 and registers the server with health, as the README says. */
async function listen(server: Server, health: Health) {
  health.addServer(server);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

runAdapterConformance('koa 3', async ({ health, prefix }) => {
  const app = new Koa();
  app.use(prefix ? mount(prefix, healthMiddleware(health)) : healthMiddleware(health));
  const router = new Router();
  router.get('/app/ok', (ctx) => {
    ctx.body = 'ok';
  });
  router.get('/app/slow', async (ctx) => {
    await sleep(Number(ctx.query.ms));
    ctx.body = 'slow';
  });
  app.use(router.routes()).use(router.allowedMethods());
  return listen(app.listen(0, '127.0.0.1'), health);
});

// The floor of the declared peer range (`^2.0.0`): Koa 2.0.1 from 2016, untyped.
const Koa2Floor = createRequire(import.meta.url)('koa-v2-floor') as typeof Koa2;

const koa2Harness =
  (KoaApp: typeof Koa2): MakeHarness =>
  async ({ health, prefix }) => {
    const app = new KoaApp();
    // koa-mount is typed against Koa 3; at run time it mounts Koa 2 middleware the same way.
    app.use(
      prefix
        ? (mount(prefix, healthMiddleware(health)) as unknown as Koa2.Middleware)
        : healthMiddleware(health),
    );
    app.use(async (ctx) => {
      if (ctx.path === '/app/ok') ctx.body = 'ok';
      if (ctx.path === '/app/slow') {
        await sleep(Number(ctx.query.ms));
        ctx.body = 'slow';
      }
    });
    return listen(app.listen(0, '127.0.0.1'), health);
  };
runAdapterConformance('koa 2', koa2Harness(Koa2));
runAdapterConformance('koa 2.0.1 (peer range floor)', koa2Harness(Koa2Floor));

for (const [major, KoaApp] of [
  ['koa 3', Koa],
  ['koa 2', Koa2 as unknown as typeof Koa],
] as const) {
  describe(`${major}: healthMiddleware`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });
    async function serve(app: Pick<Koa, 'listen'>, health: Health) {
      const server = await listen(app.listen(0, '127.0.0.1'), health);
      cleanups.push(async () => {
        health.close();
        await server.close();
      });
      return server.baseUrl;
    }

    it('creates the health instance from options and exposes it', async () => {
      const middleware = healthMiddleware({
        startReady: true,
        logger: false,
        paths: { health: '/healthz' },
      });
      const base = await serve(new KoaApp().use(middleware), middleware.health);
      expect(middleware.health.state).toBe('UP');
      const res = await httpRequest(`${base}/healthz`);
      expect(res.status).toBe(200);
      expect(res.body).toBe('{"status":"UP"}');
    });

    it('HEAD keeps the GET content-length and JSON type, not the ones Koa derives', async () => {
      const health = createHealth({
        logger: false,
        showChecks: 'always',
        checks: [{ name: 'db', check: () => true }],
      });
      health.markReady();
      const base = await serve(new KoaApp().use(healthMiddleware(health)), health);
      for (const path of ['/health', '/health/ready?verbose']) {
        const get = await httpRequest(`${base}${path}`);
        const head = await httpRequest(`${base}${path}`, { method: 'HEAD' });
        expect(get.headers['content-length']).toBe(String(Buffer.byteLength(get.body)));
        expect(head.status).toBe(get.status);
        expect(head.body).toBe('');
        expect(head.headers['content-length']).toBe(get.headers['content-length']);
        expect(head.headers['content-type']).toBe('application/json; charset=utf-8');
      }
    });

    it('gives Visibility functions the socket peer address, not forwarded headers', async () => {
      const health = createHealth({
        logger: false,
        startReady: true,
        checks: [{ name: 'db', check: () => true }],
        showDetails: (request) => request.remoteAddress === '127.0.0.1',
        showChecks: (request) => request.remoteAddress === '10.0.0.1',
      });
      const base = await serve(new KoaApp().use(healthMiddleware(health)), health);
      const res = await httpRequest(`${base}/health/ready`, {
        headers: { 'x-forwarded-for': '10.0.0.1' },
      });
      expect(JSON.parse(res.body)).toMatchObject({
        state: 'UP',
        checks: [{ name: 'db', critical: true }],
      });
    });

    it('upstream middleware sees the status it set; other requests reach downstream middleware', async () => {
      const health = createHealth({ logger: false });
      const seen: string[] = [];
      const app = new KoaApp();
      app.use(async (ctx, next) => {
        await next();
        seen.push(`${ctx.method} ${ctx.path} ${ctx.status}`);
      });
      app.use(healthMiddleware(health));
      app.use((ctx) => {
        ctx.status = 201;
        ctx.body = 'downstream';
      });
      const base = await serve(app, health);
      expect((await httpRequest(`${base}/health/ready`)).status).toBe(503);
      expect((await httpRequest(`${base}/health/ready`, { method: 'POST' })).status).toBe(405);
      expect((await httpRequest(`${base}/elsewhere`)).body).toBe('downstream');
      expect(seen).toEqual([
        'GET /health/ready 503',
        'POST /health/ready 405',
        'GET /elsewhere 201',
      ]);
    });
  });
}

describe('koa 3 with @koa/router', () => {
  it('serves probes in front of the router; the router keeps its routes and allowedMethods', async () => {
    const health = createHealth({ logger: false, startReady: true });
    const app = new Koa();
    const router = new Router({ prefix: '/api' });
    router.get('/greeting', (ctx) => {
      ctx.body = { hello: 'world' };
    });
    app.use(healthMiddleware(health));
    app.use(router.routes()).use(router.allowedMethods());
    const server = await listen(app.listen(0, '127.0.0.1'), health);
    try {
      expect((await httpRequest(`${server.baseUrl}/health/live`)).status).toBe(200);
      expect((await httpRequest(`${server.baseUrl}/api/greeting`)).body).toBe('{"hello":"world"}');
      expect(
        (await httpRequest(`${server.baseUrl}/api/greeting`, { method: 'DELETE' })).status,
      ).toBe(405);
    } finally {
      health.close();
      await server.close();
    }
  });

  it('fits Koa 2 typings without casts', () => {
    // Type-checked against @types/koa@2 (through the @types/koa-v2 alias) by `pnpm typecheck`.
    const middleware = healthMiddleware({ logger: false });
    new Koa2().use(middleware);
    new Router().use(middleware);
    expect(middleware.health.state).toBe('STARTING');
  });
});
