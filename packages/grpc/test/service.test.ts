// grpc.health.v1 over a real grpc-js server, called by a real grpc-js client built from the official
// grpc-health-check definitions: Check / Watch / List through the whole lifecycle
// (STARTING → UP → a dependency down → up → shutdown → DOWN), groups, aliases, unknown names.
import * as grpc from '@grpc/grpc-js';
import { probe } from '@health/cli';
import { createHealth, type Health } from '@health/core';
import { afterEach, describe, expect, it } from 'vitest';
import { addHealthService, createGrpcHealth, type GrpcHealth } from '../src/index.js';
import { type HealthClient, healthClient, listen } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(health: Health, options: Parameters<typeof addHealthService>[2] = {}) {
  const server = new grpc.Server();
  const grpcHealth = addHealthService(server, health, options);
  const address = await listen(server);
  const client = healthClient(address);
  cleanups.push(() => {
    client.close();
    server.forceShutdown();
    health.close();
  });
  return { server, grpcHealth, address, client };
}

function dependency() {
  const state = { ok: true };
  return {
    state,
    check: {
      name: 'db',
      interval: 50,
      check: () => {
        if (!state.ok) throw new Error('db down');
      },
    },
  };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'OK',
    (error: grpc.ServiceError) => grpc.status[error.code],
  );

describe('@health/grpc with a grpc-js client', () => {
  it('follows the lifecycle on Check, Watch and List; Watch gets every change within one event turn', async () => {
    const db = dependency();
    const health = createHealth({
      logger: false,
      checks: [db.check],
      shutdown: { drainDelay: 300, serverCloseTimeout: 2_000 },
    });
    const changes: number[] = [];
    health.onStateChange(() => changes.push(performance.now()));
    health.onCheckChange(() => changes.push(performance.now()));
    const { client, grpcHealth } = await start(health);

    // STARTING: readiness NOT_SERVING, liveness SERVING.
    expect(await client.check('')).toBe('NOT_SERVING');
    expect(await client.check('readiness')).toBe('NOT_SERVING');
    expect(await client.check('startup')).toBe('NOT_SERVING');
    expect(await client.check('liveness')).toBe('SERVING');
    const overall = client.watch('');
    const live = client.watch('liveness');
    await overall.next((s) => s === 'NOT_SERVING');
    await live.next((s) => s === 'SERVING');

    health.markReady();
    const up = await overall.next((s) => s === 'SERVING');
    const latencies = [up.at - (changes.at(-1) ?? 0)];
    expect(await client.check('')).toBe('SERVING');
    expect(await client.check('startup')).toBe('SERVING');

    db.state.ok = false;
    const down = await overall.next((s, i) => s === 'NOT_SERVING' && i === 2);
    latencies.push(down.at - (changes.at(-1) ?? 0));
    expect(await client.check('')).toBe('NOT_SERVING');
    expect(await client.check('liveness')).toBe('SERVING');
    db.state.ok = true;
    const back = await overall.next((s, i) => s === 'SERVING' && i === 3);
    latencies.push(back.at - (changes.at(-1) ?? 0));

    expect(await client.list()).toEqual({
      '': { status: 'SERVING' },
      readiness: { status: 'SERVING' },
      liveness: { status: 'SERVING' },
      health: { status: 'SERVING' },
      startup: { status: 'SERVING' },
    });

    // Shutdown: readiness NOT_SERVING at once, liveness stays SERVING; after the drain the
    // streams end with OK and the server closes; exit code 0.
    const exit = health.shutdown('test');
    const stopping = await overall.next((s, i) => s === 'NOT_SERVING' && i === 4);
    latencies.push(stopping.at - (changes.at(-1) ?? 0));
    expect(health.state).toBe('STOPPING');
    expect(await client.check('')).toBe('NOT_SERVING');
    expect(await client.check('liveness')).toBe('SERVING');
    expect((await overall.ended).code).toBe(grpc.status.OK);
    expect((await live.ended).code).toBe(grpc.status.OK);
    expect(await exit).toBe(0);
    expect(health.state).toBe('DOWN');
    expect(overall.messages.map((m) => m.status)).toEqual([
      'NOT_SERVING',
      'SERVING',
      'NOT_SERVING',
      'SERVING',
      'NOT_SERVING',
    ]);
    expect(live.messages.map((m) => m.status)).toEqual(['SERVING']);
    expect(grpcHealth.watchers).toBe(0);
    expect(grpcHealth.subscribed).toBe(false);
    console.log(
      `Watch latency, core event → client message (ms): ${latencies.map((l) => l.toFixed(2)).join(', ')}`,
    );
    for (const latency of latencies) expect(latency).toBeLessThan(250);
  });

  it('answers groups and aliases; unknown names: NOT_FOUND on Check, SERVICE_UNKNOWN on Watch', async () => {
    const db = dependency();
    const health = createHealth({
      logger: false,
      startReady: true,
      checks: [
        { ...db.check, tags: ['payments'] },
        { name: 'cache', check: () => true },
      ],
      groups: { payments: { include: ['tag:payments'] } },
    });
    const { client } = await start(health, {
      services: { 'shop.Payments': 'payments', 'shop.Cart': 'readiness' },
    });
    await new Promise((r) => setTimeout(r, 120));
    expect(await client.check('payments')).toBe('SERVING');
    expect(await client.check('shop.Payments')).toBe('SERVING');
    const payments = client.watch('shop.Payments');
    await payments.next((s) => s === 'SERVING');
    db.state.ok = false;
    await payments.next((s) => s === 'NOT_SERVING');
    expect(await client.check('payments')).toBe('NOT_SERVING');
    expect(await client.check('shop.Cart')).toBe('NOT_SERVING');
    expect(Object.keys(await client.list()).sort()).toEqual(
      [
        '',
        'health',
        'liveness',
        'payments',
        'readiness',
        'shop.Cart',
        'shop.Payments',
        'startup',
      ].sort(),
    );

    expect(await codeOf(client.check('nope'))).toBe('NOT_FOUND');
    expect(await codeOf(client.check('x'.repeat(1_000_000)))).toBe('NOT_FOUND');
    const unknown = client.watch('nope');
    expect((await unknown.next(() => true)).status).toBe('SERVICE_UNKNOWN');
    // The call stays open (per the spec): still no end after a while.
    const race = await Promise.race([
      unknown.ended.then(() => 'ended'),
      new Promise((r) => setTimeout(() => r('open'), 200)),
    ]);
    expect(race).toBe('open');
    unknown.cancel();
    payments.cancel();
  });

  it('survives bad input: invalid protobuf, and 1,000 Watch streams that disconnect leave nothing behind', async () => {
    const health = createHealth({ logger: false, startReady: true });
    const { client, address, grpcHealth } = await start(health);
    const invalid = await new Promise<grpc.ServiceError | null>((resolve) =>
      client.raw.makeUnaryRequest(
        '/grpc.health.v1.Health/Check',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]),
        { deadline: Date.now() + 5_000 },
        (error) => resolve(error),
      ),
    );
    // protobufjs reads what it can: a truncated name is an unknown service, garbage an INTERNAL error.
    expect([grpc.status.NOT_FOUND, grpc.status.INTERNAL]).toContain(invalid?.code);
    expect(await client.check('')).toBe('SERVING');

    const clients: HealthClient[] = Array.from({ length: 4 }, () => healthClient(address));
    const watches = Array.from({ length: 1_000 }, (_, i) =>
      (clients[i % clients.length] as HealthClient).watch(i % 3 === 0 ? 'liveness' : ''),
    );
    await Promise.all(watches.map((w) => w.next(() => true, 20_000)));
    expect(grpcHealth.watchers).toBe(1_000);
    expect(grpcHealth.subscribed).toBe(true);
    // The client goes away: every stream is cancelled (RST_STREAM) and its channels closed.
    for (const w of watches) w.cancel();
    for (const c of clients) c.close();
    const deadline = Date.now() + 15_000;
    while (grpcHealth.watchers > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(grpcHealth.watchers).toBe(0);
    expect(grpcHealth.subscribed).toBe(false);
    expect(await client.check('')).toBe('SERVING');
  });

  it('forces the server closed at serverCloseTimeout when a call does not finish: exit code 1', async () => {
    const health = createHealth({
      logger: false,
      startReady: true,
      shutdown: { drainDelay: 0, serverCloseTimeout: 400 },
    });
    const server = new grpc.Server();
    // A business RPC that never answers (an in-flight call that outlives the bound).
    server.addService(
      {
        Hang: {
          path: '/test.Slow/Hang',
          requestStream: false,
          responseStream: false,
          requestSerialize: (b: Buffer) => b,
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: (b: Buffer) => b,
          responseDeserialize: (b: Buffer) => b,
        },
      },
      { Hang: () => {} },
    );
    addHealthService(server, health);
    const address = await listen(server);
    const raw = new grpc.Client(address, grpc.credentials.createInsecure());
    cleanups.push(() => raw.close());
    const hung = new Promise<grpc.ServiceError | null>((resolve) =>
      raw.makeUnaryRequest(
        '/test.Slow/Hang',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.alloc(0),
        (error) => resolve(error),
      ),
    );
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    expect(await health.shutdown()).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect((await hung)?.code).toBe(grpc.status.CANCELLED);
  });

  it('is what `health probe grpc://` (@health/cli) sees, and works without a server via createGrpcHealth', async () => {
    const health = createHealth({ logger: false });
    const { address } = await start(health);
    expect((await probe(`grpc://${address}`, { timeout: 3_000 })).ok).toBe(false);
    expect((await probe(`grpc://${address}/liveness`, { timeout: 3_000 })).ok).toBe(true);
    health.markReady();
    expect(await probe(`grpc://${address}`, { timeout: 3_000 })).toMatchObject({ ok: true });
    const nope = await probe(`grpc://${address}/nope`, { timeout: 3_000 });
    expect(nope.ok).toBe(false);
    expect(nope.reason).toContain('NOT_FOUND');

    const bare: GrpcHealth = createGrpcHealth(health);
    const seen: string[] = [];
    const stop = bare.watch('', (s) => seen.push(s));
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual(['SERVING']);
    expect(await bare.status('nope')).toBeUndefined();
    stop();
    expect(bare.subscribed).toBe(false);
    expect(() => createGrpcHealth(health, { services: { a: 'nope' } })).toThrow(/services\.a/);
  });

  it('tells every one of 1,000 watchers about a state change within the same event turn', async () => {
    const health = createHealth({ logger: false, checks: [{ name: 'db', check: () => true }] });
    const grpcHealth = createGrpcHealth(health);
    const seen: string[] = new Array(1_000).fill('');
    const stops = seen.map((_, i) =>
      grpcHealth.watch(i % 2 ? '' : 'startup', (s) => {
        seen[i] = s;
      }),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(new Set(seen)).toEqual(new Set(['NOT_SERVING']));
    await health.evaluate('readiness'); // the check has a cached result, as on a serving instance
    health.markReady();
    await new Promise((r) => setImmediate(r)); // the next macrotask: the event's turn is over
    expect(new Set(seen)).toEqual(new Set(['SERVING']));
    for (const stop of stops) stop();
    expect(grpcHealth.watchers).toBe(0);
    expect(grpcHealth.subscribed).toBe(false);
    health.close();
  });
});
