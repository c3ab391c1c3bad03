/**
 * RabbitMQ: a passive `exchange.declare` (or `queue.declare`) round trip on the `amqplib`
 * connection or channel the service already holds, plus its close/blocked state. Given a
 * connection, the check opens ONE channel of its own on first use and reuses it.
 */
import { type CheckDefinition, type CheckDetails, isPending } from '@health/core';
import { type DependencyCheckOptions, defineCheck, measure, secretsOf } from './shared.js';

type Listener = (...args: never[]) => void;

/** An EventEmitter-like object (amqplib connections and channels are). */
export interface AmqpEvents {
  on(event: string, listener: Listener): unknown;
}

/** An amqplib channel (promise or callback API). */
export interface AmqpChannelLike extends AmqpEvents {
  checkExchange(...args: never[]): unknown;
}

/**
 * An amqplib connection: `amqplib.connect()`'s ChannelModel, amqplib 2's recovering connection,
 * or a `amqplib/callback_api` connection.
 */
export interface AmqpConnectionLike extends AmqpEvents {
  createChannel(...args: never[]): unknown;
}

export interface RabbitMqCheckOptions extends DependencyCheckOptions {
  /**
   * The exchange to check passively (it must exist: a missing one makes the broker close the
   * channel). Ignored when `queue` is set.
   * @default 'amq.direct'
   */
  exchange?: string;
  /** Check this queue passively instead, reporting its `messageCount` and `consumerCount`. */
  queue?: string;
  /**
   * Fail while the broker has blocked the connection (memory or disk alarm: publishes stall).
   * @default true
   */
  failWhenBlocked?: boolean;
}

type Callback = (error: unknown, value?: unknown) => void;
type Rpc = (name: string, callback: Callback) => unknown;

/** Runs a channel method with either API: the callback is ignored by the promise API. */
function call(channel: AmqpChannelLike, method: 'checkExchange' | 'checkQueue', name: string) {
  return new Promise<unknown>((resolve, reject) => {
    const fn = (channel as unknown as Record<string, Rpc>)[method];
    if (typeof fn !== 'function') return reject(new Error(`channel has no ${method}()`));
    const result = fn.call(channel, name, (error, value) =>
      error ? reject(error) : resolve(value),
    );
    if (isPending(result)) result.then(resolve, reject);
  });
}

function openChannel(connection: AmqpConnectionLike): Promise<AmqpChannelLike> {
  return new Promise((resolve, reject) => {
    const create = connection.createChannel as unknown as (...args: unknown[]) => unknown;
    if (create.length >= 2) {
      // amqplib/callback_api: createChannel(callback)
      create.call(connection, (error: unknown, channel?: AmqpChannelLike) =>
        error ? reject(error) : resolve(channel as AmqpChannelLike),
      );
      return;
    }
    Promise.resolve(create.call(connection)).then(
      (channel) => resolve(channel as AmqpChannelLike),
      reject,
    );
  });
}

/**
 * Checks a RabbitMQ connection (preferred) or channel with a passive declare round trip.
 * @example
 * import amqplib from 'amqplib';
 * const connection = await amqplib.connect(process.env.AMQP_URL);
 * createHealth({ checks: [rabbitMqCheck(connection, { queue: 'orders' })] });
 */
export function rabbitMqCheck(
  target: AmqpConnectionLike | AmqpChannelLike,
  options: RabbitMqCheckOptions = {},
): CheckDefinition {
  const isChannel = typeof (target as AmqpChannelLike).checkExchange === 'function';
  const failWhenBlocked = options.failWhenBlocked ?? true;
  let closed = false;
  let blocked: string | undefined;
  const on = (emitter: unknown, event: string, listener: (...args: unknown[]) => void) => {
    const source = emitter as { on?: (event: string, listener: Listener) => unknown } | undefined;
    if (typeof source?.on === 'function') source.on(event, listener as Listener);
  };
  // State from events only (never an 'error' listener on the app's objects: that would
  // change whether an unhandled error crashes the app).
  on(target, 'close', () => {
    closed = true;
  });
  on(target, 'disconnect', () => {
    closed = true; // amqplib 2 recovering connection: it will reconnect
  });
  on(target, 'connect', () => {
    closed = false;
  });
  const blockedSource = isChannel ? (target as { connection?: unknown }).connection : target;
  on(blockedSource, 'blocked', (reason) => {
    blocked = typeof reason === 'string' && reason ? reason : 'resource alarm';
  });
  on(blockedSource, 'unblocked', () => {
    blocked = undefined;
  });

  let own: AmqpChannelLike | undefined;
  let opening: Promise<AmqpChannelLike> | undefined;
  const channel = (): Promise<AmqpChannelLike> => {
    if (isChannel) return Promise.resolve(target as AmqpChannelLike);
    if (own) return Promise.resolve(own);
    opening ??= openChannel(target as AmqpConnectionLike).then(
      (created) => {
        on(created, 'error', () => {}); // our channel: a channel error must not crash the app
        on(created, 'close', () => {
          if (own === created) own = undefined;
        });
        own = created;
        opening = undefined;
        return created;
      },
      (error: unknown) => {
        opening = undefined;
        throw error;
      },
    );
    return opening;
  };

  return defineCheck({ name: 'rabbitmq', dependency: true }, options, (context) =>
    measure(
      'rabbitmq check failed',
      context,
      () => secretsOf(target, options.secrets),
      async () => {
        if (closed) throw new Error(`${isChannel ? 'channel' : 'connection'} is closed`);
        if (blocked !== undefined && failWhenBlocked) {
          throw new Error(`connection is blocked by the broker (${blocked})`);
        }
        const ch = await channel();
        const details: CheckDetails = {};
        if (options.queue !== undefined) {
          const ok = (await call(ch, 'checkQueue', options.queue)) as
            | { messageCount?: number; consumerCount?: number }
            | undefined;
          details.messageCount = ok?.messageCount;
          details.consumerCount = ok?.consumerCount;
        } else {
          await call(ch, 'checkExchange', options.exchange ?? 'amq.direct');
        }
        if (blocked !== undefined) details.blocked = blocked;
        return details;
      },
    ),
  );
}
