/**
 * A real MariaDB server (Debian's `mariadb-server`): `mariadb-install-db` into a temp dir,
 * `mariadbd` on 127.0.0.1, then a user with a random name and password (the way services
 * connect: over TCP, with credentials) and an `app` database.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { findBinary, freePort, HOST, isRoot, ManagedServer, randomId, tempDir } from './server.js';
import { type SqlConnection, type SqlServerHandle, selectOne, startSqlServer } from './sql.js';

/** Options for `mysql.createPool(connection)` (mysql2) and most MySQL clients. */
export type MariaDbConnection = SqlConnection;

/** `mysql.createPool(handle.connection)`; `url` is `mysql://user:password@127.0.0.1:port/app`. */
export type MariaDbHandle = SqlServerHandle;

const run = promisify(execFile);
const SMALL = ['--innodb-buffer-pool-size=8M', '--innodb-log-file-size=4M', '--skip-name-resolve'];

/**
 * Starts a fresh MariaDB on a free port; resolves once the app user can run `SELECT 1`.
 * @example
 * const mariadb = await startMariaDb();
 * const pool = mysql.createPool(mariadb.connection);
 * afterAll(() => mariadb.kill());
 */
export async function startMariaDb(): Promise<MariaDbHandle> {
  const installDb = findBinary('mariadb-install-db', 'mariadb-server');
  const mariadbd = findBinary('mariadbd', 'mariadb-server');
  const dir = await tempDir('mariadb');
  const data = join(dir, 'data');
  const socket = join(dir, 'mariadb.sock');
  const user = `u_${randomId(10)}`;
  const password = `pw-${randomId(24)}`;
  const database = 'app';
  const asUser = isRoot() ? ['--user=root'] : [];
  try {
    await run(
      installDb,
      [
        '--no-defaults',
        `--datadir=${data}`,
        ...asUser,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        ...SMALL,
      ],
      { cwd: dir },
    );
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(
      `@health/test-services: mariadb-install-db failed: ${e.stderr || e.stdout || e.message}`,
    );
  }
  let provisioned = false;
  const server = new ManagedServer({
    name: 'mariadb',
    port: await freePort(),
    dataDir: dir,
    launch: (port) => ({
      command: mariadbd,
      args: [
        '--no-defaults',
        `--datadir=${data}`,
        `--port=${port}`,
        `--bind-address=${HOST}`,
        `--socket=${socket}`,
        `--pid-file=${join(dir, 'mariadbd.pid')}`,
        ...asUser,
        '--skip-log-bin',
        '--innodb-flush-log-at-trx-commit=0',
        '--max-connections=60',
        ...SMALL,
      ],
    }),
    probe: async (port) => {
      if (!provisioned) {
        // First start: root over the socket (no password) creates the app user.
        const root = await mysql.createConnection({
          socketPath: socket,
          user: 'root',
          connectTimeout: 1000,
        });
        try {
          await root.query(`CREATE USER IF NOT EXISTS '${user}'@'%' IDENTIFIED BY '${password}'`);
          await root.query(`GRANT ALL PRIVILEGES ON *.* TO '${user}'@'%'`);
          await root.query(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
        } finally {
          await root.end().catch(() => {});
        }
        provisioned = true;
      }
      const client = await mysql.createConnection({
        host: HOST,
        port,
        user,
        password,
        database,
        connectTimeout: 1000,
      });
      await selectOne(client);
    },
  });
  return startSqlServer(server, 'mysql', { user, password, database });
}
