/**
 * Behaviour that the middleware-style adapters (a router or middleware inside a node:http app:
 * Express, Koa) share beyond the conformance suite, which mounts an instance the suite created.
 * Each adapter's test calls these inside its own `it`, with how it builds and serves its app (and
 * adds what is specific to its framework).
 */
import { createHealth, type Health, type HealthOptions } from '@health/core';
import { expect } from 'vitest';
import { type HttpResult, httpRequest } from './http.js';

/** Serves an app with `adapter` mounted until the end of the test; resolves to its base URL. */
export type ServeAdapter<A> = (adapter: A) => Promise<string>;

/** Given core options instead of an instance, the adapter creates the instance and exposes it. */
export async function expectCreatedFromOptions<A extends { health: Health }>(
  create: (options: HealthOptions) => A,
  serve: ServeAdapter<A>,
): Promise<void> {
  const adapter = create({ startReady: true, logger: false, paths: { health: '/healthz' } });
  const base = await serve(adapter);
  expect(adapter.health.state).toBe('UP');
  const res = await httpRequest(`${base}/healthz`);
  expect(res.status).toBe(200);
  expect(res.body).toBe('{"status":"UP"}');
}

/**
 * Visibility functions get the connection's peer address, not a forwarded header a client could
 * forge: asked from loopback with `X-Forwarded-For: 10.0.0.1`, the details allowed for 127.0.0.1
 * show (had the header won, only the checks allowed for 10.0.0.1 would). `serve` should make its
 * framework trust proxies where it can, so the adapter is seen not to take the framework's idea of
 * the client address.
 */
export async function expectVisibilitySeesPeerAddress(serve: ServeAdapter<Health>): Promise<void> {
  const health = createHealth({
    logger: false,
    startReady: true,
    checks: [{ name: 'db', check: () => true }],
    showDetails: (request) => request.remoteAddress === '127.0.0.1',
    showChecks: (request) => request.remoteAddress === '10.0.0.1',
  });
  const base = await serve(health);
  const res = await httpRequest(`${base}/health/ready`, {
    headers: { 'x-forwarded-for': '10.0.0.1' },
  });
  expect(JSON.parse(res.body)).toMatchObject({
    state: 'UP',
    checks: [{ name: 'db', critical: true }],
  });
}

/**
 * HEAD on `url` answers with GET's status, Content-Length and JSON Content-Type and no body: the
 * framework must not replace them with what it derives from an empty body. Returns both answers
 * for the adapter's own checks.
 */
export async function expectHeadLikeGet(
  url: string,
): Promise<{ get: HttpResult; head: HttpResult }> {
  const get = await httpRequest(url);
  const head = await httpRequest(url, { method: 'HEAD' });
  expect(get.headers['content-length'], url).toBe(String(Buffer.byteLength(get.body)));
  expect(head.status, url).toBe(get.status);
  expect(head.body, url).toBe('');
  expect(head.headers['content-length'], url).toBe(get.headers['content-length']);
  expect(head.headers['content-type'], url).toBe('application/json; charset=utf-8');
  return { get, head };
}
