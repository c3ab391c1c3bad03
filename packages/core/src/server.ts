/**
 * Graceful closing of a `node:http`/`node:https` server, duck-typed so core imports nothing:
 * answer `Connection: close` while stopping, stop accepting, let in-flight requests finish,
 * close idle keep-alive sockets, and force-close what is left when the bound runs out.
 */

type RequestListener = (req: unknown, res: NodeResponseLike) => void;
type ConnectionListener = (socket: NodeSocketLike) => void;

/** The parts of `http.Server` that shutdown uses (Express's and Fastify's servers are these). */
export interface NodeServerLike {
  close(callback?: (error?: Error) => void): unknown;
  closeIdleConnections?(): void;
  closeAllConnections?(): void;
  prependListener(event: 'request', listener: RequestListener): unknown;
  removeListener(event: 'request', listener: RequestListener): unknown;
  on(event: 'connection', listener: ConnectionListener): unknown;
  removeListener(event: 'connection', listener: ConnectionListener): unknown;
  readonly listening?: boolean;
}

export interface NodeResponseLike {
  readonly headersSent?: boolean;
  setHeader(name: string, value: string): unknown;
}

/** A server socket; Node keeps the response being written on it in `_httpMessage`. */
export interface NodeSocketLike {
  once(event: 'close', listener: () => void): unknown;
  readonly _httpMessage?: NodeResponseLike | null;
}

/**
 * Tracks a server's open sockets (one listener call per connection, nothing per request), so
 * that when stopping begins, responses already in flight can be marked `Connection: close` too.
 */
export function trackConnections(server: NodeServerLike): {
  sockets: Set<NodeSocketLike>;
  stop(): void;
} {
  const sockets = new Set<NodeSocketLike>();
  const listener = (socket: NodeSocketLike) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  server.on('connection', listener);
  return { sockets, stop: () => server.removeListener('connection', listener) };
}

/**
 * Once the process is stopping, every response — those already in flight and every later one —
 * asks the client to close its keep-alive socket, so clients leave before the server closes
 * idle sockets under them (the race that fails keep-alive requests in naive shutdowns).
 */
export function askClientsToClose(
  server: NodeServerLike,
  sockets: Iterable<NodeSocketLike> = [],
): () => void {
  const close = (res: NodeResponseLike | null | undefined) => {
    if (res && !res.headersSent) res.setHeader('connection', 'close');
  };
  for (const socket of sockets) close(socket._httpMessage);
  const listener: RequestListener = (_req, res) => close(res);
  server.prependListener('request', listener);
  return () => server.removeListener('request', listener);
}

/**
 * Stops accepting connections and resolves `true` when every connection has closed, or
 * `false` if `timeout` ms passed first (then the remaining connections are destroyed).
 */
export function closeServer(server: NodeServerLike, timeout: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (graceful: boolean) => {
      if (settled) return;
      settled = true;
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve(graceful);
    };
    // Keep-alive sockets become idle as their last response finishes: close them as they do.
    const sweep = setInterval(() => server.closeIdleConnections?.(), 50);
    const deadline = setTimeout(() => {
      server.closeAllConnections?.();
      done(false);
    }, timeout);
    if (server.listening === false) {
      server.closeIdleConnections?.();
      // Not listening (never started or already closed): close() would only report an error.
      setImmediate(() => done(true));
      return;
    }
    server.close(() => done(true));
    server.closeIdleConnections?.();
  });
}
