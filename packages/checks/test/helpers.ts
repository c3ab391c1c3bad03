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
import { expect } from 'vitest';

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

export interface TestApp {
  health: Health;
  baseUrl: string;
  /** Public probe: what an unauthenticated caller (the kubelet, the internet) sees. */
  probe(path?: string): Promise<ProbeResult>;
  /** Detailed probe (`x-internal: yes`). */
  details(path?: string): Promise<ProbeResult & { checks: CheckEntry[]; check: CheckEntry }>;
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
      return { ...result, checks, check: checks[0] as CheckEntry };
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
