/**
 * redisCheck against a real Redis (Debian's server, started by @health/test-services), through
 * ioredis 5 and 6 and node-redis 4, 5 and 6: up, stopped and restarted, paused, wrong password.
 */
import { redisCheck } from '@health/checks';
import { type RedisHandle, startRedis } from '@health/test-services';
import { Redis } from 'ioredis';
import { Redis as RedisV5 } from 'ioredis-v5';
import { createClient } from 'redis';
import { createClient as createClientV4 } from 'redis-v4';
import { createClient as createClientV5 } from 'redis-v5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAll,
  eventually,
  expectAllUp,
  expectBoundedWhilePaused,
  expectNoLeak,
  SLACK,
  startApp,
  type TestApp,
} from './helpers.js';

const TIMEOUT = 500;
let server: RedisHandle;
let app: TestApp;
const closers: (() => Promise<unknown>)[] = [];

async function clients() {
  const fastReconnect = {
    reconnectStrategy: (retries: number) => Math.min(50 + retries * 50, 300),
  };
  const ioredis6 = new Redis({ ...server.connection, retryStrategy: () => 200 });
  const ioredis5 = new RedisV5({ ...server.connection, retryStrategy: () => 200 });
  const redis6 = createClient({ url: server.url, socket: fastReconnect });
  const redis5 = createClientV5({ url: server.url, socket: fastReconnect });
  const redis4 = createClientV4({ url: server.url, socket: fastReconnect });
  for (const client of [ioredis6, ioredis5, redis6, redis5, redis4]) {
    (client as { on(event: string, listener: () => void): unknown }).on('error', () => {});
  }
  await Promise.all([
    redis6.connect(),
    redis5.connect(),
    redis4.connect(),
    new Promise((resolve) => ioredis6.once('ready', resolve)),
    new Promise((resolve) => ioredis5.once('ready', resolve)),
  ]);
  closers.push(
    async () => ioredis6.disconnect(),
    async () => ioredis5.disconnect(),
    async () => redis6.destroy(),
    async () => redis5.destroy(),
    async () => redis4.disconnect(),
  );
  return [
    redisCheck(ioredis6, { name: 'ioredis-6', ttl: 0 }),
    redisCheck(ioredis5, { name: 'ioredis-5', ttl: 0 }),
    redisCheck(redis6, { name: 'node-redis-6', ttl: 0 }),
    redisCheck(redis5, { name: 'node-redis-5', ttl: 0 }),
    redisCheck(redis4, { name: 'node-redis-4', ttl: 0 }),
  ];
}

beforeAll(async () => {
  server = await startRedis();
  app = await startApp(await clients());
});

afterAll(() => closeAll(app, closers, server));

describe('redisCheck (real Redis)', () => {
  it('is UP with ioredis 5/6 and node-redis 4/5/6', async () => {
    const clientNames = ['ioredis-6', 'ioredis-5', 'node-redis-6', 'node-redis-5', 'node-redis-4'];
    await expectAllUp(app, clientNames, 10);
  });

  it('fails fast when the server stops (client not connected), the app keeps serving, and recovers on start()', async () => {
    await server.stop();
    // Let every client notice the closed socket.
    await eventually(
      () => app.details(),
      (r) => r.checks.every((c) => c.status === 'DOWN'),
      5000,
    );
    const down = await app.details();
    expect(down.status).toBe(503);
    expect(down.ms).toBeLessThan(TIMEOUT + SLACK);
    expect(down.byName['ioredis-6']?.message).toMatch(
      /^redis ping failed: client is not connected \(status "(reconnecting|connecting|close)"\)$/,
    );
    expect(down.byName['node-redis-6']?.message).toMatch(
      /^redis ping failed: client is (not ready \(reconnecting\)|closed)$/,
    );
    expect((await app.app()).status).toBe(200);
    await expectNoLeak(app, { password: server.password, host: server.host, port: server.port });
    await server.start();
    const up = await eventually(
      () => app.details(),
      (r) => r.status === 200,
      15_000,
    );
    expect(up.checks.every((c) => c.status === 'UP')).toBe(true);
  });

  it('times out in bounded time when the server accepts but never answers, and recovers on resume()', async () => {
    await expectBoundedWhilePaused(app, server, TIMEOUT, (checks) => {
      expect(checks).toHaveLength(5);
      for (const check of checks) expect(check.message).toMatch(/timed out/);
    });
  });

  it('never leaks credentials: a lazy client whose first connection fails, and a wrong password', async () => {
    const lazy = new Redis({
      ...server.connection,
      port: 1,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    lazy.on('error', () => {});
    const wrong = new Redis({
      ...server.connection,
      password: 'wrong-Secret-123',
      retryStrategy: () => null,
    });
    wrong.on('error', () => {});
    const leaky = await startApp([
      redisCheck(lazy, { name: 'lazy', ttl: 0 }),
      redisCheck(wrong, { name: 'wrong-password', ttl: 0 }),
    ]);
    try {
      const result = await eventually(
        () => leaky.details(),
        (r) => r.checks.every((c) => c.status === 'DOWN'),
        5000,
      );
      for (const check of result.checks) {
        expect(check.message).not.toMatch(/127\.0\.0\.1|wrong-Secret-123/);
        expect(check.message).not.toContain(server.password);
      }
      await expectNoLeak(leaky, {
        password: 'wrong-Secret-123',
        host: server.host,
        port: server.port,
      });
      expect((await leaky.details()).body).not.toContain(server.password);
    } finally {
      await leaky.close();
      lazy.disconnect();
      wrong.disconnect();
    }
  });
});
