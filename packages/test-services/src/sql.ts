/**
 * What PostgreSQL and MariaDB share: the same connection options (pg and mysql2 both take
 * host/port/user/password/database), readiness = the generated user can run `SELECT 1`, and a
 * handle carrying those credentials plus a `scheme://user:password@127.0.0.1:port/database` URL.
 */
import { freePort, HOST, handle, type ManagedServer, type ServiceHandle } from './server.js';

/** Options for `new pg.Pool(connection)`, `mysql.createPool(connection)` and most SQL clients. */
export interface SqlConnection {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export interface SqlServerHandle extends ServiceHandle {
  /** `scheme://user:password@127.0.0.1:port/database` */
  readonly url: string;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly connection: SqlConnection;
}

/** The part of a pg or mysql2 client the readiness probe uses. */
interface SqlClient {
  query(sql: string): Promise<unknown>;
  end(): Promise<unknown>;
}

/**
 * The readiness probe of a SQL server: `connect` (if the client needs it) and `SELECT 1`, closing
 * the client whatever happened — the probe runs every 50 ms until the server is up.
 */
export async function selectOne(
  client: SqlClient,
  connect: () => Promise<unknown> = async () => {},
): Promise<void> {
  try {
    await connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The first start of a SQL server (retried on another free port if the chosen one was taken
 * meanwhile), then its handle with the credentials the probe used.
 */
export async function startSqlServer(
  server: ManagedServer,
  scheme: 'postgres' | 'mysql',
  credentials: { user: string; password: string; database: string },
): Promise<SqlServerHandle> {
  await server.firstStart(freePort);
  const { user, password, database } = credentials;
  const port = server.port;
  const connection: SqlConnection = { host: HOST, port, user, password, database };
  return handle(server, `${scheme}://${user}:${password}@${HOST}:${port}/${database}`, {
    user,
    password,
    database,
    connection,
  });
}
