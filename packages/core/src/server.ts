/**
 * Graceful closing of a `node:http`/`node:https` server, duck-typed so core imports nothing:
 * answer `Connection: close` while stopping, stop accepting, let in-flight requests finish,
 * close idle keep-alive sockets, and force-close what is left when the bound runs out.
 */

/** The parts of `http.Server` that shutdown uses (Express's and Fastify's servers are these). */
export interface NodeServerLike {
  close(callback?: (error?: Error) => void): unknown;
  closeIdleConnections?(): void;
  closeAllConnections?(): void;
  prependListener(
    event: 'request',
    listener: (req: unknown, res: NodeResponseLike) => void,
  ): unknown;
  removeListener(
    event: 'request',
    listener: (req: unknown, res: NodeResponseLike) => void,
  ): unknown;
  readonly listening?: boolean;
}

export interface NodeResponseLike {
  readonly headersSent?: boolean;
  setHeader(name: string, value: string): unknown;
}

/** Once the process is stopping, every response asks the client to close its keep-alive socket. */
export function askClientsToClose(server: NodeServerLike): () => void {
  const listener = (_req: unknown, res: NodeResponseLike) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
  };
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
