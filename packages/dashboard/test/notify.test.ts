// Webhooks against real HTTP receivers on 127.0.0.1: hysteresis counts, minimum interval,
// restored messages, a hanging receiver, bounded retries on 500, no messages unless opted in.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHealth, type Health } from '@health/core';
import { afterEach, expect, it } from 'vitest';
import { type NotifyEvent, payload, type Webhook, webhooks } from '../src/notify.js';

interface Received {
  at: number;
  body: Record<string, unknown>;
}

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
});

/** A webhook receiver: `ok` answers 200, `hang` never answers, a number answers that status. */
async function receiver(mode: 'ok' | 'hang' | number = 'ok') {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8').on('data', (c: string) => {
      raw += c;
    });
    req.on('end', () => {
      got.push({ at: Date.now(), body: JSON.parse(raw) });
      if (mode === 'hang') return;
      res.writeHead(mode === 'ok' ? 200 : mode).end();
    });
  });
  cleanup.push(() => {
    server.closeAllConnections();
    server.close();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

/** A health instance whose check follows `script` (true = pass), one run per `step()`. */
function scripted(script: boolean[], extra: Record<string, unknown> = {}) {
  let i = 0;
  const health = createHealth({
    startReady: true,
    logger: false,
    checks: [
      {
        name: 'db',
        ttl: 0,
        failureTtl: 0,
        ...extra,
        check: () => {
          if (!script[i++]) throw new Error('replica-7 refused the connection');
        },
      },
    ],
  });
  cleanup.push(() => void health.close?.());
  return {
    health,
    /** Runs the check once (a fresh run each time: ttl 0). */
    step: () => health.checkResult('db'),
    done: () => i >= script.length,
  };
}

function hook(health: Health, options: Parameters<typeof webhooks>[1]): Webhook {
  const w = webhooks(health, { minIntervalMs: 0, retryDelayMs: 10, ...options });
  cleanup.push(() => w.close());
  return w;
}

/** `list[i]`, failing the test when it is absent. */
function nth<T>(list: readonly T[], i: number): T {
  const item = list[i];
  if (item === undefined) throw new Error(`no item ${i} in ${JSON.stringify(list)}`);
  return item;
}

const F = false;
const U = true;

it('a flapping check with failureThreshold 3 sends exactly the expected notifications', async () => {
  // Failure streaks: 2 (none), 4 (down at the 3rd, then restored), 3 (down, restored), 2 (none),
  // 5 (down, restored) => 3 `down` + 3 `restored` = 6, for 22 runs and 11 reported flips.
  const script = [F, F, U, F, F, F, F, U, F, F, F, U, U, F, F, U, F, F, F, F, F, U];
  const flips = script.filter((v, i) => i > 0 && v !== script[i - 1]).length;
  const r = await receiver();
  const { health, step, done } = scripted(script);
  const changes: string[] = [];
  health.onCheckChange((c) => changes.push(c.current.status));
  const w = hook(health, { url: r.url, failureThreshold: 3 });
  while (!done()) await step();
  await w.idle();
  expect(changes.length - 1).toBe(flips); // core reports every flip (threshold 1)...
  expect(r.got.map((g) => `${g.body.event}`)).toEqual([
    'down',
    'restored',
    'down',
    'restored',
    'down',
    'restored',
  ]); // ...the webhook only the ones past 3 failures in a row
  expect(r.got.map((g) => g.body.consecutiveFailures ?? '-')).toEqual([3, '-', 3, '-', 3, '-']);
  expect(w.stats).toEqual({ sent: 6, failed: 0, dropped: 0, requests: 6 });
  const down = nth(r.got, 0).body;
  expect(down).toMatchObject({
    event: 'down',
    name: 'db',
    status: 'DOWN',
    text: expect.any(String),
  });
  expect(JSON.stringify(r.got)).not.toContain('replica-7'); // no check messages by default
  expect(nth(r.got, 1).body).toMatchObject({
    event: 'restored',
    status: 'UP',
    text: 'db is UP again',
  });
  expect(nth(r.got, 1).body.downForMs).toBeGreaterThanOrEqual(0);
});

it("reuses core's own failureThreshold: a check that reports DOWN after 3 notifies on the flip", async () => {
  const script = [F, F, U, F, F, F, U];
  const r = await receiver();
  const { health, step, done } = scripted(script, { failureThreshold: 3 });
  const w = hook(health, { url: r.url, failureThreshold: 3, preset: 'slack', service: 'orders' });
  while (!done()) await step();
  await w.idle();
  expect(r.got.map((g) => g.body)).toEqual([
    { text: 'orders: db is DOWN (3 failed runs in a row)' },
    { text: 'orders: db is UP again' },
  ]);
});

it('keeps notifications for one check minIntervalMs apart and converges on the current status', async () => {
  const r = await receiver();
  const { health, step } = scripted([F, U, F, U, F, U]);
  const w = hook(health, { url: r.url, failureThreshold: 1, minIntervalMs: 400 });
  for (let k = 0; k < 6; k++) await step(); // 6 flips within a few ms
  await w.idle();
  expect(r.got.map((g) => g.body.event)).toEqual(['down']); // the rest wait for the interval
  await new Promise((res) => setTimeout(res, 600));
  await w.idle();
  // At the end of the interval the check is UP: one `restored`, not five more flips.
  expect(r.got.map((g) => g.body.event)).toEqual(['down', 'restored']);
  const gap = nth(r.got, 1).at - nth(r.got, 0).at;
  // Sends are 400 ms apart; arrivals can differ by the first request's connection set-up.
  expect(gap).toBeGreaterThanOrEqual(340);
  expect(gap).toBeLessThan(600);
});

it('a receiver that never answers blocks neither the probes nor another webhook', async () => {
  const hang = await receiver('hang');
  const good = await receiver();
  const { health, step } = scripted([F, F, F, F, F, F]);
  const stuck = hook(health, { url: hang.url, failureThreshold: 1, timeoutMs: 300, retries: 0 });
  const fine = hook(health, { url: good.url, failureThreshold: 1 });
  const t0 = Date.now();
  await step();
  const probe = await health.handle({ method: 'GET', path: '/health', headers: {} });
  expect(probe?.status).toBe(503);
  expect(Date.now() - t0).toBeLessThan(100); // the probe answered while the webhook hangs
  await fine.idle();
  expect(good.got).toHaveLength(1);
  expect(nth(good.got, 0).at - t0).toBeLessThan(200);
  expect(hang.got).toHaveLength(1); // arrived, never answered
  await stuck.idle(); // gives up at its timeout
  expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  expect(Date.now() - t0).toBeLessThan(1000);
  expect(stuck.stats).toEqual({ sent: 0, failed: 1, dropped: 0, requests: 1 });
});

it('a 500 receiver gets exactly 1 + retries requests with back-off; a 400 is not retried', async () => {
  const r500 = await receiver(500);
  const r400 = await receiver(400);
  const { health, step } = scripted([F]);
  const errors: string[] = [];
  const w500 = hook(health, {
    url: r500.url,
    failureThreshold: 1,
    retries: 3,
    retryDelayMs: 50,
    onError: (e) => errors.push(e.message),
  });
  const w400 = hook(health, { url: r400.url, failureThreshold: 1, retries: 3 });
  await step();
  await Promise.all([w500.idle(), w400.idle()]);
  expect(r500.got).toHaveLength(4);
  const gaps = r500.got.slice(1).map((g, k) => g.at - nth(r500.got, k).at);
  expect(gaps[0]).toBeGreaterThanOrEqual(45); // 50, 100, 200 ms
  expect(gaps[1]).toBeGreaterThanOrEqual(95);
  expect(gaps[2]).toBeGreaterThanOrEqual(195);
  expect(w500.stats).toEqual({ sent: 0, failed: 1, dropped: 0, requests: 4 });
  expect(errors).toEqual(['webhook answered 500']);
  expect(r400.got).toHaveLength(1);
  expect(w400.stats).toEqual({ sent: 0, failed: 1, dropped: 0, requests: 1 });
});

it('templates, opt-in messages, lifecycle events and option errors', async () => {
  const r = await receiver();
  const { health, step } = scripted([F]);
  const w = hook(health, {
    url: r.url,
    failureThreshold: 1,
    includeMessages: true,
    lifecycle: ['STOPPING'],
    template: '{service}[{event}] {name} {status} {message} {nope}',
  });
  await step();
  health.transition('STOPPING');
  await w.idle();
  expect(r.got.map((g) => g.body.text)).toEqual([
    '[down] db DOWN replica-7 refused the connection {nope}',
    '[state] lifecycle STOPPING  {nope}',
  ]);
  const event: NotifyEvent = { event: 'down', name: 'x', status: 'DOWN', at: 'now' };
  expect(payload(event, { template: (e) => ({ custom: e.name }) })).toEqual({ custom: 'x' });
  expect(() => webhooks(health, { url: 'ftp://x' })).toThrow(/option "url"/);
  expect(() => webhooks(health, { url: r.url, failureThreshold: 0 })).toThrow(
    /"failureThreshold" must be an integer >= 1/,
  );
});

it('background (interval) checks: one down after 3 failed runs, one restored; other instances ignored', async () => {
  const r = await receiver();
  let failing = true;
  const health = createHealth({
    startReady: true,
    logger: false,
    checks: [
      {
        name: 'db',
        interval: 20,
        check: () => {
          if (failing) throw new Error('down');
        },
      },
    ],
  });
  // Another instance failing the whole time: its runs are on the same tracing channel.
  const other = createHealth({
    startReady: true,
    logger: false,
    checks: [{ name: 'db', interval: 20, check: () => Promise.reject(new Error('other')) }],
  });
  cleanup.push(() => {
    void health.close?.();
    void other.close?.();
  });
  const w = hook(health, { url: r.url, failureThreshold: 3 });
  await until(() => r.got.length === 1, 3000);
  const runsAtDown = health.runCount('db');
  await new Promise((res) => setTimeout(res, 200)); // ~10 more failed runs: no more notifications
  expect(health.runCount('db')).toBeGreaterThan(runsAtDown + 3);
  expect(r.got.map((g) => g.body.event)).toEqual(['down']);
  expect(nth(r.got, 0).body.consecutiveFailures).toBe(3);
  failing = false;
  await until(() => r.got.length === 2, 3000);
  await w.idle();
  expect(r.got.map((g) => g.body.event)).toEqual(['down', 'restored']);
  expect(w.stats.sent).toBe(2);
});

async function until(done: () => boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((res) => setTimeout(res, 10));
  }
}
