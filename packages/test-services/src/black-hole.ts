/**
 * A TCP listener that accepts every connection and never answers: the "server that accepts but
 * hangs" failure (a stuck database, a firewall that swallows packets after the handshake).
 */
import { createServer, type Socket } from 'node:net';
import { HOST } from './server.js';

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
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    // Read and discard, never write.
    socket.resume();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: HOST }, resolve);
  });
  server.unref();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
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
