// @health/express on real Express 5 and Express 4 apps over real HTTP: the conformance suite
// (for both majors) plus what is specific to Express (mount paths, nested routers, next()).
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHealth, type Health } from '@health/core';
import { healthRouter } from '@health/express';
import { httpRequest, type MakeHarness, runAdapterConformance } from '@health/test-utils';
import express from 'express';
import express4 from 'express-v4';
import { afterEach, describe, expect, it } from 'vitest';

type CreateApp = typeof express;

/** Listens on 127.0.0.1:0 and registers the server with health, as the README says. */
async function listen(app: ReturnType<CreateApp>, health: Health) {
  const server: Server = app.listen(0, '127.0.0.1');
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
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });
    async function serve(app: ReturnType<CreateApp>, health: Health) {
      const server = await listen(app, health);
      cleanups.push(async () => {
        health.close();
        await server.close();
      });
      return server.baseUrl;
    }

    it('creates the health instance from options and exposes it', async () => {
      const router = healthRouter({
        startReady: true,
        logger: false,
        paths: { health: '/healthz' },
      });
      const app = createApp().use(router);
      const base = await serve(app, router.health);
      expect(router.health.state).toBe('UP');
      const res = await httpRequest(`${base}/healthz`);
      expect(res.status).toBe(200);
      expect(res.body).toBe('{"status":"UP"}');
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
      const res = await httpRequest(`${base}/internal/ops/health/ready?verbose=1`);
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
      const get = await httpRequest(`${base}/health`);
      const head = await httpRequest(`${base}/health`, { method: 'HEAD' });
      expect(get.headers['content-length']).toBe(String(get.body.length));
      expect(head.headers['content-length']).toBe(get.headers['content-length']);
      expect(head.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(head.headers.etag).toBeUndefined();
    });

    it('gives Visibility functions the socket peer address, not forwarded headers', async () => {
      const health = createHealth({
        logger: false,
        startReady: true,
        checks: [{ name: 'db', check: () => true }],
        showDetails: (request) => request.remoteAddress === '127.0.0.1',
        showChecks: (request) => request.remoteAddress === '10.0.0.1',
      });
      const app = createApp().set('trust proxy', true).use(healthRouter(health));
      const base = await serve(app, health);
      const res = await httpRequest(`${base}/health/ready`, {
        headers: { 'x-forwarded-for': '10.0.0.1' },
      });
      expect(JSON.parse(res.body)).toMatchObject({
        state: 'UP',
        checks: [{ name: 'db', critical: true }],
      });
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
