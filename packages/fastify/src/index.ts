/**
 * @health/fastify — translates Fastify requests to the @health/core seam, writes its answer with
 * `reply.code().headers().send()`, and ties `health.shutdown()` and `fastify.close()` together.
 */
import { type Health, type HealthOptions, resolveHealth } from '@health/core';
import type { FastifyInstance, FastifyPluginAsync, RouteHandlerMethod } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

/** Unique per emitted declaration file (.d.ts and .d.cts), so their augmentations never collide. */
declare const format: unique symbol;

declare module 'fastify' {
  interface FastifyInstance {
    /** The @health/core instance behind the probes (decorated by `@health/fastify`). */
    health: HealthByFormat[keyof HealthByFormat];
  }
  /**
   * @internal One entry per loaded format of this package, each typed with that format's core
   * `Health`; a program that loads both (ESM and CJS) sees their union instead of a conflict.
   */
  interface HealthByFormat {
    [format]: Health;
  }
}

/**
 * An existing `health` instance, or the {@link HealthOptions} to create one (same meaning as in
 * every @health adapter), plus `prefix`.
 * @example
 * await app.register(healthPlugin, { checks: [dbCheck], shutdown: { signals: true } });
 * await app.register(healthPlugin, { health, prefix: '/ops' }); // probes at /ops/health...
 */
export type FastifyHealthOptions = HealthOptions & {
  /** An instance you created (to share it, or to call `addCheck` before registering). Excludes other health options. */
  health?: Health;
  /**
   * Mount the probes under this prefix. Honoured here although `fastify-plugin` makes Fastify
   * ignore `prefix` for the plugin itself (the routes live in an inner, prefixed context).
   * @default ''
   */
  prefix?: string;
};

/** For `@fastify/swagger` & co.: what every probe answers. The body is core's string, never re-serialized. */
const schema = {
  tags: ['health'],
  response: {
    default: {
      description: 'Probe result: `status` is UP/DOWN (or pass/warn/fail with format health+json)',
      type: 'object',
      properties: { status: { type: 'string' } },
    },
  },
};

const plugin: FastifyPluginAsync<FastifyHealthOptions> = async (fastify, options) => {
  const {
    health: given,
    prefix = '',
    logLevel,
    logSerializers,
    ...rest
  } = options as FastifyHealthOptions & Record<'logLevel' | 'logSerializers', never>;
  if (given !== undefined && Object.keys(rest).length > 0) {
    throw new Error(
      `@health/fastify: pass either "health" or health options (got ${Object.keys(rest).join(', ')}), not both`,
    );
  }
  if (typeof prefix !== 'string')
    throw new Error(`@health/fastify: option "prefix" must be a string like "/ops"`);
  const health = resolveHealth(given ?? rest);
  fastify.decorate('health', health);
  wireShutdown(fastify, health);
  // An inner encapsulated context: Fastify applies `prefix`/`logLevel` to it, and its catch-all
  // body parser lets core answer 405 to any method whatever the body (no 415 from Fastify).
  await fastify.register(
    async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
      for (const path of Object.values(health.paths)) {
        scope.route({
          method: scope.supportedMethods,
          url: path,
          exposeHeadRoute: false,
          schema,
          handler: probe(health, path),
        });
      }
    },
    { prefix, logLevel, logSerializers },
  );
};

function probe(health: Health, path: string): RouteHandlerMethod {
  return (request, reply) => {
    const query = request.url.indexOf('?');
    const pending = health.handle({
      method: request.method,
      path: query === -1 ? path : path + request.url.slice(query),
      headers: request.headers,
    });
    if (pending === undefined) return reply.callNotFound();
    return pending.then((response) =>
      reply.code(response.status).headers(response.headers).send(response.body),
    );
  };
}

/**
 * `health.shutdown()` (or SIGTERM) drains and closes the server, then runs `fastify.close()` (your
 * onClose hooks) as a shutdown hook; a plain `fastify.close()` runs `health.shutdown()` in turn.
 */
function wireShutdown(fastify: FastifyInstance, health: Health): void {
  health.addServer(fastify.server);
  let closing = false;
  health.onShutdown('fastify', async () => {
    if (!closing) await fastify.close();
  });
  fastify.addHook('onClose', async () => {
    closing = true;
    if (!health.shuttingDown) await health.shutdown('fastify closed');
  });
}

/**
 * Registers the health probes (GET/HEAD; 405 for other methods) and decorates `fastify.health`.
 * @example
 * const app = Fastify();
 * await app.register(healthPlugin, { checks: [dbCheck], shutdown: { signals: true } });
 * await app.listen({ port: 3000 });
 * app.health.markReady();
 */
export const healthPlugin = fastifyPlugin(plugin, { fastify: '5.x', name: '@health/fastify' });
