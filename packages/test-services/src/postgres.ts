/**
 * A real PostgreSQL server (Debian's `postgresql` package): `initdb` into a temp dir with a
 * random superuser and password (scram-sha-256 over TCP), then `postgres` on 127.0.0.1.
 * As root both run as the `postgres` system user (initdb refuses to run as root).
 */
import { execFile } from 'node:child_process';
import { chown, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import {
  findPostgresBinary,
  freePort,
  HOST,
  isRoot,
  ManagedServer,
  randomId,
  systemUser,
  tempDir,
} from './server.js';
import { type SqlConnection, type SqlServerHandle, selectOne, startSqlServer } from './sql.js';

/** Options for `pg.Pool` / `pg.Client` (and most other Postgres clients). */
export type PostgresConnection = SqlConnection;

/** `new pg.Pool(handle.connection)`; `url` is `postgres://user:password@127.0.0.1:port/postgres`. */
export type PostgresHandle = SqlServerHandle;

const run = promisify(execFile);

/**
 * Starts a fresh PostgreSQL on a free port; resolves once it answers `SELECT 1`.
 * @example
 * const postgres = await startPostgres();
 * const pool = new pg.Pool(postgres.connection);
 * afterAll(() => postgres.kill());
 */
export async function startPostgres(): Promise<PostgresHandle> {
  const initdb = findPostgresBinary('initdb');
  const postgres = findPostgresBinary('postgres');
  const owner = isRoot() ? systemUser('postgres') : undefined;
  if (isRoot() && !owner) {
    throw new Error(
      '@health/test-services: running as root but there is no "postgres" system user to run PostgreSQL as. Install it: `sudo apt-get install -y --no-install-recommends postgresql`.',
    );
  }
  const dir = await tempDir('postgres');
  const data = join(dir, 'data');
  const user = `u_${randomId(10)}`;
  const password = `pw-${randomId(24)}`;
  const database = 'postgres';
  const pwfile = join(dir, 'pwfile');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) {
    await chown(dir, owner.uid, owner.gid);
    await chown(pwfile, owner.uid, owner.gid);
  }
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
  try {
    await run(
      initdb,
      [
        '-D',
        data,
        '-U',
        user,
        `--pwfile=${pwfile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '--no-sync',
        '--encoding=UTF8',
        '--locale=C',
      ],
      { ...asOwner, cwd: dir, env: { ...process.env, LC_ALL: 'C' } },
    );
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    const e = error as { stderr?: string; message: string };
    throw new Error(`@health/test-services: initdb failed: ${e.stderr || e.message}`);
  }
  const server = new ManagedServer({
    name: 'postgres',
    port: await freePort(),
    dataDir: dir,
    stopSignal: 'SIGINT', // "fast" shutdown: disconnects clients, like a failover or restart
    launch: (port) => ({
      command: postgres,
      args: [
        '-D',
        data,
        '-p',
        String(port),
        '-h',
        HOST,
        '-k',
        '',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'shared_buffers=16MB',
        '-c',
        'max_connections=40',
        '-c',
        'dynamic_shared_memory_type=mmap',
        '-c',
        'log_min_messages=warning',
      ],
      ...asOwner,
      env: { ...process.env, LC_ALL: 'C' },
    }),
    probe: async (port) => {
      const client = new pg.Client({
        host: HOST,
        port,
        user,
        password,
        database,
        connectionTimeoutMillis: 1000,
      });
      client.on('error', () => {});
      await selectOne(client, () => client.connect());
    },
  });
  return startSqlServer(server, 'postgres', { user, password, database });
}
