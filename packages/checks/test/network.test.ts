/**
 * httpCheck, tcpCheck and dnsCheck against real sockets: a node:http dependency, a closed port,
 * a black-hole listener (accepts, never answers), a tiny UDP DNS server and a silent one.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dnsCheck, httpCheck, tcpCheck } from '@health/checks';
import { type BlackHole, freePort, startBlackHole } from '@health/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLACK, startApp } from './helpers.js';

let dependency: Server;
let dependencyUrl: string;
let hole: BlackHole;
let closedPort: number;
let dns: Socket;
let silentDns: Socket;
const requests: string[] = [];

/** Answers every A query with 127.0.0.1 (enough DNS for a real c-ares round trip). */
function dnsAnswer(query: Buffer): Buffer {
  let end = 12;
  while (query[end] !== 0) end += (query[end] as number) + 1;
  const question = query.subarray(12, end + 5);
  const header = Buffer.from([0, 0, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
  query.copy(header, 0, 0, 2);
  const answer = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
  return Buffer.concat([header, question, answer]);
}

async function udp(answer: boolean): Promise<Socket> {
  const socket = createSocket('udp4');
  if (answer)
    socket.on('message', (msg, from) => socket.send(dnsAnswer(msg), from.port, from.address));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

beforeAll(async () => {
  dependency = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers['x-api-key'] ?? ''}`);
    const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? 200);
    res.writeHead(status, status === 302 ? { location: '/elsewhere' } : {});
    res.end('a body nobody reads');
  });
  await new Promise<void>((resolve) => dependency.listen(0, '127.0.0.1', resolve));
  dependencyUrl = `http://127.0.0.1:${(dependency.address() as AddressInfo).port}`;
  hole = await startBlackHole();
  closedPort = await freePort();
  dns = await udp(true);
  silentDns = await udp(false);
});

afterAll(async () => {
  dependency?.closeAllConnections();
  await new Promise((resolve) => dependency?.close(resolve));
  await hole?.close();
  dns?.close();
  silentDns?.close();
});

describe('httpCheck', () => {
  it('is UP on 2xx/3xx (redirects not followed), with the status and latency; sends method and headers', async () => {
    const app = await startApp([
      httpCheck(`${dependencyUrl}/ping`, { name: 'ok', headers: { 'x-api-key': 'k-123' }, ttl: 0 }),
      httpCheck(`${dependencyUrl}/ping?status=302`, { name: 'redirect', ttl: 0 }),
      httpCheck(new URL(`${dependencyUrl}/ping?status=204`), {
        name: 'exact',
        method: 'HEAD',
        expectedStatus: 204,
        ttl: 0,
      }),
    ]);
    try {
      const { status, checks } = await app.details();
      expect(status).toBe(200);
      expect(checks.map((c) => [c.name, c.status, c.details?.status])).toEqual([
        ['ok', 'UP', 200],
        ['redirect', 'UP', 302],
        ['exact', 'UP', 204],
      ]);
      expect(requests).toContain('GET /ping k-123');
      expect(requests).toContain('HEAD /ping?status=204 ');
    } finally {
      await app.close();
    }
  });

  it('is DOWN on an unexpected status, naming the status but never the URL', async () => {
    const app = await startApp([
      httpCheck(`${dependencyUrl}/ping?status=503`, { ttl: 0 }),
      httpCheck(`${dependencyUrl}/ping?status=200`, {
        name: 'range',
        expectedStatus: { min: 201, max: 299 },
        ttl: 0,
      }),
      httpCheck(`${dependencyUrl}/ping?status=418`, {
        name: 'list',
        expectedStatus: [200, 204],
        ttl: 0,
      }),
      httpCheck(`${dependencyUrl}/ping?status=500`, {
        name: 'predicate',
        expectedStatus: (s) => s < 500,
        ttl: 0,
      }),
    ]);
    try {
      const { status, checks, body } = await app.details();
      expect(status).toBe(503);
      expect(checks.map((c) => c.message)).toEqual([
        'http request failed: HTTP 503 (expected 200-399)',
        'http request failed: HTTP 200 (expected 201-299)',
        'http request failed: HTTP 418 (expected 200, 204)',
        'http request failed: HTTP 500 (expected a status the predicate accepts)',
      ]);
      expect(body).not.toContain(dependencyUrl.slice('http://'.length));
      expect((await app.probe()).body).toBe('{"status":"DOWN"}');
    } finally {
      await app.close();
    }
  });

  it('is DOWN on a refused connection and times out in bounded time on a black hole', async () => {
    const app = await startApp([
      httpCheck(`http://127.0.0.1:${closedPort}/`, { name: 'refused', ttl: 0 }),
      httpCheck(`http://127.0.0.1:${hole.port}/`, { name: 'hole', timeout: 300, ttl: 0 }),
    ]);
    try {
      const result = await app.details();
      expect(result.status).toBe(503);
      expect(result.ms).toBeLessThan(300 + SLACK);
      expect(result.checks[0]).toMatchObject({
        status: 'DOWN',
        message: 'http request failed: connection refused (ECONNREFUSED)',
        details: { code: 'ECONNREFUSED' },
      });
      expect(result.checks[1]).toMatchObject({ status: 'DOWN', timedOut: true });
      expect(result.body).not.toContain(String(closedPort));
      expect(result.body).not.toContain(String(hole.port));
      expect(hole.connections).toBeGreaterThanOrEqual(1);
    } finally {
      await app.close();
    }
  });

  it('rejects a malformed URL at setup', () => {
    expect(() => httpCheck('not a url')).toThrow(/@health\/checks: option "url" must be/);
    expect(() => httpCheck('ftp://example.test/')).toThrow(/option "url"/);
  });
});

describe('tcpCheck', () => {
  it('is UP when the port accepts (even a black hole: TCP proves only the handshake)', async () => {
    const app = await startApp([
      tcpCheck('127.0.0.1', hole.port, { name: 'hole', ttl: 0 }),
      tcpCheck('localhost', Number(new URL(dependencyUrl).port), { name: 'http-port', ttl: 0 }),
    ]);
    try {
      const { status, checks } = await app.details();
      expect(status).toBe(200);
      expect(
        checks.every((c) => c.status === 'UP' && typeof c.details?.latencyMs === 'number'),
      ).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('is DOWN on a refused port without naming host or port', async () => {
    const app = await startApp([tcpCheck('localhost', closedPort, { ttl: 0 })]);
    try {
      const { status, check, body } = await app.details();
      expect(status).toBe(503);
      expect(check.message).toBe('tcp connect failed: connection refused (ECONNREFUSED)');
      expect(body).not.toContain(String(closedPort));
      expect(body).not.toContain('localhost');
    } finally {
      await app.close();
    }
  });
});

describe('dnsCheck', () => {
  it('lookup: resolves localhost through the OS resolver', async () => {
    const app = await startApp([dnsCheck('localhost', { ttl: 0 })]);
    try {
      const { status, check } = await app.details();
      expect(status).toBe(200);
      expect(check.details?.records).toBeGreaterThanOrEqual(1);
    } finally {
      await app.close();
    }
  });

  it('lookup: an unknown name is DOWN without naming it', async () => {
    const app = await startApp([dnsCheck('no-such-host.invalid', { ttl: 0 })]);
    try {
      const { status, check, body } = await app.details();
      expect(status).toBe(503);
      expect(check.status).toBe('DOWN');
      expect(body).not.toContain('no-such-host');
    } finally {
      await app.close();
    }
  });

  it('resolve: a real DNS query to a given server; a silent server times out in bounded time', async () => {
    const port = (dns.address() as AddressInfo).port;
    const silent = (silentDns.address() as AddressInfo).port;
    const app = await startApp([
      dnsCheck('db.example.test', {
        name: 'dns-ok',
        method: 'resolve',
        servers: [`127.0.0.1:${port}`],
        ttl: 0,
      }),
      dnsCheck('db.example.test', {
        name: 'dns-silent',
        method: 'resolve',
        servers: [`127.0.0.1:${silent}`],
        timeout: 300,
        ttl: 0,
      }),
    ]);
    try {
      const result = await app.details();
      expect(result.ms).toBeLessThan(300 + SLACK);
      expect(result.checks[0]).toMatchObject({ status: 'UP', details: { records: 1 } });
      expect(result.checks[1]).toMatchObject({ status: 'DOWN' });
      expect(result.body).not.toContain('example.test');
    } finally {
      await app.close();
    }
  });
});
