/**
 * Raw HTTP/1.1 over node:net: sends exactly the bytes given (no client-side normalization of the
 * method, target or headers, unlike fetch) and parses whatever comes back.
 */
import net from 'node:net';

export interface RawAnswer {
  /** Parsed status code, or 0 when the bytes were not an HTTP response. */
  status: number;
  statusLine: string;
  headers: Record<string, string[]>;
  body: Buffer;
  /** The connection closed or reset before a full response arrived. */
  error?: string;
}

/** Sends `request` on a fresh connection and reads one response (`head`: no body expected). */
export function rawRequest(
  port: number,
  request: Buffer | string,
  head = false,
  timeout = 5000,
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let settled = false;
    const finish = (answer: RawAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(
      () =>
        finish({ ...parse(data, head, true), error: `no complete answer within ${timeout} ms` }),
      timeout,
    );
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const parsed = parse(data, head, false);
      if (parsed.complete) finish(parsed);
    });
    // The server may close right after a complete answer (Connection: close) or reset a request
    // it refused after answering it: what counts is what arrived.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const parsed = parse(data, head, true);
      finish(parsed.complete ? parsed : { ...parsed, error: error.code ?? error.message });
    });
    socket.on('end', () => {
      const parsed = parse(data, head, true);
      finish(
        parsed.complete
          ? parsed
          : { ...parsed, error: data.length ? 'truncated response' : 'closed without a response' },
      );
    });
  });
}

function parse(data: Buffer, head: boolean, ended: boolean): RawAnswer & { complete: boolean } {
  const empty = { status: 0, statusLine: '', headers: {}, body: Buffer.alloc(0), complete: false };
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) return empty;
  const lines = data.subarray(0, end).toString('latin1').split('\r\n');
  const statusLine = lines[0] ?? '';
  const match = /^HTTP\/1\.[01] (\d{3}) /.exec(`${statusLine} `);
  if (!match) return { ...empty, statusLine };
  const headers: Record<string, string[]> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const values = headers[name] ?? [];
    values.push(line.slice(colon + 1).trim());
    headers[name] = values;
  }
  const status = Number(match[1]);
  const rest = data.subarray(end + 4);
  const base = { status, statusLine, headers };
  if (head || status === 204 || status === 304 || (status >= 100 && status < 200))
    return { ...base, body: Buffer.alloc(0), complete: true };
  const length = headers['content-length']?.[0];
  if (length !== undefined) {
    const n = Number(length);
    return { ...base, body: rest.subarray(0, n), complete: rest.length >= n };
  }
  if (headers['transfer-encoding']?.[0]?.toLowerCase() === 'chunked') {
    const body: Buffer[] = [];
    let at = 0;
    for (;;) {
      const nl = rest.indexOf('\r\n', at);
      if (nl === -1) return { ...base, body: Buffer.concat(body), complete: false };
      const size = Number.parseInt(rest.subarray(at, nl).toString('latin1'), 16);
      if (size === 0)
        return {
          ...base,
          body: Buffer.concat(body),
          complete: rest.indexOf('\r\n', nl + 2) !== -1,
        };
      if (rest.length < nl + 2 + size + 2)
        return { ...base, body: Buffer.concat(body), complete: false };
      body.push(rest.subarray(nl + 2, nl + 2 + size));
      at = nl + 2 + size + 2;
    }
  }
  // No length: the body runs to the end of the connection.
  return { ...base, body: rest, complete: ended };
}
