/**
 * postgresCheck against a real PostgreSQL (Debian's server, started by @health/test-services):
 * up, stopped mid-run and restarted, paused (accepts, never answers), wrong credentials.
 */
import { postgresCheck } from '@health/checks';
import { type PostgresHandle, startPostgres } from '@health/test-services';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectBoundedWhilePaused,
  expectFailsWhileStopped,
  expectNoLeak,
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

afterAll(async () => {
  await app?.close();
  await pool?.end().catch(() => {});
  await server?.kill();
});

describe('postgresCheck (real PostgreSQL)', () => {
  it('is UP through the held pool, with latency and pool occupancy, one connection for many probes', async () => {
    for (let i = 0; i < 20; i++) expect((await app.probe()).status).toBe(200);
    const { status, check } = await app.details();
    expect(status).toBe(200);
    expect(check).toMatchObject({ name: 'postgres', status: 'UP' });
    expect(check.details?.latencyMs).toEqual(expect.any(Number));
    expect(check.details?.pool).toMatchObject({ total: 1, waiting: 0 });
    expect(pool.totalCount).toBe(1);
  });

  it('fails within its timeout when the server stops, the app keeps serving, and recovers on start()', async () => {
    await expectFailsWhileStopped(app, server, TIMEOUT, /^postgres query failed: /);
  });

  it('times out in bounded time when the server accepts but never answers, and recovers on resume()', async () => {
    await expectBoundedWhilePaused(app, server, TIMEOUT, ([check]) =>
      expect(check?.message).toMatch(/timed out|timeout/i),
    );
  });

  it('never leaks credentials: wrong password (the server names the user in its error)', async () => {
    const bad = new pg.Pool({ ...server.connection, password: 'wrong-Secret-123' });
    bad.on('error', () => {});
    const leaky = await startApp([postgresCheck(bad, { ttl: 0 })]);
    try {
      const check = await expectNoLeak(leaky, { ...server, password: 'wrong-Secret-123' });
      expect(check.message).toMatch(/password authentication failed/);
      expect(check.details?.code).toBe('28P01');
      const detailed = await leaky.details();
      expect(detailed.body).not.toContain(server.password);
    } finally {
      await leaky.close();
      await bad.end().catch(() => {});
    }
  });

  it('works on a single pg.Client and with a custom query', async () => {
    const client = new pg.Client(server.connection);
    client.on('error', () => {});
    await client.connect();
    const single = await startApp([
      postgresCheck(client, { name: 'pg-client', query: 'SELECT now()', ttl: 0 }),
    ]);
    try {
      const { status, check } = await single.details();
      expect(status).toBe(200);
      expect(check).toMatchObject({ name: 'pg-client', status: 'UP' });
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
