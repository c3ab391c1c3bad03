// @health/koa on real Koa 3 and Koa 2 apps over real HTTP: the conformance suite (prefix mounts
// through koa-mount) plus what is specific to Koa (HEAD length, @koa/router, upstream middleware).
import { createRequire } from 'node:module';
import { createHealth } from '@health/core';
import { healthMiddleware } from '@health/koa';
import {
  expectCreatedFromOptions,
  expectHeadLikeGet,
  expectVisibilitySeesPeerAddress,
  httpRequest,
  type MakeHarness,
  runAdapterConformance,
  serveClosedAfterEach,
  serverHarness,
} from '@health/test-utils';
import Router from '@koa/router';
import Koa from 'koa';
import mount from 'koa-mount';
import Koa2 from 'koa-v2';
import { describe, expect, it } from 'vitest';

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
  return serverHarness(app.listen(0, '127.0.0.1'), health);
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
    return serverHarness(app.listen(0, '127.0.0.1'), health);
  };
runAdapterConformance('koa 2', koa2Harness(Koa2));
runAdapterConformance('koa 2.0.1 (peer range floor)', koa2Harness(Koa2Floor));

for (const [major, KoaApp] of [
  ['koa 3', Koa],
  ['koa 2', Koa2 as unknown as typeof Koa],
] as const) {
  describe(`${major}: healthMiddleware`, () => {
    const serve = serveClosedAfterEach();

    it('creates the health instance from options and exposes it', async () => {
      await expectCreatedFromOptions(healthMiddleware, (middleware) =>
        serve(new KoaApp().use(middleware), middleware.health),
      );
    });

    it('HEAD keeps the GET content-length and JSON type, not the ones Koa derives', async () => {
      const health = createHealth({
        logger: false,
        showChecks: 'always',
        checks: [{ name: 'db', check: () => true }],
      });
      health.markReady();
      const base = await serve(new KoaApp().use(healthMiddleware(health)), health);
      for (const path of ['/health', '/health/ready?x=1']) {
        await expectHeadLikeGet(`${base}${path}`);
      }
    });

    it('gives Visibility functions the socket peer address, not forwarded headers', async () => {
      await expectVisibilitySeesPeerAddress((health) => {
        // With `proxy`, Koa's ctx.ip is the forwarded address: the middleware must not use it.
        const app = new KoaApp().use(healthMiddleware(health));
        app.proxy = true;
        return serve(app, health);
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
    const server = await serverHarness(app.listen(0, '127.0.0.1'), health);
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
