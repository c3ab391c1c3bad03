/**
 * PostgreSQL: one small query on the `pg` Pool or Client the service already holds (no new
 * connection per probe), bounded by pg's own `query_timeout`; pool occupancy in the details.
 */
import type { CheckDefinition } from '@health/core';
import {
  type DependencyCheckOptions,
  defineCheck,
  measure,
  secretsOf,
  timeoutOf,
} from './shared.js';

/**
 * What the check needs from the client: pg's `query()` with a config object. A `pg.Pool`,
 * `pg.Client` or `pg.PoolClient` fits; so does anything that speaks the same API.
 */
export interface PostgresQueryable {
  query(config: { text: string; query_timeout?: number }): PromiseLike<unknown>;
}

export interface PostgresCheckOptions extends DependencyCheckOptions {
  /** The query to run. @default 'SELECT 1' */
  query?: string;
}

/**
 * Checks a PostgreSQL connection pool (or client) by running `SELECT 1` on it.
 * @example
 * import pg from 'pg';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * createHealth({ checks: [postgresCheck(pool)] });
 */
export function postgresCheck(
  client: PostgresQueryable,
  options: PostgresCheckOptions = {},
): CheckDefinition {
  const text = options.query ?? 'SELECT 1';
  const queryTimeout = timeoutOf(options);
  return defineCheck({ name: 'postgres', dependency: true }, options, (context) =>
    measure(
      'postgres query failed',
      context,
      () => secretsOf(client, options.secrets),
      async () => {
        await client.query({ text, query_timeout: queryTimeout });
        return poolStats(client);
      },
    ),
  );
}

/** `pg.Pool` occupancy: open connections, idle ones, and callers waiting for one. */
function poolStats(
  client: unknown,
): { pool: { total: number; idle: number; waiting: number } } | undefined {
  const pool = client as { totalCount?: unknown; idleCount?: unknown; waitingCount?: unknown };
  if (typeof pool.totalCount !== 'number') return undefined;
  return {
    pool: {
      total: pool.totalCount,
      idle: Number(pool.idleCount ?? 0),
      waiting: Number(pool.waitingCount ?? 0),
    },
  };
}
