/**
 * mysqlCheck against a real MariaDB (Debian's server, started by @health/test-services), through
 * every mysql2 object a service may hold: promise/callback pools and connections.
 */
import { mysqlCheck } from '@health/checks';
import { type MariaDbHandle, startMariaDb } from '@health/test-services';
import mysqlCallbacks from 'mysql2';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectBoundedWhilePaused,
  expectFailsWhileStopped,
  expectNoLeak,
  startApp,
  type TestApp,
} from './helpers.js';

const TIMEOUT = 500;
let server: MariaDbHandle;
let pool: mysql.Pool;
let app: TestApp;

beforeAll(async () => {
  server = await startMariaDb();
  pool = mysql.createPool({ ...server.connection, connectionLimit: 4 });
  app = await startApp([mysqlCheck(pool, { ttl: 0 })]);
});

afterAll(async () => {
  await app?.close();
  await pool?.end().catch(() => {});
  await server?.kill();
});

describe('mysqlCheck (real MariaDB)', () => {
  it('is UP on a mysql2/promise pool, reusing one connection for many probes', async () => {
    for (let i = 0; i < 20; i++) expect((await app.probe()).status).toBe(200);
    const { status, check } = await app.details();
    expect(status).toBe(200);
    expect(check).toMatchObject({ name: 'mysql', status: 'UP' });
    expect(check.details?.latencyMs).toEqual(expect.any(Number));
    const [rows] = await pool.query("SHOW STATUS LIKE 'Threads_connected'");
    // This query's own connection plus the check's: the pool did not grow per probe.
    expect(Number((rows as { Value: string }[])[0]?.Value)).toBeLessThanOrEqual(2);
  });

  it('works on callback pools and on promise and callback connections', async () => {
    const callbackPool = mysqlCallbacks.createPool(server.connection);
    const promiseConnection = await mysql.createConnection(server.connection);
    const callbackConnection = mysqlCallbacks.createConnection(server.connection);
    const all = await startApp([
      mysqlCheck(callbackPool, { name: 'callback-pool', ttl: 0 }),
      mysqlCheck(promiseConnection, { name: 'promise-connection', ttl: 0 }),
      mysqlCheck(callbackConnection, { name: 'callback-connection', ttl: 0 }),
    ]);
    try {
      const { status, checks } = await all.details();
      expect(status).toBe(200);
      expect(checks.map((c) => [c.name, c.status])).toEqual([
        ['callback-pool', 'UP'],
        ['promise-connection', 'UP'],
        ['callback-connection', 'UP'],
      ]);
    } finally {
      await all.close();
      await new Promise((resolve) => callbackPool.end(resolve));
      await promiseConnection.end();
      await new Promise((resolve) => callbackConnection.end(resolve));
    }
  });

  it('fails within its timeout when the server stops, the app keeps serving, and recovers on start()', async () => {
    await expectFailsWhileStopped(app, server, TIMEOUT, /^mysql query failed: /);
  });

  it('times out in bounded time when the server accepts but never answers, and recovers on resume()', async () => {
    await expectBoundedWhilePaused(app, server, TIMEOUT, ([check]) =>
      expect(check?.message).toMatch(/timed out|timeout/i),
    );
  });

  it('never leaks credentials: wrong password (the server names user and host in its error)', async () => {
    const bad = mysql.createPool({ ...server.connection, password: 'wrong-Secret-123' });
    const leaky = await startApp([mysqlCheck(bad, { ttl: 0 })]);
    try {
      const check = await expectNoLeak(leaky, { ...server, password: 'wrong-Secret-123' });
      expect(check.message).toMatch(/Access denied for user/);
      expect(check.details?.code).toBe('ER_ACCESS_DENIED_ERROR');
      expect((await leaky.details()).body).not.toContain(server.password);
    } finally {
      await leaky.close();
      await bad.end().catch(() => {});
    }
  });
});
