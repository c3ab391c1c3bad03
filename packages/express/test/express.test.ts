// @health/express on real Express 5 and Express 4 apps over real HTTP: the conformance suite
// (for both majors) plus what is specific to Express (mount paths, nested routers, next()).
import { createHealth, type Health } from '@health/core';
import { healthRouter } from '@health/express';
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
import express from 'express';
import express4 from 'express-v4';
import { describe, expect, it } from 'vitest';

type CreateApp = typeof express;

/** Listens on 127.0.0.1:0 and registers the server with health, as the README says. */
const listen = (app: ReturnType<CreateApp>, health: Health) =>
  serverHarness(app.listen(0, '127.0.0.1'), health);

function harness(createApp: CreateApp): MakeHarness {
  return async ({ health, prefix }) => {
    const app = createApp();
    if (prefix) app.use(prefix, healthRouter(health));
    else app.use(healthRouter(health));
    app.get('/app/ok', (_req, res) => {
      res.type('text').send('ok');
    });
    app.get('/app/slow', (req, res) => {
      setTimeout(() => res.type('text').send('slow'), Number(req.query.ms));
    });
    return listen(app, health);
  };
}

runAdapterConformance('express 5', harness(express));
runAdapterConformance('express 4', harness(express4 as unknown as CreateApp));

for (const [major, createApp] of [
  ['express 5', express],
  ['express 4', express4 as unknown as CreateApp],
] as const) {
  describe(`${major}: healthRouter`, () => {
    const serve = serveClosedAfterEach();

    it('creates the health instance from options and exposes it', async () => {
      await expectCreatedFromOptions(healthRouter, (router) =>
        serve(createApp().use(router), router.health),
      );
    });

    it('answers relative to a nested router mount and keeps the query string', async () => {
      const health = createHealth({
        logger: false,
        showChecks: 'always',
        checks: [{ name: 'db', check: () => true }],
      });
      health.markReady();
      const inner = createApp.Router();
      inner.use(healthRouter(health));
      inner.get('/status', (_req, res) => {
        res.send('inner');
      });
      const app = createApp().use('/internal/ops', inner);
      const base = await serve(app, health);
      const res = await httpRequest(`${base}/internal/ops/health/ready?x=1`);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({
        status: 'UP',
        checks: [{ name: 'db', status: 'UP' }],
      });
      expect((await httpRequest(`${base}/internal/ops/status`)).body).toBe('inner');
      expect((await httpRequest(`${base}/internal/health/ready`)).status).toBe(404);
    });

    it('HEAD keeps the GET content-length and Express headers do not replace ours', async () => {
      const health = createHealth({ logger: false, startReady: true });
      const base = await serve(createApp().use(healthRouter(health)), health);
      const { head } = await expectHeadLikeGet(`${base}/health`);
      expect(head.headers.etag).toBeUndefined();
    });

    it('gives Visibility functions the socket peer address, not forwarded headers', async () => {
      // With 'trust proxy', Express's req.ip is the forwarded address: the adapter must not use it.
      await expectVisibilitySeesPeerAddress((health) =>
        serve(createApp().set('trust proxy', true).use(healthRouter(health)), health),
      );
    });

    it('passes non-health requests through to later middleware and error handlers', async () => {
      const health = createHealth({ logger: false, startReady: true });
      const app = createApp().use(healthRouter(health));
      app.post('/health-like', (_req, res) => {
        res.status(201).send('created');
      });
      app.get('/boom', () => {
        throw new Error('boom');
      });
      app.use(
        (
          _error: unknown,
          _req: express.Request,
          res: express.Response,
          _next: express.NextFunction,
        ) => {
          res.status(418).send('handled');
        },
      );
      const base = await serve(app, health);
      expect((await httpRequest(`${base}/health-like`, { method: 'POST' })).status).toBe(201);
      expect((await httpRequest(`${base}/boom`)).status).toBe(418);
    });
  });
}

describe('types', () => {
  it('fits Express 4 typings without casts', () => {
    // Type-checked against @types/express@4 (through the @types/express-v4 alias) by `pnpm typecheck`.
    const app = express4();
    const router = healthRouter({ logger: false });
    app.use(router);
    app.use('/ops', router);
    express4.Router().use(router);
    expect(router.health.state).toBe('STARTING');
  });
});
