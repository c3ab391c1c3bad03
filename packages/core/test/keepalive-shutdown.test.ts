// The keep-alive race (see closeServer in src/server.ts): sockets idle when shutdown begins stay
// usable for the keep-alive window the server advertised; requests on them are answered with
// Connection: close, and the wait is bounded (early end, keepAliveTimeout, half the close bound).
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealth, type Health } from '../src/index.js';
import { createNodeListener } from '../src/node.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const open: { health: Health; server: http.Server; agent: http.Agent }[] = [];
afterEach(() => {
  for (const { health, server, agent } of open.splice(0)) {
    agent.destroy();
    health.close();
    server.closeAllConnections();
    server.close();
  }
});

async function setup(
  shutdown: { drainDelay?: number; serverCloseTimeout?: number },
  keepAliveTimeout?: number,
) {
  const health = createHealth({ logger: false, startReady: true, shutdown });
  const server = http.createServer(
    createNodeListener(health, (_req, res) => {
      res.end('ok');
    }),
  );
  if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout;
  health.addServer(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  open.push({ health, server, agent });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/app`;
  return { health, server, agent, url };
}

function send(agent: http.Agent, url: string) {
  return new Promise<{ status: number; connection?: string; reused: boolean }>(
    (resolve, reject) => {
      const req = http.get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            connection: res.headers.connection,
            reused: req.reusedSocket,
          }),
        );
      });
      req.on('error', reject);
    },
  );
}

describe('shutdown and idle keep-alive sockets', () => {
  it('a socket idle when shutdown begins is still answered (with Connection: close) after the drain', async () => {
    const { health, agent, url } = await setup({ drainDelay: 0 });
    expect((await send(agent, url)).status).toBe(200); // now idle in the agent's pool
    const started = Date.now();
    const stopping = health.shutdown();
    await sleep(300);
    const late = await send(agent, url);
    expect(late).toEqual({ status: 200, connection: 'close', reused: true });
    expect(await stopping).toBe(0);
    // Ends as soon as no socket is idle, not at the end of the 5 s window.
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('closes sockets that stay idle once the advertised keep-alive window has passed', async () => {
    const { health, server } = await setup({ drainDelay: 0 }, 400);
    // A client that keeps its socket past the advertised window (no agent retiring it for us).
    const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    socket.write('GET /app HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => socket.once('data', resolve));
    const closed = new Promise<number>((resolve) =>
      socket.once('close', () => resolve(Date.now())),
    );
    socket.on('error', () => {});
    const started = Date.now();
    expect(await health.shutdown()).toBe(0);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(350);
    expect(took).toBeLessThan(1_500);
    expect((await closed) - started).toBeLessThan(1_500);
  });

  it('does not wait when the drain already outlasted the keep-alive window', async () => {
    const { health, agent, url } = await setup({ drainDelay: 300 }, 200);
    await send(agent, url);
    const started = Date.now();
    expect(await health.shutdown()).toBe(0);
    expect(Date.now() - started).toBeLessThan(800);
  });

  it('never spends more than half of serverCloseTimeout on idle sockets (still graceful)', async () => {
    const { health, agent, url } = await setup({ drainDelay: 0, serverCloseTimeout: 600 }, 60_000);
    await send(agent, url);
    const started = Date.now();
    expect(await health.shutdown()).toBe(0);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(600);
  });
});
