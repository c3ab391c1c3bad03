/**
 * A real RabbitMQ node (Debian's `rabbitmq-server`): a unique node name, AMQP on 127.0.0.1 and
 * a free port below 45536 (its Erlang distribution port is port + 20000), mnesia and logs in a
 * temp dir, a user with a random name and password. Takes ~6 s to boot.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  findBinary,
  freePortPair,
  HOST,
  handle,
  ManagedServer,
  randomId,
  type ServiceHandle,
  talk,
  tempDir,
} from './server.js';

/** The object form of `amqplib.connect(connection)`. */
export interface RabbitMqConnection {
  protocol: 'amqp';
  hostname: string;
  port: number;
  username: string;
  password: string;
  vhost: string;
}

export interface RabbitMqHandle extends ServiceHandle {
  /** `amqp://user:password@127.0.0.1:port` — `amqplib.connect(handle.url)`. */
  readonly url: string;
  readonly user: string;
  readonly password: string;
  /** `amqplib.connect(handle.connection)` */
  readonly connection: RabbitMqConnection;
  /** The Erlang node name, e.g. `health-x1y2@localhost`. */
  readonly nodeName: string;
}

const DIST_OFFSET = 20_000;
/** AMQP 0-9-1 protocol header; a ready broker answers with a connection.start method frame. */
const AMQP_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]);

/**
 * Starts a fresh RabbitMQ node; resolves once it answers the AMQP handshake (~6 s).
 * @example
 * const rabbit = await startRabbitMq();
 * const connection = await amqplib.connect(rabbit.url);
 * afterAll(() => rabbit.kill());
 */
export async function startRabbitMq(): Promise<RabbitMqHandle> {
  findBinary('rabbitmq-server', 'rabbitmq-server');
  // The Debian wrapper in /usr/sbin re-executes as the rabbitmq user through `su`, losing
  // our environment; the real script runs fine as any user.
  const script = '/usr/lib/rabbitmq/bin/rabbitmq-server';
  const binary = existsSync(script) ? script : findBinary('rabbitmq-server', 'rabbitmq-server');
  const dir = await tempDir('rabbitmq');
  const user = `u_${randomId(10)}`;
  const password = `pw-${randomId(24)}`;
  const nodeName = `health-${randomId(8)}@localhost`;
  await writeFile(
    join(dir, 'rabbitmq.conf'),
    [
      'loopback_users = none',
      `default_user = ${user}`,
      `default_pass = ${password}`,
      'disk_free_limit.absolute = 1MB',
      'vm_memory_high_watermark.relative = 0.9',
      '',
    ].join('\n'),
  );
  await writeFile(join(dir, 'enabled_plugins'), '[].\n');
  const server = new ManagedServer({
    name: 'rabbitmq',
    port: await freePortPair(DIST_OFFSET),
    dataDir: dir,
    startTimeout: 60_000,
    launch: (port) => ({
      command: binary,
      args: [],
      env: {
        ...process.env,
        HOME: dir, // the Erlang cookie goes here
        RABBITMQ_NODENAME: nodeName,
        RABBITMQ_NODE_IP_ADDRESS: HOST,
        RABBITMQ_NODE_PORT: String(port),
        RABBITMQ_DIST_PORT: String(port + DIST_OFFSET),
        RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
        RABBITMQ_LOG_BASE: join(dir, 'log'),
        RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
        RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
        RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
        RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
        RABBITMQ_PID_FILE: join(dir, 'rabbitmq.pid'),
      },
    }),
    probe: async (port) => {
      const reply = await talk(port, AMQP_HEADER, (received) => received.length >= 8);
      if (reply[0] !== 1) throw new Error('no AMQP connection.start frame yet');
    },
  });
  await server.firstStart(() => freePortPair(DIST_OFFSET));
  const port = server.port;
  return handle(server, `amqp://${user}:${password}@${HOST}:${port}`, {
    user,
    password,
    nodeName,
    connection: {
      protocol: 'amqp' as const,
      hostname: HOST,
      port,
      username: user,
      password,
      vhost: '/',
    },
  });
}
