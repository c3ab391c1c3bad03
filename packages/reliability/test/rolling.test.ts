/**
 * Rolling restart behind a real HAProxy under real load: three instances of a service, HAProxy
 * with active HTTP checks on the readiness path and keep-alive on both sides, wrk driving
 * keep-alive load for ~20 s while the instances get SIGTERM one after another and are restarted.
 * Zero failed requests: no refused connection, no reset, no timeout, no 5xx from HAProxy.
 * First a core-only node:http service, then every adapter's example found in examples/.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type PostgresHandle, startPostgres } from '@health/test-services';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Child, exitWithin, fixtures, repoRoot, sleep, startTs } from './support/child.js';
import { get } from './support/http.js';
import { freePorts, type Haproxy, startHaproxy, startWrk, type WrkResult } from './support/lb.js';

interface Service {
  name: string;
  entry: string;
  cwd: string;
  /** The route wrk loads (a real route of the service). */
  path: string;
  env: Record<string, string>;
}

/** Longer than HAProxy needs to take an instance out (fall 2 × inter 200 ms + one check). */
const DRAIN_DELAY_MS = '1500';
const MIN_LOAD_MS = 18_000;
const RESTARTS = 3;
/** One example per adapter package; more examples are picked up as they appear. */
const ADAPTER_EXAMPLES = ['express', 'fastify', 'koa', 'nestjs'];

/**
 * Examples that are not HTTP services behind this HTTP load balancer: the demo is an Express
 * showcase (covered by examples/express); examples/grpc has its own rolling tests (HAProxy with
 * grpc.health.v1 checks, and a Watch-driven client-side balancer) in its folder.
 */
const NOT_HTTP_ROLLING = new Set(['demo', 'grpc']);

/** The HTTP example services, as they appear. */
function examples(): Service[] {
  const dir = join(repoRoot, 'examples');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => !NOT_HTTP_ROLLING.has(name) && existsSync(join(dir, name, 'src', 'main.ts')))
    .sort()
    .map((name) => ({
      name: `examples/${name}`,
      entry: join(dir, name, 'src', 'main.ts'),
      cwd: join(dir, name),
      path: '/api/greeting',
      env: { DRAIN_DELAY_MS },
    }));
}

const SERVICES: Service[] = [
  {
    name: 'core node:http service',
    entry: join(fixtures, 'service.ts'),
    cwd: repoRoot,
    path: '/app/ok',
    env: { SCENARIO: 'plain', DRAIN_DELAY_MS, EXIT: '1' },
  },
  ...examples(),
];

// The examples share one real PostgreSQL (DATABASE_URL), as replicas of a service do; their
// embedded PGlite default would spend seconds of CPU on initdb at every restart.
let postgres: PostgresHandle | undefined;
beforeAll(async () => {
  if (SERVICES.some((s) => s.name.startsWith('examples/'))) postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.kill();
});

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

interface Restart {
  slot: number;
  outOfRotationMs: number;
  exitedMs: number;
  code: number | null;
  backInMs: number;
}

/** Polls a readiness URL until it answers 200 or the deadline passes; returns the last status. */
async function readyWithin(url: string, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { status } = await get(url);
    if (status === 200 || Date.now() > deadline) return status;
    await sleep(100);
  }
}

async function rollingRestart(service: Service) {
  const [frontendPort = 0, ...ports] = await freePorts(4);
  const env = {
    ...service.env,
    ...(service.name.startsWith('examples/') && postgres ? { DATABASE_URL: postgres.url } : {}),
  };
  const start = (port: number) =>
    startTs(service.entry, {
      cwd: service.cwd,
      env: { ...env, PORT: String(port) },
      listenTimeout: 60_000,
    });
  const instances: Child[] = await Promise.all(ports.map(start));
  cleanup.push(() => {
    for (const child of instances) child.kill('SIGKILL');
  });
  for (const child of instances) {
    // The examples listen first and answer 503 while STARTING: wait for readiness, bounded.
    expect(await readyWithin(`${child.url}/health/ready`, 60_000)).toBe(200);
    expect((await get(`${child.url}${service.path}`)).status).toBe(200);
  }
  const proxy: Haproxy = await startHaproxy({
    frontendPort,
    backendPorts: ports,
    checkPath: '/health/ready',
  });
  cleanup.push(() => proxy.stop());
  for (const slot of ports.keys()) await proxy.waitFor(slot, 'UP');

  const wrk = startWrk(`${proxy.url}${service.path}`, { connections: 16, threads: 2, delayMs: 2 });
  const began = Date.now();
  const restarts: Restart[] = [];
  let load: WrkResult;
  try {
    for (
      let slot = 0;
      restarts.length < RESTARTS || Date.now() - began < MIN_LOAD_MS;
      slot = (slot + 1) % ports.length
    ) {
      await sleep(1000); // steady load between restarts
      const old = instances[slot] as Child;
      const signalled = Date.now();
      old.kill('SIGTERM');
      const outOfRotationMs = await proxy.waitFor(slot, 'DOWN');
      const exit = await exitWithin(old, 30_000);
      const fresh = await start(ports[slot] as number);
      instances[slot] = fresh;
      await proxy.waitFor(slot, 'UP', 30_000);
      restarts.push({
        slot,
        outOfRotationMs,
        exitedMs: exit.at - signalled,
        code: exit.code,
        backInMs: Date.now() - signalled,
      });
    }
    await sleep(1500);
  } finally {
    load = await wrk.stop();
  }
  const stats = await proxy.stats();
  const frontend = stats.find((r) => r.pxname === 'fe' && r.svname === 'FRONTEND') ?? {};
  const backend = stats.find((r) => r.pxname === 'instances' && r.svname === 'BACKEND') ?? {};
  const servers = stats.filter((r) => r.pxname === 'instances' && /^s\d$/.test(r.svname ?? ''));
  const sum = (rows: Record<string, string>[], key: string) =>
    rows.reduce((n, r) => n + Number(r[key] || 0), 0);
  const failed = load.connect + load.read + load.write + load.timeout + load.status;
  const figures = {
    service: service.name,
    seconds: Math.round(load.durationMs / 100) / 10,
    requestsSent: load.requests,
    failed,
    errors: {
      connect: load.connect,
      read: load.read,
      write: load.write,
      timeout: load.timeout,
      non2xx: load.status,
    },
    restarts: restarts.length,
    p50Ms: load.p50Ms,
    p99Ms: load.p99Ms,
    haproxy: {
      frontend5xx: Number(frontend.hrsp_5xx || 0),
      backendConnErrors: Number(backend.econ || 0),
      backendRespErrors: Number(backend.eresp || 0),
      retries: Number(backend.wretr || 0),
      redispatches: Number(backend.wredis || 0),
      serverConnectionsOpened: sum(servers, 'connect'),
      serverConnectionsReused: sum(servers, 'reuse'),
    },
  };
  console.log(`[rolling] ${JSON.stringify(figures)}`);
  for (const r of restarts) {
    console.log(
      `[rolling]   s${r.slot}: SIGTERM -> out of rotation ${r.outOfRotationMs} ms -> exited ${r.exitedMs} ms (code ${r.code}) -> back in rotation ${r.backInMs} ms`,
    );
  }
  if (failed > 0)
    console.log(`[rolling] haproxy log:\n${proxy.output()}\n[rolling] wrk:\n${load.raw}`);
  return { figures, restarts, load };
}

describe('rolling restart behind HAProxy under wrk load (keep-alive both sides)', () => {
  it('covers the core service and every adapter example', () => {
    const names = SERVICES.map((s) => s.name);
    console.log(`[rolling] services: ${names.join(', ')}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'core node:http service',
        ...ADAPTER_EXAMPLES.map((e) => `examples/${e}`),
      ]),
    );
  });

  for (const service of SERVICES) {
    it(`${service.name}: zero failed requests across ${RESTARTS}+ SIGTERM restarts`, async () => {
      const { figures, restarts, load } = await rollingRestart(service);
      expect(load.requests).toBeGreaterThan(1000);
      expect(figures.failed).toBe(0);
      expect(figures.haproxy.frontend5xx).toBe(0);
      expect(figures.haproxy.backendConnErrors + figures.haproxy.backendRespErrors).toBe(0);
      expect(restarts.length).toBeGreaterThanOrEqual(RESTARTS);
      expect(restarts.every((r) => r.code === 0)).toBe(true);
      // Keep-alive to the instances really happened: connections were reused, not one per request.
      expect(figures.haproxy.serverConnectionsReused).toBeGreaterThan(
        figures.haproxy.serverConnectionsOpened,
      );
    }, 150_000);
  }
});
