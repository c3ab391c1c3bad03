// @health/fastify on `Fastify({ http2: true })` (h2c), over real HTTP/2 sessions: probes answer,
// shutdown asks clients to leave with GOAWAY (HTTP/2 has no `Connection: close`), no
// connection-specific header reaches an HTTP/2 response, and the whole run ends promptly.
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { healthPlugin } from '@health/fastify';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';

const sessions: http2.ClientHttp2Session[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.destroy();
});

function connect(origin: string) {
  const session = http2.connect(origin);
  session.on('error', () => {});
  sessions.push(session);
  const goaway = new Promise<number>((resolve) =>
    session.once('goaway', () => resolve(Date.now())),
  );
  return { session, goaway };
}

function get(session: http2.ClientHttp2Session, path: string) {
  return new Promise<{ status: number; body: string; connection?: unknown }>((resolve, reject) => {
    const stream = session.request({ ':path': path });
    let status = 0;
    let connection: unknown;
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (headers) => {
      status = Number(headers[':status']);
      connection = headers.connection;
    });
    stream.on('data', (chunk: string) => {
      body += chunk;
    });
    stream.on('end', () => resolve({ status, body, connection }));
    stream.on('error', reject);
  });
}

describe('@health/fastify over HTTP/2', () => {
  it('answers probes, sends GOAWAY from STOPPING on, never a Connection header, and exits 0', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    const app = Fastify({ http2: true });
    try {
      await app.register(healthPlugin, {
        logger: false,
        startReady: true,
        shutdown: { drainDelay: 300, exit: false },
      });
      app.get('/app', async () => 'ok');
      await app.listen({ port: 0, host: '127.0.0.1' });
      const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

      const early = connect(origin);
      expect(await get(early.session, '/health/ready')).toEqual({
        status: 200,
        body: '{"status":"UP"}',
        connection: undefined,
      });
      expect((await get(early.session, '/app')).body).toBe('ok');

      const started = Date.now();
      const stopping = app.health.shutdown();
      expect((await early.goaway) - started).toBeLessThan(200);

      // A client that connects during the drain is answered (out of rotation), then told to go.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const late = connect(origin);
      expect(await get(late.session, '/health/ready')).toEqual({
        status: 503,
        body: '{"status":"DOWN"}',
        connection: undefined,
      });
      expect(await late.goaway).toBeGreaterThanOrEqual(started);

      expect(await stopping).toBe(0);
      expect(Date.now() - started).toBeLessThan(1_500);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings, warnings.join('\n')).toEqual([]);
    } finally {
      process.removeListener('warning', onWarning);
      await app.close();
    }
  });
});
