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
  closeAll,
  expectAllUp,
  expectWrongPasswordHidden,
  itSurvivesSqlOutages,
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

afterAll(() => closeAll(app, [() => pool?.end()], server));

describe('mysqlCheck (real MariaDB)', () => {
  it('is UP on a mysql2/promise pool, reusing one connection for many probes', async () => {
    await expectAllUp(app, ['mysql'], 20);
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
      await expectAllUp(all, ['callback-pool', 'promise-connection', 'callback-connection']);
    } finally {
      await all.close();
      await new Promise((resolve) => callbackPool.end(resolve));
      await promiseConnection.end();
      await new Promise((resolve) => callbackConnection.end(resolve));
    }
  });

  itSurvivesSqlOutages(() => ({ app, server }), TIMEOUT, /^mysql query failed: /);

  it('never leaks credentials: wrong password (the server names user and host in its error)', async () => {
    await expectWrongPasswordHidden(
      server,
      (password) => {
        const bad = mysql.createPool({ ...server.connection, password });
        return { check: mysqlCheck(bad, { ttl: 0 }), close: () => bad.end() };
      },
      { message: /Access denied for user/, code: 'ER_ACCESS_DENIED_ERROR' },
    );
  });
});
