/**
 * Bad input, property-based (fast-check): random methods, targets (encoded, dot segments, very
 * long, unicode, trailing and double slashes, query strings, absolute-form) and headers (huge,
 * duplicated, odd bytes). Through the seam (`health.handle`) and over real HTTP with raw sockets
 * against core's node:http listener and `@health/express`: every answer is a proper HTTP response
 * from the health routes or from the app the request was passed to; never a crash, never a 5xx.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHealth, down, type Health } from '@health/core';
import { createNodeListener } from '@health/core/node';
import { healthRouter } from '@health/express';
import express from 'express';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawAnswer, rawRequest } from './support/raw.js';
import { runs, SEED } from './support/seed.js';

const ROUTES = new Map([
  ['/health', 200],
  ['/health/ready', 200],
  ['/health/live', 200],
  ['/health/started', 200],
]);
// Per-check routes (`<probe>/<check>`) under each probe, with the check's 200 when it exists. The
// combined `/health` has none: paths under it stay the app's. An unknown name is core's 404.
const CHECK_ROUTES = new Map<string, Map<string, number>>([
  [
    '/health/ready',
    new Map([
      ['db', 200],
      ['cache', 200], // non-critical and DOWN: DEGRADED, 200 by the default table
    ]),
  ],
  ['/health/live', new Map([['heap', 200]])],
  ['/health/started', new Map()],
]);

/**
 * What the seam answers for a pathname: a GET status and whether the method matters (404s for
 * unknown checks come before the method check), or `undefined` when the app gets the request.
 */
function expected(pathname: string): { status: number; methods: boolean } | undefined {
  const route = ROUTES.get(pathname);
  if (route !== undefined) return { status: route, methods: true };
  const slash = pathname.lastIndexOf('/');
  const checks = slash > 0 ? CHECK_ROUTES.get(pathname.slice(0, slash)) : undefined;
  const name = pathname.slice(slash + 1);
  if (checks === undefined || name === '') return undefined;
  const status = checks.get(name);
  return status === undefined ? { status: 404, methods: false } : { status, methods: true };
}
/** `?verbose` asks for kube-apiserver's plain text instead of JSON (core reads URLSearchParams). */
function verbose(target: string): boolean {
  const q = target.indexOf('?');
  return q !== -1 && new URLSearchParams(target.slice(q + 1)).has('verbose');
}
const SEAM_RUNS = runs(20_000);
const HTTP_RUNS = runs(2_000);

function makeHealth(): Health {
  return createHealth({
    logger: false,
    startReady: true,
    checks: [
      { name: 'db', check: () => true },
      {
        name: 'cache',
        critical: false,
        check: () => down('cache down password=x'),
      },
      { name: 'heap', probes: ['liveness'], check: () => true },
    ],
    // A visibility function that itself misbehaves on odd input: counts as "not allowed".
    showDetails: (request) => {
      const auth = request.headers?.authorization;
      if (Array.isArray(auth)) throw new Error('duplicated authorization');
      return auth === 'Bearer ops';
    },
  });
}

// ---- generators ---------------------------------------------------------------------------

// Mostly requests a parser accepts (so they reach the routes), with a share of hostile ones.
const visible = fc.string({
  maxLength: 12,
  unit: fc.constantFrom(..."abcXYZ019-._~!$&'()*+,;=:@%/?#[]".split('')),
});
const weirdSegment = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'health',
      'ready',
      'live',
      'started',
      'HEALTH',
      'Health',
      'app',
      '.',
      '..',
      '',
      '%2e',
      '%2E%2E',
      '%2F',
      '%2f',
      '%00',
      '%zz',
      '%',
      '%25',
      ';',
      ';jsessionid=1',
      '~',
    ),
  },
  { weight: 4, arbitrary: visible },
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }).map(encodeURIComponent) },
  { weight: 2, arbitrary: fc.constantFrom('héalth', '健康', '😀', '\u0000', '\u007f', '\t') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.nat({ max: 20_000 }).map((n) => 'a'.repeat(n)) },
);
const routeTailBase = fc.constantFrom(
  '',
  '',
  '/',
  '//',
  '/.',
  '/..',
  '%2F',
  '.json',
  ';x',
  '#frag',
  '/x',
  '%20',
  ' ',
);
const routeTail = fc.oneof(
  { weight: 3, arbitrary: routeTailBase },
  { weight: 1, arbitrary: fc.constantFrom('/db', '/cache', '/heap', '/nope', '/db/x', '/DB') },
);
const routeLike = fc
  .tuple(fc.constantFrom(...ROUTES.keys()), routeTail)
  .map(([r, tail]) => r + tail);
const path = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...ROUTES.keys()) },
  { weight: 4, arbitrary: routeLike },
  {
    weight: 4,
    arbitrary: fc.array(weirdSegment, { maxLength: 6 }).map((segments) => `/${segments.join('/')}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('//', '///', '/./', '/../', ''), fc.constantFrom(...ROUTES.keys()))
      .map(([p, r]) => p + r.slice(1)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '*',
      '',
      'health',
      'http://127.0.0.1/health/ready',
      'HTTP://x/health',
    ),
  },
);
const query = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '?',
      '??',
      '?&&',
      '?a=1&a=2',
      '?verbose',
      '?x=%zz',
      '?%00',
      '#frag',
      '?a=b#c',
    ),
  },
  { weight: 2, arbitrary: visible.map((q) => `?${q}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((q) => `?${q}`) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }).map((q) => `?${encodeURIComponent(q)}`) },
  { weight: 1, arbitrary: fc.nat({ max: 20_000 }).map((n) => `?q=${'z'.repeat(n)}`) },
);
const target = fc.tuple(path, query).map(([p, q]) => p + q);
const method = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom(
      'GET',
      'GET',
      'GET',
      'HEAD',
      'POST',
      'PUT',
      'DELETE',
      'OPTIONS',
      'PATCH',
      'TRACE',
      'PROPFIND',
      'M-SEARCH',
      'PURGE',
      'QUERY',
      'SEARCH',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('get', 'Get', 'hEaD', 'GET ', ' GET', '') },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z!#$%&'*+.^_`|~-]{1,24}$/) },
);
const headerName = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'host',
      'authorization',
      'Authorization',
      'accept',
      'cookie',
      'user-agent',
      'x-forwarded-for',
      'x-forwarded-proto',
      'forwarded',
      'connection',
      'te',
      'x-request-id',
      'if-none-match',
      'range',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$/)
      .filter((n) => !/^(content-length|transfer-encoding|expect|upgrade)$/i.test(n)),
  },
);
const headerValue = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'Bearer ops',
      'Bearer wrong',
      'keep-alive',
      'close',
      '',
      ' ',
      'text/html, */*;q=0.1',
      'é',
    ),
  },
  { weight: 6, arbitrary: visible },
  { weight: 2, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.constantFrom('a\u0000b', 'a\rb', '\u007f') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.nat({ max: 40_000 }).map((n) => 'v'.repeat(n)) },
);
const headers = fc.array(
  fc.tuple(
    headerName,
    headerValue,
    fc.oneof(
      { weight: 5, arbitrary: fc.constant(1) },
      { weight: 1, arbitrary: fc.integer({ min: 2, max: 60 }) },
    ),
  ),
  { maxLength: 6 },
);

/** One raw request: its bytes plus what we need to judge the answer. */
const rawCase = fc.record({
  method,
  target,
  headers,
  host: fc.oneof(
    { weight: 19, arbitrary: fc.constant(true) },
    { weight: 1, arbitrary: fc.constant(false) },
  ),
  lf: fc.oneof(
    { weight: 19, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  ),
});
type RawCase = typeof rawCase extends fc.Arbitrary<infer T> ? T : never;

function encode(c: RawCase): Buffer {
  const eol = c.lf ? '\n' : '\r\n';
  let head = `${c.method} ${c.target} HTTP/1.1${eol}`;
  if (c.host) head += `Host: 127.0.0.1${eol}`;
  for (const [name, value, times] of c.headers) head += `${name}: ${value}${eol}`.repeat(times);
  head += `Connection: close${eol}${eol}`;
  return Buffer.from(head, 'utf8');
}

// ---- the oracle ---------------------------------------------------------------------------

interface Tally {
  probes: number;
  health: number;
  app: number;
  rejected: number;
  statuses: Map<number, number>;
}
const tally = (): Tally => ({ probes: 0, health: 0, app: 0, rejected: 0, statuses: new Map() });

/** Judges one answer; throws (failing the property) on anything but a proper response. */
function judge(raw: RawCase, answer: RawAnswer, counts: Tally): void {
  counts.probes++;
  // What the server's parser sees: the request line split at runs of spaces.
  const [m = '', t = ''] = `${raw.method} ${raw.target}`.split(/ +/).filter(Boolean);
  const c = { method: m, target: t };
  counts.statuses.set(answer.status, (counts.statuses.get(answer.status) ?? 0) + 1);
  const where = `${JSON.stringify(c.method)} ${JSON.stringify(c.target.slice(0, 120))} -> ${answer.statusLine || answer.error}`;
  expect(answer.error, where).toBeUndefined();
  expect(answer.status, where).toBeGreaterThanOrEqual(200);
  expect(answer.status, `${where}: a 5xx caused by input`).toBeLessThan(500);
  if (answer.headers['x-app']) {
    counts.app++;
    // Passed on: only requests that are not for a health route (the seam's exact path match).
    expect(expected(c.target.split('?')[0] ?? ''), where).toBeUndefined();
    return;
  }
  if ([400, 413, 414, 431].includes(answer.status)) {
    // Refused by Node's HTTP parser before any handler ran (bad method, target, header...).
    counts.rejected++;
    return;
  }
  if (answer.status === 404 && answer.body.toString('utf8').includes(`Cannot ${c.method} null`)) {
    // Refused by Express's own router before any middleware ran: its URL parser (parseurl)
    // finds no pathname in targets such as `//health?@#`, so it answers 404 itself.
    expect(expected(c.target.split('?')[0] ?? ''), where).toBeUndefined();
    counts.rejected++;
    return;
  }
  counts.health++;
  const pathname = c.target.split('?')[0] ?? '';
  const route = expected(pathname);
  expect(route, where).toBeDefined();
  expect(answer.headers['cache-control'], where).toEqual(['no-store']);
  const text =
    route?.methods === true && (c.method === 'GET' || c.method === 'HEAD') && verbose(c.target);
  expect(answer.headers['content-type']?.[0], where).toMatch(
    text ? /^text\/plain/ : /^application\/json/,
  );
  if (text && c.method === 'GET') {
    expect(answer.status, where).toBe(route?.status);
    expect(answer.body.toString('utf8'), where).toMatch(/z check passed\n?$/);
    expect(answer.body.toString('utf8')).not.toContain('password=x');
  } else if (text && c.method === 'HEAD') {
    expect(answer.status, where).toBe(route?.status);
  } else if (route?.methods === false) {
    expect(answer.status, where).toBe(404); // an unknown check, whatever the method
  } else if (c.method === 'GET' || c.method === 'HEAD') {
    expect(answer.status, where).toBe(route?.status);
    if (c.method === 'GET') {
      const body = JSON.parse(answer.body.toString('utf8')) as {
        status: string;
        checks?: unknown[];
      };
      expect(body.status, where).toBe('UP');
      expect(answer.body.toString('utf8')).not.toContain('password=x');
    }
  } else {
    expect(answer.status, where).toBe(405);
    expect(answer.headers.allow, where).toEqual(['GET, HEAD']);
  }
}

// ---- servers ------------------------------------------------------------------------------

const app = (_req: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(404, { 'x-app': 'passed', 'content-type': 'text/plain', 'content-length': '3' });
  res.end('app');
};

interface Target {
  name: string;
  health: Health;
  server: http.Server;
  port: number;
}
const targets: Target[] = [];

async function listen(name: string, health: Health, server: http.Server): Promise<Target> {
  health.addServer(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const t = { name, health, server, port: (server.address() as AddressInfo).port };
  targets.push(t);
  return t;
}

beforeAll(async () => {
  const core = makeHealth();
  await listen("core's node:http listener", core, http.createServer(createNodeListener(core, app)));
  const viaExpress = makeHealth();
  const expressApp = express();
  expressApp.use(healthRouter(viaExpress));
  expressApp.use((_req, res) => {
    res.set('x-app', 'passed').status(404).type('text/plain').send('app');
  });
  await listen('@health/express (express 5)', viaExpress, http.createServer(expressApp));
});

afterAll(async () => {
  for (const t of targets) {
    t.health.close();
    await new Promise((resolve) => t.server.close(resolve));
    t.server.closeAllConnections();
  }
});

const totals: Record<string, number> = {};
afterAll(() => {
  const sum = Object.values(totals).reduce((a, b) => a + b, 0);
  console.log(
    `[fuzz] probes fuzzed: ${sum} (${Object.entries(totals)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')}); input-caused 5xx / crashes: 0; seed ${SEED} (FUZZ_SEED=${SEED} replays it)`,
  );
});

describe('the seam never throws and answers exactly its routes', () => {
  it(`${SEAM_RUNS} random requests through health.handle()`, async () => {
    const health = makeHealth();
    const seamHeaders = fc.dictionary(
      fc.oneof(
        fc.constantFrom('authorization', 'host', 'x-forwarded-for', '__proto__', 'constructor'),
        fc.string({ maxLength: 20 }),
      ),
      fc.oneof(
        fc.string({ maxLength: 50 }),
        fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }),
        fc.constant(undefined),
      ),
      { maxKeys: 6 },
    );
    let probes = 0;
    const counts = { handled: 0, passed: 0 };
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(method, fc.string({ maxLength: 8 })),
          target,
          fc.option(seamHeaders, { nil: undefined }),
          async (m, t, h) => {
            probes++;
            const pending = health.handle(
              h === undefined ? { method: m, path: t } : { method: m, path: t, headers: h },
            );
            const pathname = t.split('?')[0] ?? '';
            const route = expected(pathname);
            if (route === undefined) {
              expect(pending).toBeUndefined();
              counts.passed++;
              return;
            }
            counts.handled++;
            expect(pending).toBeInstanceOf(Promise);
            const response = await pending;
            const upper = m.toUpperCase();
            const get = upper === 'GET' || upper === 'HEAD' || !route.methods;
            expect(response?.status).toBe(get ? route.status : 405);
            expect(response?.headers['cache-control']).toBe('no-store');
            expect(Number(response?.headers['content-length'])).toBe(
              upper === 'HEAD' && response?.status !== 405
                ? Buffer.byteLength(
                    (await health.handle({ method: 'GET', path: t, headers: h }))?.body ?? '',
                  )
                : Buffer.byteLength(response?.body ?? ''),
            );
            // HEAD bodies are empty, except core's fixed 405/404 answers (the writer drops them).
            if (upper === 'HEAD' && route.methods && response?.status !== 405)
              expect(response?.body).toBe('');
            else if (route.methods && verbose(t) && get)
              expect(response?.body).toMatch(/z check passed\n?$/);
            else JSON.parse(response?.body ?? '');
          },
        ),
        { numRuns: SEAM_RUNS },
      );
    } finally {
      health.close();
    }
    totals.seam = probes;
    console.log(
      `[fuzz] seam: ${probes} requests (${counts.handled} health routes, ${counts.passed} passed on)`,
    );
    expect(counts.handled).toBeGreaterThan(1000);
    expect(counts.passed).toBeGreaterThan(1000);
  }, 120_000);
});

describe.each([0, 1])('raw HTTP against a real server (#%i)', (index) => {
  it(`${HTTP_RUNS} raw requests: each answered properly, from the health routes or the app`, async () => {
    const t = targets[index] as Target;
    const counts = tally();
    await fc.assert(
      fc.asyncProperty(rawCase, async (c) => {
        const answer = await rawRequest(t.port, encode(c), c.method === 'HEAD');
        judge(c, answer, counts);
      }),
      { numRuns: HTTP_RUNS },
    );
    // Pipelined on one keep-alive connection after all that: the server is healthy and serving.
    const after = await rawRequest(
      t.port,
      'GET /health/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(after.status).toBe(200);
    totals[t.name] = counts.probes;
    const statuses = [...counts.statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    console.log(
      `[fuzz] ${t.name}: ${counts.probes} raw requests — health routes ${counts.health}, passed to the app ${counts.app}, refused before any handler (Node's parser or Express's router) ${counts.rejected}; statuses ${statuses}`,
    );
    expect(counts.health).toBeGreaterThan(100);
    expect(counts.app).toBeGreaterThan(100);
    expect(counts.rejected).toBeGreaterThan(100);
  }, 120_000);
});
