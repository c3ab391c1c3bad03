/**
 * The generic check for any client without a ready-made one (Prisma, Knex, TypeORM, Drizzle,
 * Mongo, Kafka...): run the cheapest round trip the client has, with the same timing, timeout
 * and message scrubbing as the built-in checks.
 */
import type { CheckContext, CheckDefinition } from '@health/core';
import { type DependencyCheckOptions, defineCheck, measure, optionError } from './shared.js';

export interface PingCheckOptions extends DependencyCheckOptions {
  /** Unique check name, `[A-Za-z0-9_.:-]`, 1–64 chars. Required: there is no kind to default to. */
  name: string;
}

/**
 * A check that calls `ping` and is UP when it resolves (anything but `false`).
 * `ping` receives `{ signal }`: pass it to the client where it accepts one.
 * @example
 * pingCheck(() => prisma.$queryRaw`SELECT 1`, { name: 'prisma', secrets: [process.env.DATABASE_URL] });
 * pingCheck(() => knex.raw('select 1'), { name: 'knex' });
 * pingCheck(({ signal }) => mongo.db().command({ ping: 1 }, { signal }), { name: 'mongo' });
 */
export function pingCheck(
  ping: (context: CheckContext) => unknown,
  options: PingCheckOptions,
): CheckDefinition {
  if (typeof ping !== 'function') {
    throw optionError(
      'ping',
      `must be a function, got ${typeof ping} (v2: pingCheck(fn, { name }))`,
    );
  }
  const name = options?.name;
  if (typeof name !== 'string' || name === '') {
    throw optionError('name', 'is required: pingCheck(fn, { name })');
  }
  return defineCheck({ name, dependency: true }, options, (context) =>
    measure(
      `${name} failed`,
      context,
      () => options.secrets ?? [],
      async () => {
        if ((await ping(context)) === false) throw new Error('ping returned false');
        return undefined;
      },
    ),
  );
}
