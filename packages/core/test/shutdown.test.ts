import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpRequest } from '@health/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { createHealth } from '../src/index.js';
import { createNodeListener } from '../src/node.js';

function quietLogger() {
  return { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
}

describe('shutdown orchestration', () => {
  it('runs STOPPING → drain → servers → hooks (in order) → DOWN and logs each phase', async () => {
    const logger = quietLogger();
    const health = createHealth({ logger, startReady: true, shutdown: { drainDelay: 100 } });
    const server = http.createServer(createNodeListener(health));
    health.addServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const order: string[] = [];
    health.onStateChange((c) => order.push(c.to));
    server.on('close', () => order.push('server closed'));
    health.onShutdown('first', () => void order.push('hook first'));
    health.onShutdown('second', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('hook second');
    });
    const started = Date.now();
    const first = health.shutdown('test');
    expect(health.shutdown('again')).toBe(first);
    expect(health.shuttingDown).toBe(true);
    expect(await first).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(order).toEqual(['STOPPING', 'server closed', 'hook first', 'hook second', 'DOWN']);
    const messages = logger.info.mock.calls.map((call) => String(call[0]));
    expect(messages.some((m) => /draining for 100 ms/.test(m))).toBe(true);
    expect(messages.some((m) => /servers closed at \d+ ms/.test(m))).toBe(true);
    expect(messages.some((m) => /DOWN at \d+ ms, exit code 0/.test(m))).toBe(true);
    expect(server.listening).toBe(false);
  });

  it('bounds hooks: a hanging hook gives exit code 1, its signal is aborted, later hooks are skipped', async () => {
    const logger = quietLogger();
    const health = createHealth({ logger, shutdown: { hookTimeout: 100 } });
    let signal: AbortSignal | undefined;
    const later = vi.fn();
    health.onShutdown('hangs', (context) => {
      signal = context.signal;
      return new Promise(() => {});
    });
    health.onShutdown('later', later);
    const started = Date.now();
    expect(await health.shutdown()).toBe(1);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(signal?.aborted).toBe(true);
    expect(later).not.toHaveBeenCalled();
    expect(logger.error.mock.calls[0]?.[0]).toMatch(
      /hook "hangs" did not finish within the 100 ms hook timeout/,
    );
    expect(health.state).toBe('DOWN');
  });

  it('force-closes connections that outlive serverCloseTimeout, with exit code 1', async () => {
    const logger = quietLogger();
    const health = createHealth({
      logger,
      startReady: true,
      shutdown: { serverCloseTimeout: 200 },
    });
    const server = http.createServer(() => {}); // never answers
    health.addServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const stuck = httpRequest(`http://127.0.0.1:${port}/`).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await health.shutdown()).toBe(1);
    expect(await stuck).toBeInstanceOf(Error);
    expect(logger.warn.mock.calls[0]?.[0]).toMatch(/did not finish within 200 ms/);
  });

  it('handles signals only when asked, once, and removes its listeners on close', async () => {
    const before = process.listenerCount('SIGTERM');
    createHealth({ logger: false }).close();
    expect(process.listenerCount('SIGTERM')).toBe(before);
    const logger = quietLogger();
    const health = createHealth({
      logger,
      startReady: true,
      shutdown: { signals: ['SIGTERM'], exit: false, drainDelay: 50 },
    });
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    const down = new Promise<void>((resolve) =>
      health.onStateChange((c) => c.to === 'DOWN' && resolve()),
    );
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGTERM', 'SIGTERM');
    await down;
    expect(
      logger.warn.mock.calls.some((call) =>
        /SIGTERM received while already shutting down/.test(String(call[0])),
      ),
    ).toBe(true);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it('marks responses already in flight when stopping begins with Connection: close', async () => {
    const health = createHealth({ logger: false, startReady: true, shutdown: { drainDelay: 300 } });
    const server = http.createServer((_req, res) => setTimeout(() => res.end('late'), 200));
    health.addServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true });
    const inFlight = httpRequest(`http://127.0.0.1:${port}/`, { agent });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopping = health.shutdown();
    const res = await inFlight;
    expect(res.body).toBe('late');
    expect(res.headers.connection).toBe('close');
    expect(await stopping).toBe(0);
    agent.destroy();
  });

  it('rejects something that is not a server', () => {
    const health = createHealth({ logger: false });
    expect(() => health.addServer({} as never)).toThrow(
      /option "server" must be a node:http, node:https or node:http2 Server/,
    );
  });
});
