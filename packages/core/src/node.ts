/**
 * @health/core/node — the one Node writer: turns an `IncomingMessage` into the seam's request
 * and the seam's response into `ServerResponse` calls. Used by Express, Koa, Nest-on-Express and
 * plain `node:http`/`https`/`http2` servers, so none of them hand-roll headers or HEAD.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { deliver } from './adapter.js';
import type { Health } from './health.js';
import type { HealthResponse } from './response.js';

/**
 * What the writer reads of a request: `node:http`'s `IncomingMessage` and `node:http2`'s
 * compatibility `Http2ServerRequest` (and so Express's and Koa's requests) all fit.
 */
export interface NodeRequest {
  readonly method?: string;
  readonly url?: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly socket?: { readonly remoteAddress?: string } | null;
  readonly httpVersionMajor?: number;
}

/** What the writer calls on a response: `ServerResponse` and `Http2ServerResponse` both fit. */
export interface NodeResponse {
  readonly headersSent: boolean;
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body: string): unknown;
  /** For streaming answers (Server-Sent Events). */
  write?(chunk: string): unknown;
  once?(event: 'close', listener: () => void): unknown;
  flushHeaders?(): void;
}

/**
 * Writes a seam response to a Node response. Core already chose the headers for the request's
 * protocol (pass `httpVersionMajor` in the request); a streaming answer is written as it comes.
 */
export function sendNodeResponse(res: NodeResponse, response: HealthResponse): void {
  if (res.headersSent) return;
  res.writeHead(response.status, response.headers as Record<string, string>);
  if (response.stream === undefined || !res.write) {
    res.end(response.body);
    return;
  }
  res.flushHeaders?.();
  const listeners: (() => void)[] = [];
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    for (const listener of listeners.splice(0)) listener();
  };
  res.once?.('close', close);
  response.stream({
    write: (chunk) => {
      if (open) res.write?.(chunk);
    },
    end: () => {
      if (open) res.end('');
      close();
    },
    onClose: (listener) => {
      if (open) listeners.push(listener);
      else listener();
    },
  });
}

/**
 * Answers `req` if it is a health route and returns true; returns false (writing nothing) so
 * the caller passes the request on. `path` defaults to `req.url` (Express gives the path
 * relative to the router's mount point there).
 */
export function handleNodeRequest(
  health: Health,
  req: NodeRequest,
  res: NodeResponse,
  path = req.url ?? '/',
): boolean {
  // A plain object: an object literal with getters (to read headers lazily) measured ~35% slower.
  const answer = health.respond({
    method: req.method ?? 'GET',
    path,
    headers: req.headers,
    remoteAddress: req.socket?.remoteAddress,
    httpVersionMajor: req.httpVersionMajor,
  });
  if (answer === undefined) return false;
  deliver(answer, sendNodeResponse, res);
  return true;
}

/**
 * A `node:http` / `node:https` / `node:http2` request listener: health routes answered by
 * `health`, everything else by `fallback` (404 when omitted).
 * @example
 * const server = http.createServer(createNodeListener(health, app));
 * health.addServer(server);
 */
export function createNodeListener<
  Req extends NodeRequest = IncomingMessage,
  Res extends NodeResponse = ServerResponse,
>(health: Health, fallback?: (req: Req, res: Res) => void): (req: Req, res: Res) => void {
  return (req, res) => {
    if (handleNodeRequest(health, req, res)) return;
    if (fallback) return fallback(req, res);
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    res.end('{"error":"Not Found"}');
  };
}
