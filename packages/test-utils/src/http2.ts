/**
 * A real HTTP/2 (h2c) client for tests: a session that records when the server sent GOAWAY, and
 * one-request helper that reports the status, the body and any `Connection` header (which must
 * never appear on HTTP/2).
 */
import http2 from 'node:http2';

export interface Http2Client {
  session: http2.ClientHttp2Session;
  /** Resolves with `Date.now()` when the server's GOAWAY arrives. */
  goaway: Promise<number>;
}

/** Opens a session to `origin`; add it to `sessions` so the test can destroy it afterwards. */
export function http2Connect(origin: string, sessions?: http2.ClientHttp2Session[]): Http2Client {
  const session = http2.connect(origin);
  session.on('error', () => {});
  sessions?.push(session);
  const goaway = new Promise<number>((resolve) =>
    session.once('goaway', () => resolve(Date.now())),
  );
  return { session, goaway };
}

/** One GET on `session`. */
export function http2Get(
  session: http2.ClientHttp2Session,
  path: string,
): Promise<{ status: number; body: string; connection?: unknown }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': path });
    let status = 0;
    let connection: unknown;
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (headers) => {
      status = Number(headers[':status']);
      connection = headers.connection;
    });
    stream.on('data', (chunk: string) => {
      body += chunk;
    });
    stream.on('end', () => resolve({ status, body, connection }));
    stream.on('error', reject);
  });
}
