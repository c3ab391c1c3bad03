// Graceful shutdown of a node:http2 server (h2c, what Fastify's `http2: true` builds). HTTP/2 has
// no `Connection: close`; its way to ask a client to leave is GOAWAY, per session: open streams
// finish, the client opens its next one elsewhere. Real sessions, real frames, no mocks.
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { http2Get as get, http2Connect } from '@health/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealth, type Health } from '../src/index.js';
import { createNodeListener } from '../src/node.js';

const open: { health: Health; server: http2.Http2Server; clients: http2.ClientHttp2Session[] }[] =
  [];
afterEach(() => {
  for (const { health, server, clients } of open.splice(0)) {
    for (const client of clients) client.destroy();
    health.close();
    server.close();
  }
});

async function setup(delayMs: number) {
  const health = createHealth({ logger: false, startReady: true, shutdown: { drainDelay: 300 } });
  const server = http2.createServer(
    createNodeListener(health, (_req, res) => {
      setTimeout(() => res.end('ok'), delayMs);
    }),
  );
  health.addServer(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const entry = { health, server, clients: [] as http2.ClientHttp2Session[] };
  open.push(entry);
  const connect = () => {
    const { session: client, goaway } = http2Connect(origin, entry.clients);
    return { client, goaway };
  };
  return { health, connect };
}

/** Node warns (UnsupportedWarning) when an HTTP/2 response is given a `Connection` header. */
function collectWarnings() {
  const warnings: string[] = [];
  const listener = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', listener);
  return { warnings, stop: () => process.removeListener('warning', listener) };
}

describe('shutdown of a node:http2 server', () => {
  it('sends GOAWAY to idle sessions when stopping begins, lets in-flight streams finish, ends promptly', async () => {
    const { health, connect } = await setup(400);
    const idle = connect();
    expect((await get(idle.client, '/health/ready')).status).toBe(200);
    const busy = connect();
    const inFlight = get(busy.client, '/app');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const stopping = health.shutdown();
    // GOAWAY at STOPPING, not at the end of the drain.
    expect((await idle.goaway) - started).toBeLessThan(200);
    expect((await busy.goaway) - started).toBeLessThan(200);
    expect(await inFlight).toMatchObject({ status: 200, body: 'ok' });
    expect(await stopping).toBe(0);
    // Drain (300 ms) plus the in-flight stream; no keep-alive window to wait out.
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('answers a session opened during the drain, then sends it GOAWAY; no Connection header', async () => {
    const { health, connect } = await setup(0);
    const { warnings, stop } = collectWarnings();
    try {
      const stopping = health.shutdown();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const late = connect();
      const probe = await get(late.client, '/health/ready');
      expect(probe.status).toBe(503); // STOPPING: out of rotation
      expect(probe.connection).toBeUndefined();
      expect(await late.goaway).toBeGreaterThan(0);
      expect(await stopping).toBe(0);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings, warnings.join('\n')).toEqual([]);
    } finally {
      stop();
    }
  });

  it('destroys sessions whose streams outlive serverCloseTimeout (exit code 1)', async () => {
    const health = createHealth({
      logger: false,
      startReady: true,
      shutdown: { drainDelay: 0, serverCloseTimeout: 300 },
    });
    const server = http2.createServer(() => {}); // never answers
    health.addServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    client.on('error', () => {});
    open.push({ health, server, clients: [client] });
    const stream = client.request({ ':path': '/hangs' });
    stream.on('error', () => {});
    const closed = new Promise<void>((resolve) => client.once('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    expect(await health.shutdown()).toBe(1);
    expect(Date.now() - started).toBeLessThan(1_000);
    await closed;
    expect(server.listening).toBe(false);
  });
});
