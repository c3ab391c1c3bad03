/**
 * Helpers for adapters that let their framework route the probe paths (Fastify, Nest): turn the
 * routed request into the seam's request, and write core's answer without a promise hop when it
 * is cached. Kept here so that every adapter maps requests and settles answers the same way.
 */
import type { HealthRequest } from './options.js';
import { isPending } from './pending.js';
import { type HealthResponse, INTERNAL_ERROR } from './response.js';

/** What {@link routedRequest} reads: Node's, Express's and Fastify's requests all fit. */
export interface RoutedRequestLike {
  readonly method?: string;
  readonly url?: string;
  readonly headers: HealthRequest['headers'];
  readonly socket?: { readonly remoteAddress?: string } | null;
  /** Node's (and so Express's) request. */
  readonly httpVersionMajor?: number;
  /** Fastify's request: the Node request under it. */
  readonly raw?: { readonly httpVersionMajor?: number };
  /** The query the framework parsed (Fastify's and Express's `req.query`), used as it is. */
  readonly query?: unknown;
}

/**
 * The seam request for a route the framework already matched: `path` is the path as core knows it
 * (an entry of `health.routes`, plus `/<check>` for a per-check route), whatever prefix it was
 * mounted under, plus the URL's `?query`; `query` is the framework's parsed query where it has one
 * (core then reads it instead of parsing the path's), the request gives its protocol version.
 * @example health.respond(routedRequest(route.path, request))
 */
export function routedRequest(path: string, req: RoutedRequestLike): HealthRequest {
  // The path keeps the URL's query in every adapter (what `Visibility` functions read); core
  // reads `exclude`/`verbose` from the framework's parsed query when there is one (no re-parse).
  const url = req.url ?? '';
  const mark = url.indexOf('?');
  const request: HealthRequest = {
    method: req.method ?? 'GET',
    path: mark === -1 ? path : path + url.slice(mark),
    headers: req.headers,
    remoteAddress: req.socket?.remoteAddress,
    httpVersionMajor: req.httpVersionMajor ?? req.raw?.httpVersionMajor,
  };
  const { query } = req;
  if (query !== null && typeof query === 'object')
    request.query = query as Readonly<Record<string, unknown>>;
  return request;
}

/**
 * Writes an answer of `health.respond()` to `target` with `write(target, response)`: at once when
 * it is cached (no promise hop, no closure on the fast path), otherwise when it settles, and a 500
 * should it ever reject. Returns what `write` returns.
 * @example return deliver(answer, sendReply, reply);
 */
export function deliver<Target, T>(
  answer: HealthResponse | Promise<HealthResponse>,
  write: (target: Target, response: HealthResponse) => T,
  target: Target,
): T | Promise<T> {
  return isPending(answer)
    ? answer.then(
        (response) => write(target, response),
        () => write(target, INTERNAL_ERROR),
      )
    : write(target, answer);
}
