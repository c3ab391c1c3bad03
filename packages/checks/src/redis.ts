/**
 * Redis: `PING` on the `ioredis` or `redis` (node-redis v4+) client the service already holds.
 * A client that is not connected (reconnecting, closed) fails at once instead of queueing.
 */
import type { CheckDefinition } from '@health/core';
import { type DependencyCheckOptions, defineCheck, measure, secretsOf } from './shared.js';

/**
 * An `ioredis` client or cluster, or a node-redis (`redis` v4+) client: anything with `ping()`.
 * `status` (ioredis) and `isOpen`/`isReady` (node-redis) are read when present.
 */
export interface RedisPingable {
  ping(): PromiseLike<unknown>;
}

export type RedisCheckOptions = DependencyCheckOptions;

interface NodeRedis {
  isOpen: boolean;
  isReady: boolean;
  withAbortSignal?: (signal: AbortSignal) => { ping(): PromiseLike<unknown> };
  commandOptions?: (options: { signal: AbortSignal }) => unknown;
  ping(options?: unknown): PromiseLike<unknown>;
}

/**
 * Checks a Redis client by sending `PING`.
 * @example
 * import { Redis } from 'ioredis'; // or: import { createClient } from 'redis';
 * const redis = new Redis(process.env.REDIS_URL);
 * createHealth({ checks: [redisCheck(redis)] });
 */
export function redisCheck(
  client: RedisPingable,
  options: RedisCheckOptions = {},
): CheckDefinition {
  return defineCheck({ name: 'redis', dependency: true }, options, (context) =>
    measure(
      'redis ping failed',
      context,
      () => secretsOf(client, options.secrets),
      async () => {
        const ioredis = client as unknown as { status?: unknown };
        if (typeof ioredis.status === 'string') {
          // 'wait' is a lazyConnect client that connects on its first command.
          if (ioredis.status !== 'ready' && ioredis.status !== 'wait') {
            throw new Error(`client is not connected (status "${ioredis.status}")`);
          }
          await client.ping();
          return undefined;
        }
        const nodeRedis = client as unknown as NodeRedis;
        if (typeof nodeRedis.isReady === 'boolean') {
          if (!nodeRedis.isOpen) throw new Error('client is closed');
          if (!nodeRedis.isReady) throw new Error('client is not ready (reconnecting)');
          if (typeof nodeRedis.withAbortSignal === 'function') {
            await nodeRedis.withAbortSignal(context.signal).ping(); // v5+
          } else if (typeof nodeRedis.commandOptions === 'function') {
            await nodeRedis.ping(nodeRedis.commandOptions({ signal: context.signal })); // v4
          } else {
            await nodeRedis.ping();
          }
          return undefined;
        }
        await client.ping();
        return undefined;
      },
    ),
  );
}
