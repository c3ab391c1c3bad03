/**
 * Graceful closing of a `node:http`/`node:https`/`node:http2` server, duck-typed so core imports
 * nothing: while stopping, ask clients to leave (HTTP/1: `Connection: close` on every response,
 * idle keep-alive sockets left to the window the server advertised; HTTP/2: GOAWAY on every
 * session), stop accepting, let in-flight requests finish, and force-close what is left when the
 * bound runs out.
 */

type RequestListener = (req: NodeRequestLike, res: NodeResponseLike) => void;
type ConnectionListener = (socket: NodeSocketLike) => void;

/** The parts of `http.Server` that shutdown uses (Express's and Fastify's servers are these). */
export interface NodeServerLike {
  close(callback?: (error?: Error) => void): unknown;
  closeIdleConnections?(): void;
  closeAllConnections?(): void;
  prependListener(event: 'request', listener: RequestListener): unknown;
  on(event: ConnectionEvent, listener: ConnectionListener): unknown;
  removeListener(event: 'request', listener: RequestListener): unknown;
  removeListener(event: ConnectionEvent, listener: ConnectionListener): unknown;
  /** Present on TLS servers (`node:https`, `http2.createSecureServer`) only. */
  setSecureContext?: unknown;
  /** Present on `node:http2` servers only. */
  updateSettings?: unknown;
  readonly listening?: boolean;
  /** Milliseconds an idle keep-alive socket stays open (advertised as `Keep-Alive: timeout=`). */
  readonly keepAliveTimeout?: number;
}

type ConnectionEvent = 'connection' | 'secureConnection' | 'session';

/** On HTTP/2 (the compatibility API) a request carries its stream, and the stream its session. */
export interface NodeRequestLike {
  readonly stream?: { readonly session?: NodeSocketLike | null } | null;
}

export interface NodeResponseLike {
  readonly headersSent?: boolean;
  /** False once Node knows the socket closes after this response. */
  readonly shouldKeepAlive?: boolean;
  setHeader(name: string, value: string): unknown;
}

/**
 * A server socket (Node keeps the response being written on it in `_httpMessage`), or an HTTP/2
 * session (`close()` sends GOAWAY and lets open streams finish). `_httpMessage` is private: Node
 * has no public way from a socket to its in-flight response, and a per-request listener and map
 * would tax every probe to serve shutdown once. `test/node-private.test.ts` pins it on every tested
 * Node line (the runtime matrix runs core's suite on Node 22 and 24).
 */
export interface NodeSocketLike {
  once(event: 'close', listener: () => void): unknown;
  readonly _httpMessage?: NodeResponseLike | null;
  close?(): void;
  destroy?(): void;
}

/** HTTP/2 clients are told to leave by GOAWAY, per session: no header, no idle-socket race. */
const isHttp2 = (server: NodeServerLike): boolean => typeof server.updateSettings === 'function';

/**
 * Tracks a server's open sockets (one listener call per connection, nothing per request), so
 * that when stopping begins, responses already in flight can be marked `Connection: close` too.
 * On a TLS server the HTTP parser (and `_httpMessage`) lives on the TLS socket handed out by
 * 'secureConnection'; 'connection' there gives the raw TCP socket underneath. On HTTP/2 the unit
 * is the session.
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
  const event: ConnectionEvent = isHttp2(server)
    ? 'session'
    : typeof server.setSecureContext === 'function'
      ? 'secureConnection'
      : 'connection';
  server.on(event, listener);
  return { sockets, stop: () => server.removeListener(event, listener) };
}

/**
 * Once the process is stopping, every response — those already in flight and every later one —
 * asks the client to close its keep-alive socket, so clients leave before the server closes
 * idle sockets under them (the race that fails keep-alive requests in naive shutdowns). HTTP/2
 * sessions get GOAWAY instead (open streams finish; the client opens its next one elsewhere),
 * those open now at once and later ones on their first request.
 */
export function askClientsToClose(
  server: NodeServerLike,
  sockets: Iterable<NodeSocketLike> = [],
): () => void {
  const close = (res: NodeResponseLike | null | undefined) => {
    if (res && !res.headersSent) res.setHeader('connection', 'close');
  };
  const http2 = isHttp2(server);
  for (const socket of sockets) {
    if (http2) socket.close?.();
    else close(socket._httpMessage);
  }
  const listener: RequestListener = (req, res) => {
    const session = req.stream?.session;
    if (session) session.close?.();
    else close(res);
  };
  server.prependListener('request', listener);
  return () => server.removeListener('request', listener);
}

/**
 * The keep-alive race, and why idle sockets are not closed at once.
 *
 * A keep-alive client (Node's `http.Agent`, undici's pool behind `fetch`, a load balancer's
 * connection pool) may send its next request on an idle pooled socket at any moment until the
 * idle timeout the server advertised (`Keep-Alive: timeout=5` = `server.keepAliveTimeout`; Node's
 * agent and undici both honour it). HTTP/1.1 cannot tell an *idle* connection to go away: only a
 * response can carry `Connection: close`. So a server that closes idle sockets when shutdown
 * begins (Node >= 19's `server.close()` does exactly that) races those clients: a request written
 * as the FIN arrives fails with ECONNRESET / EPIPE / "socket hang up", and a client that noticed
 * the close first reconnects and is refused because the listener is gone.
 *
 * What we do instead: from STOPPING on, every response carries `Connection: close`, so every
 * socket closes right after its next answer. Sockets that are idle stay open, and the listener
 * with them (a client that reconnects is answered, with `Connection: close`), until the advertised
 * window has passed since STOPPING began: by then each socket that was idle at that moment has
 * either carried a request (answered, then closed) or been retired by its client. Only then does
 * `server.close()` stop accepting and close what is still idle (sockets that never sent anything).
 * The wait ends early as soon as no socket is idle (counting one still finishing a keep-alive
 * response whose headers left before STOPPING: it is idle a moment later). With a drain delay of at least
 * `keepAliveTimeout` (the production setting) the window has passed when the drain ends and
 * nothing waits at all.
 */
export interface CloseOptions {
  /** The server's open sockets (from {@link trackConnections}). */
  sockets?: ReadonlySet<NodeSocketLike>;
  /** `Date.now()` when responses started to carry `Connection: close` (STOPPING began). */
  askedSince?: number;
}

const POLL_MS = 25;

/**
 * Closes `server` as described above and resolves `true` when every connection has closed, or
 * `false` if `timeout` ms passed first (then the remaining connections are destroyed).
 */
export function closeServer(
  server: NodeServerLike,
  timeout: number,
  options: CloseOptions = {},
): Promise<boolean> {
  return new Promise((resolve) => {
    const started = Date.now();
    let settled = false;
    let sweep: ReturnType<typeof setInterval> | undefined;
    let polite: ReturnType<typeof setInterval> | undefined;
    const done = (graceful: boolean) => {
      if (settled) return;
      settled = true;
      clearInterval(polite);
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve(graceful);
    };
    const deadline = setTimeout(() => {
      server.closeAllConnections?.();
      if (!server.closeAllConnections)
        for (const socket of options.sockets ?? []) socket.destroy?.();
      done(false);
    }, timeout);
    if (server.listening === false) {
      server.closeIdleConnections?.();
      // Not listening (never started or already closed): close() would only report an error.
      setImmediate(() => done(true));
      return;
    }
    const close = () => {
      clearInterval(polite);
      if (settled) return;
      server.close(() => done(true));
      server.closeIdleConnections?.();
      // A response that began before STOPPING (so without `Connection: close`) leaves its socket
      // idle when it ends: close such sockets as they appear.
      sweep = setInterval(() => server.closeIdleConnections?.(), 50);
    };
    const { sockets, askedSince = started } = options;
    const window = server.keepAliveTimeout;
    // Never let idle sockets use more than half of the bound meant for in-flight requests.
    const politeUntil = Math.min(
      askedSince + (typeof window === 'number' ? window : 0),
      started + timeout / 2,
    );
    // Idle, or soon idle and still open to its client: a response whose keep-alive headers left
    // before STOPPING (or is still flushing, as a TLS socket briefly is after the client has read
    // it) leaves a socket the client will reuse.
    const anyIdle = () => {
      for (const socket of sockets ?? []) {
        const res = socket._httpMessage;
        if (!res || (res.headersSent && res.shouldKeepAlive !== false)) return true;
      }
      return false;
    };
    if (isHttp2(server) || Date.now() >= politeUntil || !sockets || !anyIdle()) return close();
    polite = setInterval(() => {
      if (Date.now() >= politeUntil || !anyIdle()) close();
    }, POLL_MS);
  });
}
