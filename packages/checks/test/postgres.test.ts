/**
 * postgresCheck against a real PostgreSQL (Debian's server, started by @health/test-services):
 * up, stopped mid-run and restarted, paused (accepts, never answers), wrong credentials.
 */
import { postgresCheck } from '@health/checks';
import { type PostgresHandle, startPostgres } from '@health/test-services';
import pg from 'pg';
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
let server: PostgresHandle;
let pool: pg.Pool;
let app: TestApp;

beforeAll(async () => {
  server = await startPostgres();
  pool = new pg.Pool({ ...server.connection, max: 4 });
  pool.on('error', () => {}); // idle clients error when the server goes away: the app's job
  app = await startApp([postgresCheck(pool, { ttl: 0 })]);
});

afterAll(() => closeAll(app, [() => pool?.end()], server));

describe('postgresCheck (real PostgreSQL)', () => {
  it('is UP through the held pool, with latency and pool occupancy, one connection for many probes', async () => {
    const { check } = await expectAllUp(app, ['postgres'], 20);
    expect(check.details?.pool).toMatchObject({ total: 1, waiting: 0 });
    expect(pool.totalCount).toBe(1);
  });

  itSurvivesSqlOutages(() => ({ app, server }), TIMEOUT, /^postgres query failed: /);

  it('never leaks credentials: wrong password (the server names the user in its error)', async () => {
    await expectWrongPasswordHidden(
      server,
      (password) => {
        const bad = new pg.Pool({ ...server.connection, password });
        bad.on('error', () => {});
        return { check: postgresCheck(bad, { ttl: 0 }), close: () => bad.end() };
      },
      { message: /password authentication failed/, code: '28P01' },
    );
  });

  it('works on a single pg.Client and with a custom query', async () => {
    const client = new pg.Client(server.connection);
    client.on('error', () => {});
    await client.connect();
    const single = await startApp([
      postgresCheck(client, { name: 'pg-client', query: 'SELECT now()', ttl: 0 }),
    ]);
    try {
      const { check } = await expectAllUp(single, ['pg-client']);
      expect(check.details?.pool).toBeUndefined();
    } finally {
      await single.close();
      await client.end();
    }
  });

  it('reports a failing query with its SQLSTATE, never the SQL text of the connection', async () => {
    const failing = await startApp([
      postgresCheck(pool, { query: 'SELECT * FROM missing_table', ttl: 0 }),
    ]);
    try {
      const { status, check } = await failing.details();
      expect(status).toBe(503);
      expect(check.message).toMatch(/relation "missing_table" does not exist/);
      expect(check.details?.code).toBe('42P01');
    } finally {
      await failing.close();
    }
  });
});
