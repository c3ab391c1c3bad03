// Real processes, real signals: a node:http service on core alone, shut down under load.
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { httpRequest } from '@health/test-utils';
import { afterEach, describe, expect, it } from 'vitest';

const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
const SERVICE = fileURLToPath(new URL('./fixtures/service.ts', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

interface Service {
  child: ChildProcess;
  url: string;
  events: Record<string, unknown>[];
  exited: Promise<number | null>;
  waitFor(predicate: (event: Record<string, unknown>) => boolean): Promise<void>;
}

async function startService(env: Record<string, string> = {}): Promise<Service> {
  const child = spawn(TSX, [SERVICE], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const events: Record<string, unknown>[] = [];
  const waiters: { predicate: (e: Record<string, unknown>) => boolean; resolve: () => void }[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
      const event = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
      buffer = buffer.slice(nl + 1);
      events.push(event);
      for (const waiter of waiters.filter((w) => w.predicate(event))) waiter.resolve();
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (predicate: (e: Record<string, unknown>) => boolean) =>
    events.some(predicate)
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ predicate, resolve }));
  await waitFor((e) => e.event === 'listening');
  const port = events.find((e) => e.event === 'listening')?.port;
  return { child, url: `http://127.0.0.1:${port}`, events, exited, waitFor };
}

const transitions = (events: Record<string, unknown>[]) =>
  events.filter((e) => e.event === 'state').map((e) => `${e.from}->${e.to}`);

describe('graceful shutdown of a real process', () => {
  it('finishes in-flight requests after SIGTERM, in order, with no failed request', async () => {
    // The drain (1 s) outlasts the probes below; the slow requests outlast the drain, so they are
    // still in flight when the server stops accepting.
    const service = await startService({ DRAIN_MS: '1000' });
    await service.waitFor((e) => e.to === 'UP');
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 10 });
    const inFlight = Array.from({ length: 20 }, (_, i) =>
      httpRequest(`${service.url}/slow?ms=${1800 + i * 20}`, { agent: i % 2 ? keepAlive : false }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    service.child.kill('SIGTERM');
    await service.waitFor((e) => e.to === 'STOPPING');
    // Draining: still serving, readiness fails, liveness holds, keep-alive clients are asked to leave.
    const probeAgent = new http.Agent({ keepAlive: true });
    const ready = await httpRequest(`${service.url}/health/ready`, { agent: probeAgent });
    expect(ready.status).toBe(503);
    expect(ready.headers.connection).toBe('close');
    expect((await httpRequest(`${service.url}/health/live`)).status).toBe(200);
    expect((await httpRequest(`${service.url}/`)).status).toBe(200);
    const results = await Promise.allSettled(inFlight);
    const failed = results.filter((r) => r.status === 'rejected' || r.value.status !== 200);
    console.log(`in-flight requests: ${results.length}, failed: ${failed.length}`);
    expect(failed).toEqual([]);
    expect(await service.exited).toBe(0);
    keepAlive.destroy();
    probeAgent.destroy();
    expect(transitions(service.events)).toEqual(['STARTING->UP', 'UP->STOPPING', 'STOPPING->DOWN']);
    const order = service.events
      .filter((e) => e.event === 'hook' || e.event === 'state')
      .map((e) => e.to ?? e.name);
    expect(order).toEqual(['UP', 'STOPPING', 'pool', 'DOWN']);
  });

  it('a second SIGTERM during shutdown does not start a second shutdown', async () => {
    const service = await startService({ DRAIN_MS: '300' });
    await service.waitFor((e) => e.to === 'UP');
    service.child.kill('SIGTERM');
    await service.waitFor((e) => e.to === 'STOPPING');
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    expect(transitions(service.events)).toEqual(['STARTING->UP', 'UP->STOPPING', 'STOPPING->DOWN']);
    expect(service.events.filter((e) => e.event === 'hook')).toHaveLength(1);
    expect(
      service.events.some(
        (e) => e.level === 'warn' && String(e.message).includes('already shutting down'),
      ),
    ).toBe(true);
  });

  it('SIGTERM while still STARTING shuts down cleanly', async () => {
    const service = await startService({ DRAIN_MS: '0', READY_AFTER_MS: '60000' });
    expect((await httpRequest(`${service.url}/health/ready`)).status).toBe(503);
    expect((await httpRequest(`${service.url}/health/live`)).status).toBe(200);
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    expect(transitions(service.events)).toEqual(['STARTING->STOPPING', 'STOPPING->DOWN']);
  });

  it('a hanging shutdown hook is bounded: exits non-zero with a clear log line', async () => {
    const service = await startService({ DRAIN_MS: '0', HOOK: 'hang' });
    await service.waitFor((e) => e.to === 'UP');
    const started = Date.now();
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(
      service.events.some(
        (e) =>
          e.level === 'error' &&
          /hook "pool" did not finish within the 500 ms/.test(String(e.message)),
      ),
    ).toBe(true);
  });

  it('a throwing shutdown hook exits non-zero', async () => {
    const service = await startService({ DRAIN_MS: '0', HOOK: 'throw' });
    await service.waitFor((e) => e.to === 'UP');
    service.child.kill('SIGINT');
    expect(await service.exited).toBe(1);
    expect(
      service.events.some(
        (e) => e.level === 'error' && /pool refused to close/.test(String(e.message)),
      ),
    ).toBe(true);
  });

  it('an uncaught exception moves to ERRORED (500) when the app opts in', async () => {
    const service = await startService({ UNCAUGHT: '1' });
    await service.waitFor((e) => e.to === 'UP');
    await httpRequest(`${service.url}/crash`);
    await service.waitFor((e) => e.to === 'ERRORED');
    for (const path of ['/health', '/health/ready', '/health/live']) {
      expect((await httpRequest(`${service.url}${path}`)).status).toBe(500);
    }
    service.child.kill('SIGTERM');
    // Graceful, but the process had ERRORED: non-zero, so the platform records a failure.
    expect(await service.exited).toBe(1);
    expect(
      service.events.some((e) => /exit code 1 \(the process had ERRORED\)/.test(String(e.message))),
    ).toBe(true);
  });
});
