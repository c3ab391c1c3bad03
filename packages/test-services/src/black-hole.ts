/**
 * The "accepts but never answers" fault (a stuck database, a firewall that swallows packets after
 * the handshake): a black-hole listener, and the TCP proxy in front of every managed server whose
 * `hold()` turns it into one for new and already-open connections alike, until `release()`.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/** Every server and proxy listens here only. */
export const HOST = '127.0.0.1';

export interface BlackHole {
  readonly host: string;
  readonly port: number;
  /** `tcp://127.0.0.1:port` (use `http://` + host:port for HTTP clients). */
  readonly url: string;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections currently open. */
  readonly open: number;
  /** Destroys every held connection and stops listening. Idempotent. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` (0: a free one); resolves with the bound port. */
function listen(server: Server, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: HOST }, () => {
      server.off('error', reject);
      server.unref();
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Tracks open sockets, so that closing can destroy them. */
function tracked(sockets: Set<Socket>, socket: Socket): Socket {
  sockets.add(socket);
  socket.on('error', () => {});
  socket.on('close', () => sockets.delete(socket));
  return socket;
}

/**
 * Starts a black-hole listener on 127.0.0.1 and a free port.
 * @example
 * const hole = await startBlackHole();
 * const pool = new pg.Pool({ host: hole.host, port: hole.port }); // connect never completes
 * afterAll(() => hole.close());
 */
export async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    // Read and discard, never write.
    tracked(sockets, socket).resume();
  });
  const port = await listen(server, 0);
  let closing: Promise<void> | undefined;
  return {
    host: HOST,
    port,
    url: `tcp://${HOST}:${port}`,
    get connections() {
      return accepted;
    },
    get open() {
      return sockets.size;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}

/**
 * A TCP proxy from a public port to a server's own port. Clients only ever see the public port:
 * `hold()` stops forwarding in both directions (new connections are accepted and left waiting),
 * so the server looks frozen; `release()` forwards again, nothing lost. `close()` stops listening
 * (clients then get "connection refused", as from a stopped server);
 * `open()` listens again on the same port.
 */
export class FaultProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** Client sockets accepted while held, connected upstream on release. */
  private readonly waiting: Socket[] = [];
  private held = false;
  private publicPort = 0;

  constructor(private readonly target: () => number) {}

  get port(): number {
    return this.publicPort;
  }

  /** Listens (on a free port the first time, the same port afterwards). */
  async open(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => this.accept(client));
    this.server = server;
    this.publicPort = await listen(server, this.publicPort);
  }

  hold(): void {
    this.held = true;
    for (const socket of this.sockets) socket.pause();
  }

  release(): void {
    this.held = false;
    for (const socket of this.sockets) socket.resume();
    for (const client of this.waiting.splice(0)) this.forward(client);
  }

  /**
   * Stops listening. `drop: false` leaves open connections to end with the server (a graceful
   * stop: clients get the server's own goodbye); otherwise they are destroyed at once.
   */
  close(drop = true): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (drop) {
      for (const socket of this.sockets) socket.destroy();
      this.waiting.length = 0;
    }
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private accept(client: Socket): void {
    tracked(this.sockets, client);
    if (!this.held) {
      this.forward(client);
      return;
    }
    client.pause();
    this.waiting.push(client);
  }

  private forward(client: Socket): void {
    if (client.destroyed) return;
    const upstream = tracked(this.sockets, connect({ host: HOST, port: this.target() }));
    pipe(client, upstream, () => this.held);
    pipe(upstream, client, () => this.held);
    client.resume();
  }
}

/** Copies `from` to `to` with backpressure that never resumes a held socket; ends and errors travel. */
function pipe(from: Socket, to: Socket, held: () => boolean): void {
  from.on('data', (chunk) => {
    if (!to.write(chunk)) {
      from.pause();
      to.once('drain', () => {
        if (!held()) from.resume();
      });
    }
  });
  from.on('end', () => to.end());
  from.on('close', () => to.destroy());
}
