/**
 * @health/fastify — translates Fastify requests to the @health/core seam, writes its answer with
 * `reply.code().headers().send()`, and ties `health.shutdown()` and `fastify.close()` together.
 */
import {
  deliver,
  type Health,
  type HealthInput,
  type HealthRequest,
  type HealthResponse,
  resolveHealth,
  routedRequest,
} from '@health/core';
import { sendNodeResponse } from '@health/core/node';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

/** Unique per emitted declaration file (.d.ts and .d.cts), so their augmentations never collide. */
declare const format: unique symbol;

declare module 'fastify' {
  interface FastifyInstance {
    /** The @health/core instance behind the probes (decorated by `@health/fastify`). */
    health: HealthByFormat[keyof HealthByFormat];
  }
  /** @internal Core's `Health` per loaded format of this package (ESM + CJS in one program: a union). */
  interface HealthByFormat {
    [format]: Health;
  }
}

/**
 * An existing `health` instance, or the options to create one (the same as every @health adapter),
 * plus Fastify's `prefix` / `logLevel` for the probe routes.
 * @example
 * await app.register(healthPlugin, { checks: [dbCheck], shutdown: { signals: true } });
 * await app.register(healthPlugin, { health, prefix: '/ops', logLevel: 'warn' }); // /ops/health...
 */
export type FastifyHealthOptions = HealthInput & {
  /**
   * Mount the probes under this prefix, although `fastify-plugin` makes Fastify ignore it for the
   * plugin itself: the routes live in an inner context that gets it (and `logLevel`).
   * @default ''
   */
  prefix?: string;
};

/** For `@fastify/swagger` & co. Core's body is already a string: Fastify never re-serializes it. */
const body = { type: 'object', properties: { status: { type: 'string' } } };
const schema = { tags: ['health'], response: { default: body } };

// Core chose the headers for the request's protocol; a stream (SSE) is written to the raw response.
const sendReply = (reply: FastifyReply, res: HealthResponse) => {
  if (res.stream === undefined) return reply.code(res.status).headers(res.headers).send(res.body);
  reply.hijack();
  sendNodeResponse(reply.raw, res);
  return reply;
};

// Fastify always parses a query (`{}` without one): hand it to core only when the URL has one, so
// a plain probe skips core's query reading; with `?...`, core's own helper (path keeps the query).
const coreRequest = (path: string, request: FastifyRequest): HealthRequest =>
  request.url.indexOf('?') === -1
    ? {
        method: request.method,
        path,
        headers: request.headers,
        remoteAddress: request.socket?.remoteAddress,
        httpVersionMajor: request.raw.httpVersionMajor,
      }
    : routedRequest(path, request);

const plugin: FastifyPluginAsync<FastifyHealthOptions> = async (fastify, options) => {
  const { prefix, logLevel, logSerializers, ...input } = options as FastifyHealthOptions &
    Record<'logLevel' | 'logSerializers', never>;
  const health = resolveHealth(input, '@health/fastify');
  fastify.decorate('health', health);
  wireShutdown(fastify, health);
  // Inner context: Fastify applies prefix/logLevel here, and the catch-all body parser lets core
  // answer 405 to every other method whatever its body (no 400/415 from Fastify's parsers).
  const routes: FastifyPluginAsync = async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const route = (url: string, corePath: (request: FastifyRequest) => string) =>
      scope.route({
        method: scope.supportedMethods,
        url,
        exposeHeadRoute: false,
        schema,
        handler: (request, reply) => {
          const answer = health.respond(coreRequest(corePath(request), request));
          if (answer === undefined) return reply.callNotFound();
          const sent = deliver(answer, sendReply, reply);
          // Sent synchronously (a cached answer): return nothing, so Fastify does not await the reply.
          return sent === reply ? undefined : sent;
        },
      });
    for (const { path, subpaths } of health.routes) {
      route(path, () => path);
      // Per-check routes (`/health/ready/<check>`): core answers, or 404s an unknown name.
      if (subpaths)
        route(`${path}/:check`, (r) => `${path}/${(r.params as { check: string }).check}`);
    }
  };
  await fastify.register(routes, { prefix, logLevel, logSerializers });
};

/**
 * `health.shutdown()` (or SIGTERM) drains and closes the server, then calls `fastify.close()` (your
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
 * Registers the probes (GET and HEAD; 405 + Allow for other methods) and decorates `fastify.health`.
 * @example
 * const app = Fastify();
 * await app.register(healthPlugin, { checks: [dbCheck], shutdown: { signals: true } });
 * await app.listen({ port: 3000 });
 * app.health.markReady();
 */
export const healthPlugin = fastifyPlugin(plugin, { fastify: '5.x', name: '@health/fastify' });
