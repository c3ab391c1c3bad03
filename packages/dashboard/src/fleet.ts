/**
 * Fleet mode: one server that polls many services' health endpoints over HTTP, keeps a bounded
 * ring buffer of changes per service in memory, and serves one page and one SSE stream for all
 * of them. It shows its own staleness per service ("last heard 12 s ago") and marks a service
 * UNREACHABLE as soon as a poll gets no answer, so it never fails silently.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fleetPage } from './fleet-page.js';
import { createNotifier, type Notifier, type Observation, type WebhookOptions } from './notify.js';

export interface FleetTarget {
  /** Shown on the page; unique. */
  name: string;
  /** The health endpoint (`http://host:3000/health`); a bare origin gets `/health`. */
  url: string;
}

export interface FleetOptions {
  targets: readonly FleetTarget[];
  /** @default 3300 (0: any free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Poll period per service, ms. @default 2000 */
  intervalMs?: number;
  /** Timeout of one poll, ms. @default min(intervalMs, 2000) */
  timeoutMs?: number;
  /** Changes kept per service. @default 100 */
  historySize?: number;
  /** SSE heartbeat comment interval, ms. @default 15000 */
  heartbeatMs?: number;
  /** Page title. @default 'Fleet health' */
  title?: string;
  /**
   * Webhooks on service changes, as `webhooks()` has them for checks: a service DOWN or
   * UNREACHABLE for `failureThreshold` polls in a row, then `restored`; `checks` filters services.
   */
  webhooks?: readonly WebhookOptions[];
}

/** A service's status as the fleet sees it. */
export type FleetStatus =
  | 'PENDING'
  | 'UP'
  | 'DEGRADED'
  | 'DOWN'
  | 'STARTING'
  | 'STOPPING'
  | 'ERRORED'
  | 'UNREACHABLE';

export interface FleetCheck {
  name: string;
  status: string;
}

export interface FleetChange {
  id: number;
  at: number;
  service: string;
  /** `service`: the service's status moved; `check`: one of its checks did. */
  kind: 'service' | 'check';
  name: string;
  status: string;
}

export interface ServiceView {
  name: string;
  url: string;
  status: FleetStatus;
  /** `Date.now()` of the last answer (any HTTP status); absent until the first. */
  lastHeard?: number;
  /** `Date.now()` of the last poll that finished (answered or not). */
  lastPolled?: number;
  /** `Date.now()` when `status` last changed. */
  since?: number;
  /** HTTP status of the last answer. */
  httpStatus?: number;
  /** Why the last poll got no answer (UNREACHABLE). */
  error?: string;
  /** Checks, where the service shows them (`showChecks`). */
  checks?: FleetCheck[];
  history: FleetChange[];
}

export interface Fleet {
  /** `http://host:port` the page is served on. */
  readonly url: string;
  services(): ServiceView[];
  /** The webhooks' delivery figures, in `options.webhooks` order. */
  readonly notifications: readonly {
    sent: number;
    failed: number;
    dropped: number;
    requests: number;
  }[];
  close(): Promise<void>;
}

const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
const FAILING = new Set<FleetStatus>(['DOWN', 'UNREACHABLE', 'ERRORED']);

export class FleetError extends Error {
  readonly code = 'HEALTH_FLEET_INVALID_OPTION';
}

function invalid(option: string, rule: string): never {
  throw new FleetError(`@health/dashboard fleet: ${option} ${rule}`);
}

/** Validates targets: unique names, absolute http(s) URLs; a bare origin gets `/health`. */
export function normalizeTargets(targets: readonly FleetTarget[]): FleetTarget[] {
  if (!Array.isArray(targets) || targets.length === 0)
    invalid('targets', 'must list at least one service (--target name=url)');
  const seen = new Set<string>();
  return targets.map(({ name, url }) => {
    if (typeof name !== 'string' || !NAME.test(name))
      invalid(`target "${String(name)}"`, 'needs a name of 1-64 of [A-Za-z0-9_.:-]');
    if (seen.has(name)) invalid(`target "${name}"`, 'is listed twice');
    seen.add(name);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      invalid(`target "${name}"`, `needs an absolute http(s) URL, got ${String(url)}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      invalid(`target "${name}"`, `needs an http(s) URL, got ${parsed.protocol}`);
    if (parsed.pathname === '/') parsed.pathname = '/health';
    return { name, url: parsed.href };
  });
}

function positive(option: string, value: number | undefined, fallback: number, min = 1) {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min)
    invalid(`option "${option}"`, `must be an integer >= ${min}, got ${String(value)}`);
  return v;
}

const STATES: Record<string, FleetStatus> = {
  UP: 'UP',
  DOWN: 'DOWN',
  DEGRADED: 'DEGRADED',
  STARTING: 'STARTING',
  STOPPING: 'STOPPING',
  ERRORED: 'ERRORED',
  // application/health+json
  pass: 'UP',
  warn: 'DEGRADED',
  fail: 'DOWN',
};

/** Reads a health answer: core's `{"status":..., "checks":[...]}` or health+json; else the code. */
export function readAnswer(
  httpStatus: number,
  text: string,
): { status: FleetStatus; checks?: FleetCheck[] } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const b = body as { status?: unknown; checks?: unknown } | undefined;
  const named = typeof b?.status === 'string' ? STATES[b.status] : undefined;
  const status = named ?? (httpStatus >= 200 && httpStatus < 300 ? 'UP' : 'DOWN');
  let checks: FleetCheck[] | undefined;
  if (Array.isArray(b?.checks)) {
    checks = (b.checks as { name?: unknown; status?: unknown }[])
      .filter((c) => typeof c?.name === 'string' && typeof c.status === 'string')
      .map((c) => ({
        name: c.name as string,
        status: STATES[c.status as string] ?? String(c.status),
      }));
  } else if (b?.checks && typeof b.checks === 'object') {
    // health+json: { checks: { "db:responseTime": [{ status }] } }
    checks = Object.entries(b.checks as Record<string, unknown>).map(([name, v]) => {
      const first = Array.isArray(v) ? (v[0] as { status?: unknown } | undefined) : undefined;
      const s = typeof first?.status === 'string' ? first.status : 'UNKNOWN';
      return { name, status: STATES[s] ?? s };
    });
  }
  return checks ? { status, checks } : { status };
}

const MAX_BODY = 256 * 1024;

/** Starts polling every target and serves the page; resolves once listening. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const targets = normalizeTargets(options.targets);
  const interval = positive('intervalMs', options.intervalMs, 2000, 50);
  const timeout = positive('timeoutMs', options.timeoutMs, Math.min(interval, 2000));
  const historySize = positive('historySize', options.historySize, 100);
  const heartbeat = positive('heartbeatMs', options.heartbeatMs, 15_000);
  const port = positive('port', options.port, 3300, 0);
  if (port > 65535) invalid('option "port"', `must be at most 65535, got ${port}`);
  const host = options.host ?? '127.0.0.1';
  const title = options.title ?? 'Fleet health';

  let nextId = 1;
  let closed = false;
  const clients = new Set<http.ServerResponse>();
  const services = targets.map(
    (t): ServiceView => ({ name: t.name, url: t.url, status: 'PENDING', history: [] }),
  );
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const failedPolls = new Map<string, number>();
  const observation = (s: ServiceView): Observation => ({
    failing: FAILING.has(s.status),
    failures: failedPolls.get(s.name) ?? 0,
    status: s.status,
    at: s.lastPolled ?? Date.now(),
    ...(s.error ? { message: s.error } : {}),
  });
  const byName = new Map(services.map((s) => [s.name, s]));
  const notifiers: Notifier[] = (options.webhooks ?? []).map((w, i) => {
    try {
      return createNotifier(w, (name) => {
        const s = byName.get(name);
        return s && observation(s);
      });
    } catch (error) {
      return invalid(
        `webhooks[${i}]:`,
        (error as Error).message.replace(/^@health\/dashboard: /, ''),
      );
    }
  });
  const polls = new Set<Promise<void>>();

  const broadcast = (event: string, data: unknown, id?: number) => {
    const frame = `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of clients) res.write(frame);
  };

  const record = (s: ServiceView, kind: FleetChange['kind'], name: string, status: string) => {
    const change: FleetChange = {
      id: nextId++,
      at: Date.now(),
      service: s.name,
      kind,
      name,
      status,
    };
    s.history.push(change);
    if (s.history.length > historySize) s.history.shift();
    broadcast('change', change, change.id);
  };

  const publicView = (s: ServiceView) => {
    const { history: _h, ...rest } = s;
    return rest;
  };

  async function poll(s: ServiceView): Promise<void> {
    let next: { status: FleetStatus; checks?: FleetCheck[] } | undefined;
    let error: string | undefined;
    let httpStatus: number | undefined;
    try {
      const res = await fetch(s.url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeout),
        redirect: 'manual',
      });
      httpStatus = res.status;
      const text = await readCapped(res);
      next = readAnswer(res.status, text);
    } catch (e) {
      error = describeError(e, timeout);
    }
    if (closed) return;
    const now = Date.now();
    s.lastPolled = now;
    const before = s.status;
    if (next) {
      s.lastHeard = now;
      s.httpStatus = httpStatus;
      delete s.error;
      s.status = next.status;
      const old = new Map((s.checks ?? []).map((c) => [c.name, c.status]));
      if (next.checks) {
        for (const c of next.checks)
          if (old.get(c.name) !== c.status && before !== 'PENDING')
            record(s, 'check', c.name, c.status);
        s.checks = next.checks;
      } else delete s.checks;
    } else {
      s.status = 'UNREACHABLE';
      s.error = error;
    }
    if (s.status !== before) {
      s.since = now;
      record(s, 'service', s.name, s.status);
    }
    failedPolls.set(s.name, FAILING.has(s.status) ? (failedPolls.get(s.name) ?? 0) + 1 : 0);
    for (const n of notifiers) n.observe(s.name, observation(s));
    broadcast('service', { ...publicView(s), now });
  }

  const schedule = (s: ServiceView, delay: number) => {
    if (closed) return;
    const timer = setTimeout(() => {
      const p = poll(s).finally(() => {
        polls.delete(p);
        schedule(s, interval);
      });
      polls.add(p);
    }, delay);
    timers.set(s.name, timer);
  };

  const snapshot = () => ({
    title,
    now: Date.now(),
    intervalMs: interval,
    services: services.map(publicView),
    history: services
      .flatMap((s) => s.history)
      .sort((a, b) => a.id - b.id)
      .slice(-200),
  });

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('405\n');
      return;
    }
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (path === '/' || path === '/index.html') {
      const { body, csp } = fleetPage(snapshot());
      res.writeHead(200, {
        ...headers,
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': csp,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } else if (path === '/services.json') {
      res.writeHead(200, { ...headers, 'content-type': 'application/json; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(snapshot()));
    } else if (path === '/events') {
      res.writeHead(200, {
        ...headers,
        'content-type': 'text/event-stream',
        'x-accel-buffering': 'no', // nginx: don't buffer the stream
      });
      if (req.method === 'HEAD') return void res.end();
      res.write(`retry: 2000\nevent: snapshot\ndata: ${JSON.stringify(snapshot())}\n\n`);
      clients.add(res);
      const beat = setInterval(() => res.write(': heartbeat\n\n'), heartbeat);
      res.on('close', () => {
        clearInterval(beat);
        clients.delete(res);
      });
    } else {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  for (const [i, s] of services.entries()) schedule(s, Math.min(i * 10, interval));

  return {
    url: `http://${shown}:${address.port}`,
    services: () => services.map((s) => ({ ...s, history: [...s.history] })),
    notifications: notifiers.map((n) => n.stats),
    async close() {
      closed = true;
      for (const n of notifiers) n.close();
      for (const t of timers.values()) clearTimeout(t);
      for (const res of clients) res.end();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await Promise.allSettled([...polls]);
      // Pending deliveries finish within their timeouts and retries.
      await Promise.all(notifiers.map((n) => n.idle()));
    },
  };
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return text;
    text += decoder.decode(value, { stream: true });
    if (text.length > MAX_BODY) {
      await reader.cancel();
      return '';
    }
  }
}

function describeError(e: unknown, timeout: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return `no answer within ${timeout} ms`;
  return err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e);
}
