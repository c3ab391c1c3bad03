/**
 * A real Redis server (Debian's `redis-server`): no persistence, `requirepass` set to a random
 * password, on 127.0.0.1 and a free port. Ready once `AUTH` + `PING` answers `+PONG`.
 */
import {
  findBinary,
  freePort,
  HOST,
  handle,
  ManagedServer,
  randomId,
  type ServiceHandle,
  talk,
  tempDir,
} from './server.js';

/** Options for `new Redis(connection)` (ioredis). node-redis takes `{ url }`. */
export interface RedisConnection {
  host: string;
  port: number;
  password: string;
}

export interface RedisHandle extends ServiceHandle {
  /** `redis://:password@127.0.0.1:port` — `createClient({ url })` (node-redis) or `new Redis(url)`. */
  readonly url: string;
  readonly password: string;
  /** `new Redis(handle.connection)` (ioredis). */
  readonly connection: RedisConnection;
}

/**
 * Starts a fresh Redis on a free port; resolves once it answers PING.
 * @example
 * const redis = await startRedis();
 * const client = new Redis(redis.connection); // ioredis
 * afterAll(() => redis.kill());
 */
export async function startRedis(): Promise<RedisHandle> {
  const binary = findBinary('redis-server', 'redis-server');
  const dir = await tempDir('redis');
  const password = `pw-${randomId(24)}`;
  const server = new ManagedServer({
    name: 'redis',
    port: await freePort(),
    dataDir: dir,
    launch: (port) => ({
      command: binary,
      args: [
        '--port',
        String(port),
        '--bind',
        HOST,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--dir',
        dir,
        '--requirepass',
        password,
        '--protected-mode',
        'no',
        '--loglevel',
        'warning',
      ],
    }),
    probe: async (port) => {
      const reply = await talk(
        port,
        `AUTH ${password}\r\nPING\r\n`,
        (received) => received.toString().split('\r\n').length > 2,
      );
      if (!reply.toString().includes('+PONG')) throw new Error(`unexpected reply ${reply}`);
    },
  });
  await server.firstStart(freePort);
  const port = server.port;
  return handle(server, `redis://:${password}@${HOST}:${port}`, {
    password,
    connection: { host: HOST, port, password },
  });
}
