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
  return openPGliteWorker();
}

/**
 * PGlite in a `node:worker_threads` Worker: its seconds-long WASM start-up runs off the main
 * thread, so the service keeps answering its probes (liveness 200, readiness 503) meanwhile.
 */
async function openPGliteWorker(): Promise<Database> {
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), { execArgv: [] });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let next = 0;
  const opened = new Promise<void>((resolve, reject) => {
    worker.on(
      'message',
      (message: { id?: number; ready?: boolean; result?: unknown; error?: string }) => {
        if (message.ready !== undefined) {
          return message.ready
            ? resolve()
            : reject(new Error(`PGlite failed to open: ${message.error}`));
        }
        const call = pending.get(message.id as number);
        pending.delete(message.id as number);
        if (message.error !== undefined) call?.reject(new Error(message.error));
        else call?.resolve(message.result);
      },
    );
    worker.once('error', reject);
    worker.once('exit', (code) => {
      const error = new Error(`PGlite worker exited (code ${code})`);
      reject(error);
      for (const call of pending.values()) call.reject(error);
      pending.clear();
    });
  });
  const send = (message: { sql?: string; close?: true }) =>
    new Promise<unknown>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });
  await opened;
  return {
    kind: 'pglite',
    query: (sql) => send({ sql: typeof sql === 'string' ? sql : sql.text }),
    close: async () => {
      await send({ close: true });
      await worker.terminate();
    },
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

/**
 * Starts opening the database without waiting: `db` can be handed to routes and checks at once
 * (its queries wait for the open), `opened` settles when it is usable. This is what lets a
 * service listen first, answer STARTING, and call `markReady()` only after `await opened`.
 */
export function startDatabase(url = process.env.DATABASE_URL): {
  db: Database;
  opened: Promise<Database>;
} {
  const opened = openDatabase(url);
  opened.catch(() => {}); // the caller awaits `opened` and reports the failure
  const kind = url ? 'postgres' : 'pglite';
  return {
    opened,
    db: {
      kind,
      query: async (sql) => (await opened).query(sql),
      close: async () => (await opened).close(),
    },
  };
}

/** An optional artificial warm-up (`WARMUP_MS`), so tests and demos can watch STARTING. */
export const warmUp = (ms = Number(process.env.WARMUP_MS ?? 0)) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));
