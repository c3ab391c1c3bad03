// The drain delay is skipped when every registered server is already closed (the app closed
// them itself, e.g. fastify.close() before health.shutdown()); it still applies otherwise.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { createHealth } from '../src/index.js';

const listen = (server: http.Server) =>
  new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const close = (server: http.Server) =>
  new Promise<void>((resolve) => server.close(() => resolve()));

describe('drain delay and already-closed servers', () => {
  it('skips the drain when every registered server was closed by the app', async () => {
    const health = createHealth({
      logger: false,
      startReady: true,
      shutdown: { drainDelay: 3_000 },
    });
    const server = http.createServer();
    health.addServer(server);
    await listen(server);
    await close(server);
    const hooks: string[] = [];
    health.onShutdown('db', () => void hooks.push('db'));
    const started = Date.now();
    expect(await health.shutdown()).toBe(0);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(hooks).toEqual(['db']);
    expect(health.state).toBe('DOWN');
  });

  it('still drains while one registered server listens, and with no server registered', async () => {
    const open = http.createServer();
    const closed = http.createServer();
    const both = createHealth({ logger: false, startReady: true, shutdown: { drainDelay: 200 } });
    both.addServer(open).addServer(closed);
    await listen(open);
    let started = Date.now();
    expect(await both.shutdown()).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(open.listening).toBe(false);

    const none = createHealth({ logger: false, startReady: true, shutdown: { drainDelay: 200 } });
    started = Date.now();
    expect(await none.shutdown()).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });
});
