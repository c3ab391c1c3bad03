// Graceful shutdown of a node:https server. Its 'connection' event hands out the raw TCP socket,
// while the HTTP parser (and the response in flight, `_httpMessage`) lives on the TLS socket made
// from it: shutdown must track the TLS sockets to mark in-flight responses `Connection: close` and
// to see when no socket is idle any more. Real TLS, with a throwaway self-signed certificate.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHealth, type Health } from '../src/index.js';
import { createNodeListener } from '../src/node.js';
import { selfSigned } from './fixtures/tls.js';

let tls: ReturnType<typeof selfSigned>;
beforeAll(() => {
  tls = selfSigned();
});
afterAll(() => tls.remove());

const open: { health: Health; server: https.Server; agent: https.Agent }[] = [];
afterEach(() => {
  for (const { health, server, agent } of open.splice(0)) {
    agent.destroy();
    health.close();
    server.closeAllConnections();
    server.close();
  }
});

async function setup(delayMs: number) {
  const health = createHealth({ logger: false, startReady: true, shutdown: { drainDelay: 0 } });
  const server = https.createServer(
    tls,
    createNodeListener(health, (_req, res) => {
      setTimeout(() => res.end('ok'), delayMs);
    }),
  );
  health.addServer(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: tls.cert });
  open.push({ health, server, agent });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/app`;
  return { health, server, agent, url };
}

function send(agent: https.Agent, url: string) {
  return new Promise<{ status: number; body: string; connection?: string; reused: boolean }>(
    (resolve, reject) => {
      const req = https.get(url, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            connection: res.headers.connection,
            reused: req.reusedSocket,
          }),
        );
      });
      req.on('error', reject);
    },
  );
}

describe('shutdown of a node:https server', () => {
  it('marks a response already in flight when stopping begins with Connection: close', async () => {
    const { health, agent, url } = await setup(300);
    const inFlight = send(agent, url);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const stopping = health.shutdown();
    expect(await inFlight).toEqual({ status: 200, body: 'ok', connection: 'close', reused: false });
    expect(await stopping).toBe(0);
  });

  it('answers a socket idle at shutdown (Connection: close) and ends once none is idle', async () => {
    const { health, agent, url } = await setup(0);
    expect((await send(agent, url)).connection).toBe('keep-alive'); // now idle in the pool
    const started = Date.now();
    const stopping = health.shutdown();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await send(agent, url)).toEqual({
      status: 200,
      body: 'ok',
      connection: 'close',
      reused: true,
    });
    expect(await stopping).toBe(0);
    // Not the 5 s keep-alive window: the only socket has carried its request and closed.
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
