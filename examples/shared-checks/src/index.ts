/**
 * Checks written once and shared by every example service, whatever its framework — the way a
 * team publishes its own `@acme/health-checks` and uses it across services.
 */
import type { CheckDefinition } from '@health/core';

/** The one thing the checks need from the database the service already holds. */
export interface Database {
  /** Runs a query on the service's existing pool/connection. */
  query(sql: string): Promise<unknown>;
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
    return { kind: 'postgres', query: (sql) => pool.query(sql), close: () => pool.end() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
  return { kind: 'pglite', query: (sql) => db.query(sql), close: () => db.close() };
}

export interface ServiceDependencies {
  db: Database;
}

/**
 * The checks every example service registers:
 * - `database` (readiness): the service's own pool answers `SELECT 1` — a dependency, so it
 *   never runs on liveness; results cached so probe storms don't reach the database.
 * - `event-loop` (liveness): the process itself is responsive.
 */
export function serviceChecks({ db }: ServiceDependencies): CheckDefinition[] {
  return [
    {
      name: 'database',
      dependency: true,
      timeout: 500,
      ttl: 2_000,
      failureTtl: 1_000,
      check: async () => {
        const started = performance.now();
        await db.query('SELECT 1');
        return {
          status: 'UP',
          details: { kind: db.kind, latencyMs: Math.round(performance.now() - started) },
        };
      },
    },
    {
      name: 'event-loop',
      probes: ['liveness'],
      timeout: 500,
      check: () => new Promise<void>((resolve) => setImmediate(resolve)),
    },
  ];
}
