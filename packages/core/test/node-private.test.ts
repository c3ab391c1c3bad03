// Pins the one private Node API core relies on: the socket's `_httpMessage`, the response being
// written on it (null once it has finished). Node offers no public way from a socket to its
// in-flight response, and tracking every request (a 'request' listener and a map entry per
// probe) would tax the hot path to serve shutdown once. Shutdown reads it to mark in-flight
// responses `Connection: close` and to see when no keep-alive socket is idle. This test runs on
// every tested Node line (the runtime matrix runs core's suite on Node 22 and 24): if Node renames
// or drops the field, it fails here before shutdown silently degrades.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSigned } from './fixtures/tls.js';

let tls: ReturnType<typeof selfSigned>;
beforeAll(() => {
  tls = selfSigned();
});
afterAll(() => tls.remove());

type Seen = { inFlight: unknown; res: unknown; after: unknown };

async function observe(secure: boolean): Promise<Seen> {
  const sockets: { _httpMessage?: unknown }[] = [];
  const seen: Partial<Seen> = {};
  const handler = (_req: http.IncomingMessage, res: http.ServerResponse) => {
    // The socket core tracks: 'secureConnection' on TLS servers, 'connection' otherwise.
    seen.inFlight = sockets[0]?._httpMessage;
    seen.res = res;
    res.end('ok');
  };
  const server = secure ? https.createServer(tls, handler) : http.createServer(handler);
  server.on(secure ? 'secureConnection' : 'connection', (socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = secure
    ? new https.Agent({ keepAlive: true, ca: tls.cert })
    : new http.Agent({ keepAlive: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const request = (secure ? https : http).get(
        { host: '127.0.0.1', port, path: '/', agent },
        (res) => {
          res.resume();
          res.once('end', resolve);
        },
      );
      request.once('error', reject);
      request.setTimeout(5000, () => request.destroy(new Error('timed out')));
    });
    // The keep-alive socket stays open and idle: no response on it any more.
    const deadline = Date.now() + 5000;
    while (sockets[0]?._httpMessage && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    seen.after = sockets[0]?._httpMessage;
  } finally {
    agent.destroy();
    server.closeAllConnections();
    server.close();
  }
  return seen as Seen;
}

describe("Node's socket._httpMessage (private, pinned)", () => {
  it.each([
    ['http', false],
    ['https', true],
  ])('%s: is the in-flight ServerResponse, and null once it finished', async (_name, secure) => {
    const seen = await observe(secure as boolean);
    expect(seen.res).toBeInstanceOf(http.ServerResponse);
    expect(seen.inFlight).toBe(seen.res);
    expect(seen.after).toBeNull();
  });
});
