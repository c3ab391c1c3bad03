// addCloser(): a non-HTTP server (gRPC) closes on shutdown like an HTTP one — after the drain
// delay, before the hooks, forced at serverCloseTimeout with exit code 1.
import { describe, expect, it } from 'vitest';
import { createHealth, isHealthError } from '../src/index.js';

function fakeServer(behaviour: 'graceful' | 'hang' | 'reject', closeAfter = 50) {
  const events: { what: string; at: number }[] = [];
  const closer = {
    listening: true,
    close: () => {
      events.push({ what: 'close', at: Date.now() });
      if (behaviour === 'reject') return Promise.reject(new Error('boom'));
      if (behaviour === 'hang') return new Promise<void>(() => {});
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          closer.listening = false;
          events.push({ what: 'closed', at: Date.now() });
          resolve();
        }, closeAfter),
      );
    },
    forceClose: () => {
      closer.listening = false;
      events.push({ what: 'force', at: Date.now() });
    },
  };
  return { closer, events };
}

describe('addCloser: non-HTTP servers in shutdown', () => {
  it('closes after the drain delay, waits for in-flight work, then runs hooks; exit 0', async () => {
    const exits: number[] = [];
    const health = createHealth({
      logger: false,
      startReady: true,
      shutdown: { drainDelay: 200, exit: (code) => exits.push(code) },
    });
    const { closer, events } = fakeServer('graceful', 100);
    health.addCloser('grpc', closer);
    health.onShutdown('db', () => void events.push({ what: 'hook', at: Date.now() }));
    const started = Date.now();
    const code = await health.shutdown();
    expect(code).toBe(0);
    expect(exits).toEqual([0]);
    expect(events.map((e) => e.what)).toEqual(['close', 'closed', 'hook']);
    expect((events[0]?.at ?? 0) - started).toBeGreaterThanOrEqual(190);
    expect(health.state).toBe('DOWN');
  });

  it('forces the close at serverCloseTimeout when close() does not settle; exit 1', async () => {
    const health = createHealth({
      logger: false,
      startReady: true,
      shutdown: { drainDelay: 0, serverCloseTimeout: 300 },
    });
    const { closer, events } = fakeServer('hang');
    health.addCloser('grpc', closer);
    const code = await health.shutdown();
    expect(code).toBe(1);
    expect(events.map((e) => e.what)).toEqual(['close', 'force']);
    const [close, force] = events;
    expect((force?.at ?? 0) - (close?.at ?? 0)).toBeGreaterThanOrEqual(290);
  });

  it('forces the close when close() rejects; exit 1, the error is logged', async () => {
    const warnings: string[] = [];
    const logger = { info() {}, warn: (m: string) => void warnings.push(m), error() {} };
    const health = createHealth({ logger, startReady: true, shutdown: { drainDelay: 0 } });
    const { closer, events } = fakeServer('reject');
    health.addCloser('grpc', closer);
    expect(await health.shutdown()).toBe(1);
    expect(events.map((e) => e.what)).toEqual(['close', 'force']);
    expect(warnings.some((w) => w.includes('"grpc" failed to close: boom'))).toBe(true);
  });

  it('does not hold the drain delay for a closer that no longer listens', async () => {
    const health = createHealth({
      logger: false,
      startReady: true,
      shutdown: { drainDelay: 3_000 },
    });
    const { closer } = fakeServer('graceful', 0);
    closer.listening = false;
    health.addCloser('grpc', closer);
    const started = Date.now();
    expect(await health.shutdown()).toBe(0);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('rejects a closer without close/forceClose with a coded setup error', () => {
    const health = createHealth({ logger: false });
    let caught: unknown;
    try {
      health.addCloser('grpc', { close() {} } as never);
    } catch (error) {
      caught = error;
    }
    expect(isHealthError(caught)).toBe(true);
    expect(String((caught as Error).message)).toContain('addCloser("grpc")');
  });
});
