/**
 * rabbitMqCheck against a real RabbitMQ node (Debian's server, started by @health/test-services),
 * through amqplib 2 (promise, recovering and callback connections) and amqplib 0.10 (connection
 * and channel): up, queue details, paused (accepts, never answers), stopped and restarted.
 */
import { createRequire } from 'node:module';
import { rabbitMqCheck } from '@health/checks';
import { type RabbitMqHandle, startRabbitMq } from '@health/test-services';
import amqplib from 'amqplib';
import * as amqpCallback from 'amqplib/callback_api';
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

// amqplib 0.10 ships no types; its promise API is the one @types/amqplib and amqplib 2 describe.
const amqpV0 = createRequire(import.meta.url)('amqplib-v0') as typeof amqplib;

const TIMEOUT = 500;
let server: RabbitMqHandle;
let app: TestApp;
let channelsOpened = 0;
const connections: { close(): unknown }[] = [];

beforeAll(async () => {
  server = await startRabbitMq();
  const v2 = await amqplib.connect(server.url);
  const recovering = await amqplib.connect(server.url, {
    recovery: { initialDelay: 100, maxDelay: 500 },
  });
  const callback = await new Promise<amqpCallback.Connection>((resolve, reject) =>
    amqpCallback.connect(server.url, (error: Error | null, c: amqpCallback.Connection) =>
      error ? reject(error) : resolve(c),
    ),
  );
  const v0 = await amqpV0.connect(server.url);
  const v0channel = await v0.createChannel();
  for (const emitter of [v2, recovering, callback, v0, v0channel]) emitter.on('error', () => {});
  connections.push(v2, recovering, callback, v0);

  const setup = await v2.createChannel();
  await setup.assertQueue('orders', { durable: true });
  for (let i = 0; i < 3; i++) setup.sendToQueue('orders', Buffer.from(`order ${i}`));
  await setup.close();

  // Count the channels the check opens on the v2 connection.
  const create = v2.createChannel.bind(v2);
  v2.createChannel = (options) => {
    channelsOpened++;
    return create(options);
  };
  app = await startApp([
    rabbitMqCheck(v2, { name: 'amqplib-2', ttl: 0 }),
    rabbitMqCheck(recovering, { name: 'amqplib-2-recovering', ttl: 0 }),
    rabbitMqCheck(callback, { name: 'amqplib-2-callback-api', ttl: 0 }),
    rabbitMqCheck(v0, { name: 'amqplib-0', ttl: 0 }),
    rabbitMqCheck(v0channel, { name: 'amqplib-0-channel', ttl: 0 }),
    rabbitMqCheck(recovering, { name: 'orders-queue', queue: 'orders', ttl: 0 }),
  ]);
}, 90_000);

afterAll(() =>
  closeAll(
    app,
    connections.map((c) => () => c.close()),
    server,
  ),
);

describe('rabbitMqCheck (real RabbitMQ)', () => {
  it('is UP on every connection and channel kind, with one channel of its own per connection', async () => {
    const { byName } = await expectAllUp(
      app,
      [
        'amqplib-2',
        'amqplib-2-recovering',
        'amqplib-2-callback-api',
        'amqplib-0',
        'amqplib-0-channel',
        'orders-queue',
      ],
      10,
    );
    expect(byName['orders-queue']?.details).toMatchObject({ messageCount: 3, consumerCount: 0 });
    expect(channelsOpened).toBe(1);
  });

  it('times out in bounded time when the broker accepts but never answers, and recovers on resume()', async () => {
    await expectBoundedWhilePaused(app, server, TIMEOUT, (checks) => {
      expect(checks).toHaveLength(6);
      for (const check of checks) {
        expect(check, JSON.stringify(checks)).toMatchObject({ status: 'DOWN', timedOut: true });
      }
    });
  });

  it('fails when the broker stops, the app keeps serving, and a recovering connection comes back on start()', {
    timeout: 90_000,
  }, async () => {
    await server.stop();
    const down = await eventually(
      () => app.details(),
      (r) => r.checks.every((c) => c.status === 'DOWN'),
      5000,
    );
    expect(down.status).toBe(503);
    expect(down.ms).toBeLessThan(TIMEOUT + SLACK);
    expect(down.byName['amqplib-2']?.message).toBe('rabbitmq check failed: connection is closed');
    expect(down.byName['amqplib-0-channel']?.message).toBe(
      'rabbitmq check failed: channel is closed',
    );
    expect((await app.app()).status).toBe(200);
    await expectNoLeak(app, server);
    await server.start();
    const back = await eventually(
      () => app.details(),
      (r) =>
        r.byName['amqplib-2-recovering']?.status === 'UP' &&
        r.byName['orders-queue']?.status === 'UP',
      30_000,
      250,
    );
    // A plain connection stays closed: reconnecting is the app's job (or use amqplib 2's recovery).
    expect(back.byName['amqplib-2']?.status).toBe('DOWN');
  });
});
