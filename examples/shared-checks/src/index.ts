/**
 * Checks written once and shared by every example service, whatever its framework — the way a
 * team publishes its own `@acme/health-checks` and uses it across services. Built from the
 * ready-made checks of `@health/checks`, configured once with this team's policy.
 */
import { eventLoopDelayCheck, postgresCheck } from '@health/checks';
import type { CheckDefinition } from '@health/core';

/** The one thing the checks need from the database the service already holds. */
export interface Database {
  /**
   * Runs a query on the service's existing pool/connection: SQL text, or pg's query config
   * (`{ text, query_timeout }`, which is what `postgresCheck` sends).
   */
  query(sql: string | { text: string; query_timeout?: number }): Promise<unknown>;
  /** Closes the pool (a shutdown hook). */
  close(): Promise<void>;
  /** Which database this is, for logs (never includes credentials). */
  readonly kind: 'pglite' | 'postgres';
}

/**
 * Opens the service's database: PostgreSQL at `DATABASE_URL` through a `pg` pool when set,
 * otherwise an embedded PGlite (real PostgreSQL compiled to WASM, in memory), so the examples
 * run with no external server.
 */
export async function openDatabase(url = process.env.DATABASE_URL): Promise<Database> {
  if (url) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: url, max: 5, connectionTimeoutMillis: 2_000 });
    pool.on('error', () => {}); // an idle connection dropped by the server: the pool replaces it
    return { kind: 'postgres', query: (sql) => pool.query(sql), close: () => pool.end() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
  return {
    kind: 'pglite',
    query: (sql) => db.query(typeof sql === 'string' ? sql : sql.text),
    close: () => db.close(),
  };
}

export interface ServiceDependencies {
  db: Database;
}

/**
 * The checks every example service registers:
 * - `database` (readiness): the service's own pool answers `SELECT 1` within 500 ms — a
 *   dependency, so core refuses it on liveness; results cached 2 s (1 s when failing) so probe
 *   storms never reach the database.
 * - `event-loop` (liveness): the process itself is responsive — conservative, because failing
 *   liveness restarts the pod: only a p99 event-loop delay above 1 s fails it.
 */
export function serviceChecks({ db }: ServiceDependencies): CheckDefinition[] {
  return [
    postgresCheck(db, {
      name: 'database',
      ttl: 2_000,
      failureTtl: 1_000,
      labels: { kind: db.kind },
    }),
    eventLoopDelayCheck({ name: 'event-loop', probes: ['liveness'], threshold: 1_000 }),
  ];
}
