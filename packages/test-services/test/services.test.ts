/**
 * The helpers themselves: each server starts, answers, stops (refusing connections), restarts on
 * the same port with its data, pauses (accepts, never answers), resumes, and is cleaned up.
 */
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import {
  findBinary,
  type ServiceHandle,
  startBlackHole,
  startMariaDb,
  startPostgres,
  startRabbitMq,
  startRedis,
} from '@health/test-services';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

/** 'open' | 'refused' | 'silent' (accepted, nothing within ms after writing `hello`). */
function tcpState(
  port: number,
  hello: string | Buffer,
  ms = 400,
): Promise<'answered' | 'refused' | 'silent'> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('silent');
    }, ms);
    socket.on('connect', () => socket.write(hello));
    socket.on('data', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve('answered');
    });
    socket.on('error', () => {
      clearTimeout(timer);
      resolve('refused');
    });
  });
}

async function lifecycle(
  service: ServiceHandle,
  hello: string | Buffer,
  query: () => Promise<unknown>,
) {
  expect(service.state).toBe('running');
  expect(service.url).toContain(`127.0.0.1:${service.port}`);
  await query();
  await service.pause();
  expect(service.state).toBe('paused');
  expect(await tcpState(service.port, hello)).toBe('silent');
  await service.resume();
  await query();
  await service.stop();
  expect(service.state).toBe('stopped');
  expect(await tcpState(service.port, hello)).toBe('refused');
  await service.start();
  expect(service.state).toBe('running');
  await query();
  const dir = service.dataDir;
  await service.kill();
  expect(service.state).toBe('killed');
  expect(existsSync(dir)).toBe(false);
  expect(await tcpState(service.port, hello)).toBe('refused');
}

const started: ServiceHandle[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.kill()));
});

describe('@health/test-services', () => {
  it('postgres: credentials required, data survives a restart', async () => {
    const postgres = await startPostgres();
    started.push(postgres);
    const setup = new pg.Client(postgres.connection);
    await setup.connect();
    await setup.query('CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');
    await setup.end();
    const wrong = new pg.Client({ ...postgres.connection, password: 'wrong' });
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
    const query = async () => {
      const client = new pg.Client(postgres.connection);
      await client.connect();
      try {
        const { rows } = await client.query('SELECT v FROM kept');
        expect(rows).toEqual([{ v: 42 }]);
      } finally {
        await client.end();
      }
    };
    // Pausing holds already-open connections too; on resume the held query gets its answer.
    const held = new pg.Client(postgres.connection);
    held.on('error', () => {});
    await held.connect();
    await postgres.pause();
    const pending = held.query('SELECT 1 AS one').then(() => 'answered');
    const answered = await Promise.race([
      pending,
      new Promise((resolve) => setTimeout(resolve, 400, 'silent')),
    ]);
    await postgres.resume();
    expect(answered).toBe('silent');
    expect(await pending).toBe('answered');
    await held.end();
    await lifecycle(postgres, Buffer.from([0, 0, 0, 8, 4, 0xd2, 0x16, 0x2f]), query);
  });

  it('redis: password required', async () => {
    const redis = await startRedis();
    started.push(redis);
    const ping = async () => {
      const { talk } = await import('../src/server.js');
      const reply = await talk(redis.port, `AUTH ${redis.password}\r\nPING\r\n`, (b) =>
        b.includes('PONG'),
      );
      expect(reply.toString()).toContain('+PONG');
    };
    await lifecycle(redis, 'PING\r\n', ping);
  });

  it('mariadb: app user with a password', async () => {
    const mariadb = await startMariaDb();
    started.push(mariadb);
    await expect(
      mysql.createConnection({ ...mariadb.connection, password: 'wrong' }),
    ).rejects.toThrow(/Access denied/);
    const query = async () => {
      const connection = await mysql.createConnection(mariadb.connection);
      try {
        const [rows] = await connection.query('SELECT 1 AS one');
        expect(rows).toEqual([{ one: 1 }]);
      } finally {
        await connection.end();
      }
    };
    // MariaDB greets first, so "hello" is irrelevant: paused means no greeting.
    await lifecycle(mariadb, '', query);
  });

  it('rabbitmq: AMQP handshake, restart on the same port', { timeout: 90_000 }, async () => {
    const rabbit = await startRabbitMq();
    started.push(rabbit);
    expect(rabbit.port).toBeLessThan(45_536);
    const header = Buffer.from('AMQP\x00\x00\x09\x01', 'latin1');
    const handshake = async () =>
      expect(await tcpState(rabbit.port, header, 2000)).toBe('answered');
    await lifecycle(rabbit, header, handshake);
  });

  it('black hole: accepts and never answers', async () => {
    const hole = await startBlackHole();
    expect(await tcpState(hole.port, 'hello?')).toBe('silent');
    expect(hole.connections).toBe(1);
    await hole.close();
    expect(await tcpState(hole.port, 'hello?')).toBe('refused');
  });

  it('a missing binary fails with the apt command, never skips', () => {
    expect(() => findBinary('definitely-not-a-server', 'some-package')).toThrow(
      /"definitely-not-a-server" was not found\. Install it: `sudo apt-get install -y --no-install-recommends some-package`/,
    );
  });
});
