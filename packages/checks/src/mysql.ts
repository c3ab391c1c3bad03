/**
 * MySQL / MariaDB: `SELECT 1` on the `mysql2` pool or connection the service already holds —
 * promise or callback API — bounded by mysql2's own per-query `timeout`.
 */
import { type CheckDefinition, isPending } from '@health/core';
import {
  type DependencyCheckOptions,
  defineCheck,
  measure,
  secretsOf,
  timeoutOf,
} from './shared.js';

/**
 * A `mysql2` pool, pool connection or connection, from `mysql2` (callbacks) or
 * `mysql2/promise`. Anything with a `query()` returning a promise also fits.
 */
export interface MysqlQueryable {
  query(...args: never[]): unknown;
}

export interface MysqlCheckOptions extends DependencyCheckOptions {
  /** The query to run. @default 'SELECT 1' */
  query?: string;
}

type Callback = (error: unknown, result?: unknown) => void;
interface CallbackQueryable {
  query(options: { sql: string; timeout: number }, callback: Callback): unknown;
  config: unknown;
}

/** The callback-API object under a `mysql2/promise` wrapper (`.pool` / `.connection`), if any. */
function callbackApi(client: unknown): CallbackQueryable | undefined {
  const record = client as Record<string, unknown>;
  // mysql2/promise wrappers keep the callback object as `.pool` / `.connection`.
  for (const key of ['pool', 'connection']) {
    const inner = record[key] as Record<string, unknown> | undefined;
    if (inner && typeof inner.query === 'function' && inner.config) {
      return inner as unknown as CallbackQueryable;
    }
  }
  if (record.config && typeof record.query === 'function') return client as CallbackQueryable;
  return undefined;
}

/**
 * Checks a MySQL/MariaDB pool or connection by running `SELECT 1` on it.
 * @example
 * import mysql from 'mysql2/promise';
 * const pool = mysql.createPool(process.env.DATABASE_URL);
 * createHealth({ checks: [mysqlCheck(pool)] });
 */
export function mysqlCheck(
  client: MysqlQueryable,
  options: MysqlCheckOptions = {},
): CheckDefinition {
  const sql = options.query ?? 'SELECT 1';
  const timeout = timeoutOf(options);
  return defineCheck({ name: 'mysql', dependency: true }, options, (context) =>
    measure(
      'mysql query failed',
      context,
      () => secretsOf(client, options.secrets),
      () => {
        const core = callbackApi(client);
        if (core) {
          return new Promise<undefined>((resolve, reject) => {
            core.query({ sql, timeout }, (error) => (error ? reject(error) : resolve(undefined)));
          });
        }
        const result = (client.query as (sql: string) => unknown)(sql);
        if (isPending(result)) return result.then(() => undefined);
        return Promise.reject(
          new Error('query() returned no promise; pass a mysql2 pool or connection'),
        );
      },
    ),
  );
}
