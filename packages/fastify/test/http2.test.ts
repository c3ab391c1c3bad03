// @health/fastify on `Fastify({ http2: true })` (h2c), over real HTTP/2 sessions: probes answer,
// shutdown asks clients to leave with GOAWAY (HTTP/2 has no `Connection: close`), no
// connection-specific header reaches an HTTP/2 response, and the whole run ends promptly.
import type http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { healthPlugin } from '@health/fastify';
import { http2Get as get, http2Connect } from '@health/test-utils';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';

const sessions: http2.ClientHttp2Session[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.destroy();
});

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

      const early = http2Connect(origin, sessions);
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
      const late = http2Connect(origin, sessions);
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
