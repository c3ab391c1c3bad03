/**
 * @health/test-services — real servers for tests: PostgreSQL, Redis, MariaDB and RabbitMQ from
 * Debian's packages, each on 127.0.0.1 with a free port and its data in a temp dir, plus a
 * black-hole TCP listener. A missing binary throws (naming the apt package); nothing skips.
 */
export { type BlackHole, startBlackHole } from './black-hole.js';
export { type MariaDbConnection, type MariaDbHandle, startMariaDb } from './mariadb.js';
export { type PostgresConnection, type PostgresHandle, startPostgres } from './postgres.js';
export { type RabbitMqConnection, type RabbitMqHandle, startRabbitMq } from './rabbitmq.js';
export { type RedisConnection, type RedisHandle, startRedis } from './redis.js';
export {
  findBinary,
  findPostgresBinary,
  freePort,
  killAllSync,
  missingBinary,
  type ServiceHandle,
  type ServiceState,
} from './server.js';
