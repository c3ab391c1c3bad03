/**
 * @health/checks — ready-made @health checks: the dependencies a service already holds
 * (PostgreSQL, MySQL/MariaDB, Redis, RabbitMQ, anything via `pingCheck`), the network (HTTP,
 * TCP, DNS) and the process (event loop, heap, RSS, disk). Drivers are optional peers, never
 * imported: each check is duck-typed on the client you pass.
 */
export { type DiskSpaceCheckOptions, diskSpaceCheck } from './disk.js';
export { type DnsCheckOptions, dnsCheck } from './dns.js';
export {
  type EventLoopDelayCheckOptions,
  type EventLoopUtilizationCheckOptions,
  eventLoopDelayCheck,
  eventLoopUtilizationCheck,
} from './event-loop.js';
export { type HttpCheckOptions, httpCheck } from './http.js';
export { type HeapCheckOptions, heapCheck, type RssCheckOptions, rssCheck } from './memory.js';
export { type MysqlCheckOptions, type MysqlQueryable, mysqlCheck } from './mysql.js';
export { type PingCheckOptions, pingCheck } from './ping.js';
export { type PostgresCheckOptions, type PostgresQueryable, postgresCheck } from './postgres.js';
export {
  type AmqpChannelLike,
  type AmqpConnectionLike,
  type AmqpEvents,
  type RabbitMqCheckOptions,
  rabbitMqCheck,
} from './rabbitmq.js';
export { type RedisCheckOptions, type RedisPingable, redisCheck } from './redis.js';
export {
  type CheckOptions,
  DEFAULT_TIMEOUT,
  type DependencyCheckOptions,
  safeMessage,
  scrub,
} from './shared.js';
export { type TcpCheckOptions, tcpCheck } from './tcp.js';
