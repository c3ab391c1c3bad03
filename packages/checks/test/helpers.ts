/**
 * Test harness for the checks: a real node:http service answering health probes through core's
 * Node writer plus an app route, probed with a real HTTP client. Details are shown only to
 * requests carrying `x-internal: yes`, so tests see both the public and the detailed body.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CheckDefinition, createHealth, type Health, type HealthOptions } from '@health/core';
import { createNodeListener } from '@health/core/node';
import { httpRequest } from '@health/test-utils';
import { expect, it } from 'vitest';

export interface ProbeResult {
  status: number;
  body: string;
  ms: number;
}

export interface CheckEntry {
  name: string;
  status: 'UP' | 'DOWN';
  message?: string;
  timedOut?: boolean;
  details?: Record<string, unknown>;
}

export interface DetailedResult extends ProbeResult {
  checks: CheckEntry[];
  check: CheckEntry;
  byName: Record<string, CheckEntry | undefined>;
}

export interface TestApp {
  health: Health;
  baseUrl: string;
  /** Public probe: what an unauthenticated caller (the kubelet, the internet) sees. */
  probe(path?: string): Promise<ProbeResult>;
  /** Detailed probe (`x-internal: yes`): every check, the first one, and each by its name. */
  details(path?: string): Promise<DetailedResult>;
  /** The app's own route: must keep answering whatever the dependencies do. */
  app(): Promise<ProbeResult>;
  close(): Promise<void>;
}

export async function startApp(
  checks: CheckDefinition[],
  options: Omit<HealthOptions, 'checks'> = {},
): Promise<TestApp> {
  const health = createHealth({
    checks,
    startReady: true,
    logger: false,
    showDetails: (request) => request.headers?.['x-internal'] === 'yes',
    ...options,
  });
  const server = createServer(
    createNodeListener(health, (req, res) => {
      if (req.url === '/app/ok') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
        return;
      }
      res.writeHead(404);
      res.end();
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  health.addServer(server);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const result = await httpRequest(`${baseUrl}${path}`, { headers, timeout: 10_000 });
    return { status: result.status, body: result.body, ms: result.ms };
  };
  return {
    health,
    baseUrl,
    probe: (path = '/health/ready') => get(path),
    async details(path = '/health/ready') {
      const result = await get(path, { 'x-internal': 'yes' });
      const checks = (JSON.parse(result.body) as { checks?: CheckEntry[] }).checks ?? [];
      const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
      return { ...result, checks, check: checks[0] as CheckEntry, byName };
    },
    app: () => get('/app/ok'),
    async close() {
      health.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `fn` until it returns a truthy value (or throws after `timeout` ms with the last value). */
export async function eventually<T>(
  fn: () => Promise<T>,
  accept: (value: T) => boolean,
  timeout = 15_000,
  interval = 100,
): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: T = await fn();
  while (!accept(last)) {
    if (Date.now() > deadline) {
      throw new Error(
        `condition not met within ${timeout} ms; last value: ${JSON.stringify(last)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
    last = await fn();
  }
  return last;
}

/**
 * The leak contract: the public body is exactly `{"status":"DOWN"}` and mentions none of the
 * connection settings; the detailed body never contains the password, and its message names no
 * host, port or user either.
 */
export async function expectNoLeak(
  app: TestApp,
  secrets: { password: string; user?: string; host?: string; port?: number },
): Promise<CheckEntry> {
  const pub = await app.probe();
  expect(pub.status).toBe(503);
  expect(pub.body).toBe('{"status":"DOWN"}');
  const detailed = await app.details();
  expect(detailed.status).toBe(503);
  expect(detailed.body).not.toContain(secrets.password);
  const message = detailed.check.message ?? '';
  expect(message.length).toBeGreaterThan(0);
  for (const value of [secrets.password, secrets.user, secrets.host, secrets.port]) {
    if (value === undefined) continue;
    expect(message).not.toContain(String(value));
    expect(pub.body).not.toContain(String(value));
  }
  expect(message).not.toContain('127.0.0.1');
  return detailed.check;
}

/** Generous slack for a 2-core machine shared with other test runs. */
export const SLACK = 1500;

/** Waits until the readiness probe answers 200 again (after a dependency came back). */
export const expectRecovers = (app: TestApp): Promise<ProbeResult> =>
  eventually(
    () => app.probe(),
    (r) => r.status === 200,
  );

/**
 * The hang contract: while the server is paused (it accepts, never answers) the probe fails
 * within the check's timeout, the next probe answers at once from the failed result instead of
 * piling on the dependency, and the app keeps serving; after `resume()` the probe is 200 again.
 * `judge` looks at the failed checks (their messages name the timeout).
 */
export async function expectBoundedWhilePaused(
  app: TestApp,
  server: { pause(): Promise<void>; resume(): Promise<void> },
  timeout: number,
  judge: (checks: CheckEntry[]) => void,
): Promise<void> {
  expect((await app.probe()).status).toBe(200);
  await server.pause();
  try {
    const hung = await app.details();
    expect(hung.status).toBe(503);
    expect(hung.ms).toBeLessThan(timeout + SLACK);
    judge(hung.checks);
    const again = await app.probe();
    expect(again.status).toBe(503);
    expect(again.ms).toBeLessThan(timeout + SLACK);
    expect((await app.app()).status).toBe(200);
  } finally {
    await server.resume();
  }
  await expectRecovers(app);
}

/**
 * The outage contract for a pooled SQL client: with the server stopped the probe fails within
 * the timeout with `message`, the app keeps serving, nothing secret leaks, and the probe is 200
 * again after `start()`.
 */
export async function expectFailsWhileStopped(
  app: TestApp,
  server: { stop(): Promise<void>; start(): Promise<void>; password: string },
  timeout: number,
  message: RegExp,
): Promise<void> {
  await server.stop();
  const down = await app.details();
  expect(down.status).toBe(503);
  expect(down.ms).toBeLessThan(timeout + SLACK);
  expect(down.check.message).toMatch(message);
  expect(await app.app()).toMatchObject({ status: 200, body: 'ok' });
  await expectNoLeak(app, server);
  await server.start();
  await expectRecovers(app);
}

/**
 * The steady-state contract: `probesBefore` public probes in a row answer 200 (so a check that
 * opens a connection or a channel per probe has had the chance to), then the detailed body is 200
 * and lists exactly `names`, in order, each UP with its latency.
 */
export async function expectAllUp(
  app: TestApp,
  names: string[],
  probesBefore = 0,
): Promise<DetailedResult> {
  for (let i = 0; i < probesBefore; i++) expect((await app.probe()).status).toBe(200);
  const detailed = await app.details();
  expect(detailed.status).toBe(200);
  expect(detailed.checks.map((c) => [c.name, c.status])).toEqual(names.map((n) => [n, 'UP']));
  for (const check of detailed.checks) {
    expect(check.details?.latencyMs, check.name).toEqual(expect.any(Number));
  }
  return detailed;
}

/** A password no test server has: a client using it must fail without echoing it. */
export const WRONG_PASSWORD = 'wrong-Secret-123';

/**
 * The wrong-password contract for a SQL client: a check on a client built with `WRONG_PASSWORD`
 * is DOWN with the server's own error (`message`, `code`), and neither that password nor the
 * server's real one, user, host or port leaks (the servers name user and host in their errors).
 * `connect` builds the client and the check, and says how to close the client.
 */
export async function expectWrongPasswordHidden(
  server: { password: string; user: string; host: string; port: number },
  connect: (password: string) => { check: CheckDefinition; close(): Promise<unknown> },
  expected: { message: RegExp; code: string },
): Promise<void> {
  const client = connect(WRONG_PASSWORD);
  const leaky = await startApp([client.check]);
  try {
    const check = await expectNoLeak(leaky, { ...server, password: WRONG_PASSWORD });
    expect(check.message).toMatch(expected.message);
    expect(check.details?.code).toBe(expected.code);
    expect((await leaky.details()).body).not.toContain(server.password);
  } finally {
    await leaky.close();
    await client.close().catch(() => {});
  }
}

/**
 * Teardown of a suite on a real server: the app first (no probe in flight), then the clients —
 * each may fail, the server may be stopped — and last the server with its data.
 */
export async function closeAll(
  app: TestApp | undefined,
  clients: (() => unknown)[],
  server: { kill(): Promise<void> } | undefined,
): Promise<void> {
  await app?.close();
  await Promise.all(
    clients.map(async (close) => {
      try {
        await close();
      } catch {
        // already closed, or the server is gone
      }
    }),
  );
  await server?.kill();
}

/**
 * The two outage tests every pooled SQL check shares — the server stops (`expectFailsWhileStopped`
 * with the check's `failedQuery` message) and the server hangs (`expectBoundedWhilePaused`, the
 * message names the timeout) — registered in the calling `describe`. `suite` is read when the
 * tests run, after `beforeAll` has started the server and the app.
 */
export function itSurvivesSqlOutages(
  suite: () => {
    app: TestApp;
    server: Parameters<typeof expectFailsWhileStopped>[1] &
      Parameters<typeof expectBoundedWhilePaused>[1];
  },
  timeout: number,
  failedQuery: RegExp,
): void {
  it('fails within its timeout when the server stops, the app keeps serving, and recovers on start()', async () => {
    const { app, server } = suite();
    await expectFailsWhileStopped(app, server, timeout, failedQuery);
  });

  it('times out in bounded time when the server accepts but never answers, and recovers on resume()', async () => {
    const { app, server } = suite();
    await expectBoundedWhilePaused(app, server, timeout, ([check]) =>
      expect(check?.message).toMatch(/timed out|timeout/i),
    );
  });
}
