/**
 * The race that trips most graceful-shutdown code: pooled keep-alive clients hold sockets that
 * are idle when shutdown begins, then send on them (during the drain, at its end, and after it).
 * Every request must be answered: no ECONNRESET, EPIPE, "socket hang up" or refused connection.
 * Clients: Node's `http.Agent({ keepAlive: true })` and undici's pool behind `fetch`.
 */
import http from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Child, exitWithin, fixtures, sleep, startTs } from './support/child.js';

const SERVICE = join(fixtures, 'service.ts');
const children: Child[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

interface Outcome {
  client: 'http.Agent' | 'fetch';
  offset: number;
  ok: boolean;
  detail: string;
  reused?: boolean;
}

function agentRequest(
  agent: http.Agent,
  url: string,
): Promise<{ status: number; connection: string | undefined; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          connection: res.headers.connection,
          reused: req.reusedSocket,
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

const describeError = (error: unknown) => {
  const e = error as {
    code?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  return e.cause
    ? `${e.message} (${e.cause.code ?? e.cause.message})`
    : `${e.code ?? ''} ${e.message ?? String(error)}`;
};

/**
 * Opens `sockets` pooled connections per client, lets them go idle, sends SIGTERM, then sends one
 * request per idle socket at each of `offsets` (ms after the service entered STOPPING).
 */
async function race(drainDelay: number, offsets: number[]) {
  const child = await startTs(SERVICE, {
    // keepAliveTimeout 10 s (above a typical LB idle timeout, as the README advises): the latest
    // offset stays far from the point where the server or undici would retire an idle socket on
    // its own, whatever the load on the machine does to timers.
    env: {
      SCENARIO: 'plain',
      DRAIN_DELAY_MS: String(drainDelay),
      EXIT: '1',
      KEEP_ALIVE_TIMEOUT_MS: '10000',
    },
  });
  children.push(child);
  const sockets = offsets.length;
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets, scheduling: 'fifo' });
  const target = `${child.url}/app/slow?ms=20`;
  // Fill both pools: `sockets` concurrent requests each, so each pool holds `sockets` connections.
  await Promise.all(Array.from({ length: sockets }, () => agentRequest(agent, target)));
  await Promise.all(Array.from({ length: sockets }, () => fetch(target).then((r) => r.text())));
  const idle = Object.values(agent.freeSockets).reduce((n, list) => n + (list?.length ?? 0), 0);
  expect(idle).toBe(sockets);
  await sleep(200); // idle, as between two bursts of traffic

  child.kill('SIGTERM');
  // Offsets count from the moment the service is STOPPING (the drain starts there): a request
  // sent before the signal is handled would be an ordinary keep-alive request.
  await child.waitForEvent((e) => e.event === 'state' && e.to === 'STOPPING', 5000);
  const signalled = Date.now();
  const outcomes: Outcome[] = await Promise.all(
    offsets.flatMap((offset) => [
      (async (): Promise<Outcome> => {
        await sleep(offset - (Date.now() - signalled));
        try {
          const r = await agentRequest(agent, `${child.url}/app/ok`);
          return {
            client: 'http.Agent',
            offset,
            ok: r.status === 200,
            detail: `${r.status} connection: ${r.connection}`,
            reused: r.reused,
          };
        } catch (error) {
          return { client: 'http.Agent', offset, ok: false, detail: describeError(error) };
        }
      })(),
      (async (): Promise<Outcome> => {
        await sleep(offset + 2 - (Date.now() - signalled));
        try {
          const r = await fetch(`${child.url}/app/ok`);
          await r.text();
          return {
            client: 'fetch',
            offset,
            ok: r.status === 200,
            detail: `${r.status} connection: ${r.headers.get('connection')}`,
          };
        } catch (error) {
          return { client: 'fetch', offset, ok: false, detail: describeError(error) };
        }
      })(),
    ]),
  );
  const exit = await exitWithin(child, drainDelay + 10_000);
  agent.destroy();
  return { outcomes, exit, took: exit.at - signalled, child };
}

describe('keep-alive clients idle when shutdown begins', () => {
  for (const [drainDelay, offsets] of [
    // No drain at all (health.shutdown() in a test, or a platform without a load balancer).
    [0, [0, 5, 30, 150, 600, 2500]],
    // A drain: sends during it, right at its end and after it (within the keep-alive window).
    [800, [0, 400, 790, 810, 1200, 3000]],
  ] as const) {
    it(`drainDelay ${drainDelay} ms: every request on an idle pooled socket is answered`, async () => {
      const { outcomes, exit, took } = await race(drainDelay, [...offsets]);
      const failed = outcomes.filter((o) => !o.ok);
      console.log(
        `[keep-alive race] drain ${drainDelay} ms: ${outcomes.length} requests on sockets idle at SIGTERM, failed = ${failed.length}; exit ${exit.code} after ${took} ms`,
      );
      for (const o of outcomes)
        console.log(
          `  +${o.offset} ms ${o.client}: ${o.ok ? 'ok' : 'FAILED'} ${o.detail}${o.reused === undefined ? '' : ` (reused socket: ${o.reused})`}`,
        );
      expect(failed).toEqual([]);
      // Each answer asked the client to close: these were the idle sockets, not new ones.
      expect(
        outcomes.every(
          (o) => o.detail.endsWith('connection: close') || o.detail.includes('connection: close'),
        ),
      ).toBe(true);
      expect(outcomes.filter((o) => o.client === 'http.Agent').every((o) => o.reused)).toBe(true);
      expect(exit.code).toBe(0);
    });
  }
});
