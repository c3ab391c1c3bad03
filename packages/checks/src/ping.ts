/**
 * The generic check for any client without a ready-made one (Prisma, Knex, TypeORM, Drizzle,
 * Mongo, Kafka...): run the cheapest round trip the client has, with the same timing, timeout
 * and message scrubbing as the built-in checks.
 */
import type { CheckContext, CheckDefinition } from '@health/core';
import { type DependencyCheckOptions, defineCheck, measure } from './shared.js';

export interface PingCheckOptions extends DependencyCheckOptions {
  /**
   * The check tests a downstream dependency (refused on liveness by core). Set `false` for an
   * in-process check.
   * @default true
   */
  dependency?: boolean;
}

/**
 * A check that calls `ping` and is UP when it resolves (anything but `false`).
 * `ping` receives `{ signal }`: pass it to the client where it accepts one.
 * @example
 * pingCheck('prisma', () => prisma.$queryRaw`SELECT 1`, { secrets: [process.env.DATABASE_URL] });
 * pingCheck('knex', () => knex.raw('select 1'));
 * pingCheck('mongo', ({ signal }) => mongo.db().command({ ping: 1 }, { signal }));
 */
export function pingCheck(
  name: string,
  ping: (context: CheckContext) => unknown,
  options: PingCheckOptions = {},
): CheckDefinition {
  return defineCheck({ name, dependency: options.dependency ?? true }, options, (context) =>
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
