// The page and its SSE stream through every adapter, each with its real framework over real
// HTTP: Express, Fastify, Koa, Nest on Express and Nest on Fastify. Same assertions for each.
import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHealth, down, type Health, type HealthOptions } from '@health/core';
import { healthRouter } from '@health/express';
import { healthPlugin } from '@health/fastify';
import { healthMiddleware } from '@health/koa';
import { HealthModule } from '@health/nestjs';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { type DashboardHandle, type DashboardOptions, dashboard } from '../src/index.js';

interface Mounted {
  base: string;
  close(): Promise<void>;
}
type Mount = (health: Health) => Promise<Mounted>;

const listen = async (server: http.Server): Promise<Mounted> => {
  if (!server.listening) await new Promise<void>((r) => server.once('listening', () => r()));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
};

const nest =
  (platform: 'express' | 'fastify'): Mount =>
  async (health) => {
    @Module({ imports: [HealthModule.forRoot({ health })] })
    class Root {}
    const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
    const app = await NestFactory.create(Root, adapter, { logger: false, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    const server = app.getHttpServer() as http.Server;
    return {
      base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: async () => {
        server.closeAllConnections();
        await app.close();
      },
    };
  };

const ADAPTERS: Record<string, Mount> = {
  express: (health) => listen(express().use(healthRouter(health)).listen(0, '127.0.0.1')),
  fastify: async (health) => {
    const app = Fastify();
    await app.register(healthPlugin, { health });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return {
      base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
      close: async () => {
        app.server.closeAllConnections();
        await app.close();
      },
    };
  },
  koa: (health) => listen(new Koa().use(healthMiddleware(health) as never).listen(0, '127.0.0.1')),
  'nestjs (express)': nest('express'),
  'nestjs (fastify)': nest('fastify'),
};

/** A raw SSE client over node:http: accumulated text, wait for a predicate, hang up. */
interface Sse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text(): string;
  until(pred: (text: string) => boolean, ms?: number): Promise<string>;
  close(): void;
}
function sse(url: string, headers: Record<string, string> = {}): Promise<Sse> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      let text = '';
      const waiters = new Set<() => void>();
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        for (const w of waiters) w();
      });
      res.on('error', () => {});
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        text: () => text,
        until: (pred, ms = 3000) =>
          new Promise((done, fail) => {
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`SSE: no match within ${ms} ms; got:\n${text}`));
            }, ms);
            const check = () => {
              if (!pred(text)) return;
              clearTimeout(timer);
              waiters.delete(check);
              done(text);
            };
            waiters.add(check);
            check();
          }),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}

async function eventually(pred: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const opened: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

/** A health instance with one check whose outcome the test flips; refreshed every 20 ms. */
async function start(mount: Mount, options: DashboardOptions = {}, core: HealthOptions = {}) {
  const state = { ok: true };
  const health = createHealth({
    logger: false,
    shutdown: { exit: false, drainDelay: 0 },
    checks: [
      {
        name: 'db',
        interval: 20,
        timeout: 200,
        check: () => (state.ok ? true : down('replica lag 42 s')),
      },
    ],
    ...core,
  } as HealthOptions);
  const handle: DashboardHandle = dashboard(health, { heartbeatMs: 100, ...options });
  const mounted = await mount(health);
  opened.push(async () => {
    handle();
    await mounted.close();
    health.close();
  });
  health.markReady();
  // the first result is in before the test looks
  await eventually(() => health.snapshot().checks[0]?.result !== undefined);
  return { health, handle, state, base: mounted.base };
}

const CHANGE = /id: (\d+)\nevent: change\ndata: ([^\n]*)\n\n/g;
const changes = (text: string) =>
  [...text.matchAll(CHANGE)].map((m) => ({ id: Number(m[1]), data: JSON.parse(m[2] as string) }));
/** The first change `pred` accepts (throws if none: the test then names what it got). */
const first = (text: string, pred: (data: Record<string, unknown>) => boolean = () => true) => {
  const found = changes(text).find((c) => pred(c.data));
  if (!found) throw new Error(`no such change in:\n${text}`);
  return found;
};

describe.each(Object.entries(ADAPTERS))('dashboard through %s', (_name, mount) => {
  it('serves the page: 200 text/html with the table, HEAD without a body, 405 + Allow', async () => {
    const { base } = await start(mount);
    const page = await fetch(`${base}/health/ui`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<tr data-check="db">');
    expect(html).toContain('✓ UP');
    expect(Buffer.byteLength(html)).toBe(Number(page.headers.get('content-length')));
    const head = await fetch(`${base}/health/ui`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await head.text()).toBe('');
    for (const path of ['/health/ui', '/health/ui/events']) {
      const post = await fetch(`${base}${path}`, { method: 'POST', body: 'x' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
    }
    const headEvents = await fetch(`${base}/health/ui/events`, { method: 'HEAD' });
    expect(headEvents.status).toBe(200);
    expect(headEvents.headers.get('content-type')).toBe('text/event-stream');
    expect(await headEvents.text()).toBe('');
  });

  it('streams a change when a check flips, replays after Last-Event-ID, drops the sink on hang-up', async () => {
    const { base, handle, state } = await start(mount);
    const stream = await sse(`${base}/health/ui/events`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream');
    await stream.until((t) => t.includes('event: snapshot'));
    expect(stream.text().startsWith('event: snapshot')).toBe(true);
    await eventually(() => handle.clients === 1);
    const flipped = Date.now();
    state.ok = false;
    await stream.until((t) => changes(t).some((c) => c.data.status === 'DOWN'));
    const elapsed = Date.now() - flipped;
    expect(elapsed).toBeLessThan(1000);
    const down = first(stream.text(), (c) => c.status === 'DOWN');
    expect(down.data).toMatchObject({ kind: 'check', name: 'db', overall: 'DOWN', state: 'UP' });
    expect(down.data.message).toBeUndefined(); // details are off by default
    await stream.until((t) => t.includes(': heartbeat'));

    // A reconnect from before the DOWN change gets it replayed, with no snapshot.
    state.ok = true;
    await stream.until((t) => changes(t).some((c) => c.id > down.id && c.data.status === 'UP'));
    const again = await sse(`${base}/health/ui/events`, { 'last-event-id': String(down.id - 1) });
    const replay = await again.until((t) => changes(t).some((c) => c.data.status === 'UP'));
    expect(replay).not.toContain('event: snapshot');
    expect(changes(replay).map((c) => c.data.status)).toEqual(['DOWN', 'UP']);
    expect(first(replay).id).toBe(down.id);
    await eventually(() => handle.clients === 2);

    // Client hang-up: the sink (and its heartbeat) goes at once.
    stream.close();
    again.close();
    await eventually(() => handle.clients === 0);
  });

  it('discloses like the JSON: states only in public, messages only where showDetails allows', async () => {
    const internal = { 'x-internal': 'yes' };
    const { base, state } = await start(mount, {
      showDetails: (req) => req.headers?.['x-internal'] === 'yes',
    });
    const pub = await sse(`${base}/health/ui/events`);
    const priv = await sse(`${base}/health/ui/events`, internal);
    await pub.until((t) => t.includes('event: snapshot'));
    await priv.until((t) => t.includes('event: snapshot'));
    state.ok = false;
    await priv.until((t) => t.includes('replica lag 42 s'));
    await pub.until((t) => changes(t).some((c) => c.data.status === 'DOWN'));
    expect(pub.text()).not.toContain('replica lag');
    expect(first(pub.text()).data.duration).toBeUndefined();
    expect(first(priv.text()).data.duration).toEqual(expect.any(Number));
    const publicHtml = await (await fetch(`${base}/health/ui`)).text();
    const privateHtml = await (await fetch(`${base}/health/ui`, { headers: internal })).text();
    expect(publicHtml).toContain('✗ DOWN');
    expect(publicHtml).not.toContain('replica lag');
    expect(publicHtml).not.toContain('Latency');
    expect(privateHtml).toContain('replica lag 42 s');
    expect(privateHtml).toContain('Latency (ms)');
    pub.close();
    priv.close();
  });

  it('with showChecks "never" shows the overall status and lifecycle only, no check names', async () => {
    const { base, state } = await start(mount, { showChecks: 'never' });
    const stream = await sse(`${base}/health/ui/events`);
    await stream.until((t) => t.includes('event: snapshot'));
    state.ok = false;
    await stream.until((t) => changes(t).some((c) => c.data.overall === 'DOWN'));
    expect(stream.text()).not.toContain('"db"');
    const html = await (await fetch(`${base}/health/ui`)).text();
    expect(html).toContain('✗ DOWN');
    expect(html).not.toContain('<tr data-check');
    expect(html).not.toMatch(/>db</);
    stream.close();
  });
});
