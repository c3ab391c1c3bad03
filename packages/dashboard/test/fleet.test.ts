// Fleet mode end to end: the four adapter examples as real processes (sharing one real
// PostgreSQL), the `health-dashboard` bin as a real process watching them; one example is
// SIGKILLed and the page and the SSE stream mark it UNREACHABLE with the time since last contact.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type PostgresHandle, startPostgres } from '@health/test-services';
import { killServices, type ServiceProcess, startService } from '@health/test-utils';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeTargets, readAnswer, startFleet } from '../src/fleet.js';
import { parseFleetArgs } from '../src/fleet-cli.js';
import { ago } from '../src/fleet-page.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const EXAMPLES = ['express', 'fastify', 'koa', 'nestjs'] as const;
const INTERVAL = 250;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Bin {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

/** Runs `health-dashboard <args>` from source (tsx), as a user would run the built bin. */
function bin(args: string[]): Bin {
  const child = spawn(process.execPath, ['--import', TSX, BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: `${ROOT}tsconfig.json` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, out: () => out, err: () => err, exited };
}

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms: number) {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await get();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} not within ${ms} ms; last: ${JSON.stringify(last)}`);
}

interface Snapshot {
  now: number;
  services: { name: string; status: string; lastHeard?: number; since?: number; error?: string }[];
  history: { service: string; status: string }[];
}

describe('fleet mode watching the four examples', () => {
  let postgres: PostgresHandle | undefined;
  const services = new Map<string, ServiceProcess>();
  let fleet: Bin | undefined;
  let base = '';
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium, or set CHROMIUM_PATH`);
    [postgres, browser] = await Promise.all([
      startPostgres(),
      puppeteer.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
      }),
    ]);
    const env = { DATABASE_URL: postgres.url, DRAIN_DELAY_MS: '0' };
    const started = await Promise.all(
      EXAMPLES.map((name) =>
        startService(`${ROOT}examples/${name}/src/main.ts`, { env, timeout: 40_000 }),
      ),
    );
    for (const [i, s] of started.entries()) services.set(EXAMPLES[i] as string, s);
    const targets = EXAMPLES.flatMap((n) => ['--target', `${n}=${services.get(n)?.baseUrl}`]);
    fleet = bin(['--port', '0', '--interval', String(INTERVAL), '--history', '20', ...targets]);
    const line = await until(
      'the fleet listening line',
      async () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(fleet?.out() ?? ''),
      (m) => m !== null,
      20_000,
    );
    base = line?.[1] as string;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    fleet?.child.kill('SIGKILL');
    killServices();
    await postgres?.kill();
  });

  const snapshot = async () => (await (await fetch(`${base}/services.json`)).json()) as Snapshot;

  it('marks a SIGKILLed service UNREACHABLE with the time since last contact; the others stay UP', async () => {
    await until('all four UP', snapshot, (s) => s.services.every((x) => x.status === 'UP'), 20_000);

    // Listen on the SSE stream before the kill.
    const controller = new AbortController();
    const res = await fetch(`${base}/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const read = async (pred: (t: string) => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      while (!pred(text)) {
        if (Date.now() > deadline) throw new Error(`SSE: not within ${ms} ms:\n${text}`);
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
    };
    await read((t) => t.includes('event: snapshot'), 2000);
    // And in a real browser: the page is loaded once, then only the stream updates it.
    const page = await (browser as Browser).newPage();
    await page.goto(`${base}/`);
    // Browser-side code as strings: the repo's tsconfig has no DOM lib.
    const rowJs = (name: string) => `document.querySelector('tr[data-service="${name}"]')`;
    const status = (name: string) => page.evaluate(`${rowJs(name)}?.dataset.status`);
    const cell = (name: string, i: number) =>
      page.evaluate(`${rowJs(name)}?.children[${i}]?.textContent`);
    expect(await status('koa')).toBe('UP');

    const victim = services.get('koa') as ServiceProcess;
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    await victim.exited;
    const marked =
      /event: change\ndata: (\{[^\n]*"service":"koa"[^\n]*"status":"UNREACHABLE"[^\n]*\})/;
    await read((t) => marked.test(t), 5000);
    const markedAfter = Date.now() - killedAt;
    const change = JSON.parse(marked.exec(text)?.[1] as string);
    expect(change).toMatchObject({ kind: 'service', name: 'koa', status: 'UNREACHABLE' });
    expect(text).toMatch(/id: \d+\nevent: change/); // changes carry ids
    // Within about one poll period (plus the kill's own latency).
    expect(markedAfter).toBeLessThan(INTERVAL * 2 + 1500);

    await page.waitForFunction(`${rowJs('koa')}?.dataset.status === 'UNREACHABLE'`, {
      timeout: 3000,
      polling: 'mutation',
    });
    const shownAfter = Date.now() - killedAt;

    // Seconds later the page says how long ago koa was last heard from (ticking, no reload).
    await page.waitForFunction(
      `/^([3-9]|\\d\\d) s ago$/.test(${rowJs('koa')}?.children[2]?.textContent ?? '')`,
      { timeout: 5000 },
    );
    const koaRow = await page.evaluate(`${rowJs('koa')}?.textContent`);
    expect(koaRow).toMatch(/⚠ UNREACHABLE/);
    expect(koaRow).toMatch(/ECONNREFUSED/);
    for (const name of ['express', 'fastify', 'nestjs'])
      expect(await status(name), name).toBe('UP');
    expect(await page.evaluate(`document.getElementById('conn')?.textContent`)).toBe('live');
    const expressHeard = await cell('express', 2);
    expect(expressHeard).toMatch(/^[01] s ago$/);
    await page.close();
    const snap = await snapshot();
    const koa = snap.services.find((s) => s.name === 'koa');
    expect(koa?.status).toBe('UNREACHABLE');
    expect(koa?.error).toBe('ECONNREFUSED');
    expect(koa?.lastHeard).toBeLessThanOrEqual(killedAt + 50);
    expect(snap.now - (koa?.lastHeard ?? 0)).toBeGreaterThanOrEqual(2000);
    for (const s of snap.services.filter((x) => x.name !== 'koa')) {
      expect(s.status, s.name).toBe('UP');
      expect(snap.now - (s.lastHeard ?? 0), s.name).toBeLessThan(INTERVAL * 4 + 500);
    }
    const html = await (await fetch(`${base}/`)).text();
    const row = /<tr data-service="koa" data-status="UNREACHABLE"[^>]*>(.*?)<\/tr>/.exec(html);
    expect(row?.[1]).toMatch(/⚠ UNREACHABLE/);
    expect(row?.[1]).toMatch(/>([2-9]|\d\d) s ago</);
    for (const name of ['express', 'fastify', 'nestjs'])
      expect(html).toContain(`<tr data-service="${name}" data-status="UP"`);
    // The stream keeps telling each service's last contact.
    await read(
      (t) => /event: service\ndata: [^\n]*"name":"express"[^\n]*"status":"UP"/.test(t),
      2000,
    );
    controller.abort();
    await reader.cancel().catch(() => {});
    console.log(
      `fleet: koa marked UNREACHABLE ${markedAfter} ms after SIGKILL on SSE, ${shownAfter} ms in Chromium (poll ${INTERVAL} ms)`,
    );
  });
});

describe('fleet mode, in process', () => {
  it('keeps a bounded ring buffer of changes per service, and reads check lists', async () => {
    let n = 0;
    const flapping = http.createServer((_req, res) => {
      const up = n++ % 2 === 0;
      res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: up ? 'UP' : 'DOWN',
          checks: [{ name: 'db', status: up ? 'UP' : 'DOWN' }],
        }),
      );
    });
    await new Promise<void>((r) => flapping.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(flapping.address() as AddressInfo).port}`;
    const fleet = await startFleet({
      targets: [{ name: 'flappy', url }],
      port: 0,
      intervalMs: 50,
      historySize: 5,
    });
    try {
      await until(
        '12 polls',
        async () => n,
        (v) => v >= 12,
        5000,
      );
      const [svc] = fleet.services();
      expect(svc?.url).toBe(`${url}/health`);
      expect(svc?.history.length).toBe(5); // 2 changes per flip (service + check), bounded at 5
      expect(svc?.checks?.[0]?.name).toBe('db');
      const ids = svc?.history.map((h) => h.id) ?? [];
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    } finally {
      await fleet.close();
      flapping.close();
    }
  });

  it('notifies a webhook when a service is UNREACHABLE for 2 polls, then restored', async () => {
    const got: Record<string, unknown>[] = [];
    const hook = http.createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8').on('data', (c: string) => {
        raw += c;
      });
      req.on('end', () => {
        got.push(JSON.parse(raw));
        res.end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    const serve = (port: number) =>
      new Promise<http.Server>((resolve) => {
        const srv = http.createServer((_q, r) => r.end('{"status":"UP"}'));
        srv.listen(port, '127.0.0.1', () => resolve(srv));
      });
    let service = await serve(0);
    const port = (service.address() as AddressInfo).port;
    const fleet = await startFleet({
      targets: [{ name: 'api', url: `http://127.0.0.1:${port}/health` }],
      port: 0,
      intervalMs: 50,
      webhooks: [{ url: hookUrl, failureThreshold: 2, minIntervalMs: 0, preset: 'slack' }],
    });
    try {
      await until(
        'UP',
        async () => fleet.services()[0]?.status,
        (s) => s === 'UP',
        3000,
      );
      service.closeAllConnections();
      await new Promise((r) => service.close(r));
      await until(
        'a down notification',
        async () => got.length,
        (n) => n === 1,
        3000,
      );
      expect(got[0]).toEqual({ text: 'api is UNREACHABLE (2 failed runs in a row)' });
      service = await serve(port);
      await until(
        'restored',
        async () => got.length,
        (n) => n === 2,
        3000,
      );
      expect(got[1]).toEqual({ text: 'api is UP again' });
      await new Promise((r) => setTimeout(r, 200)); // more polls, UP: nothing more
      expect(got).toHaveLength(2);
      expect(fleet.notifications).toEqual([{ sent: 2, failed: 0, dropped: 0, requests: 2 }]);
    } finally {
      await fleet.close();
      service.closeAllConnections();
      service.close();
      hook.close();
    }
  });

  it('a service that accepts but never answers is UNREACHABLE at the poll timeout', async () => {
    const hanging = http.createServer(() => {}); // never answers
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/health`;
    const started = Date.now();
    const fleet = await startFleet({ targets: [{ name: 'h', url }], port: 0, timeoutMs: 150 });
    try {
      const s = await until(
        'UNREACHABLE',
        async () => fleet.services()[0],
        (v) => v?.status === 'UNREACHABLE',
        2000,
      );
      expect(s?.error).toBe('no answer within 150 ms');
      expect(s?.lastHeard).toBeUndefined(); // never heard from: the page says "never"
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await fleet.close();
      hanging.closeAllConnections();
      hanging.close();
    }
  });

  it('reads core JSON, health+json and bare status codes', () => {
    expect(readAnswer(200, '{"status":"UP"}')).toEqual({ status: 'UP' });
    expect(readAnswer(503, '{"status":"STOPPING"}')).toEqual({ status: 'STOPPING' });
    expect(readAnswer(503, 'oops')).toEqual({ status: 'DOWN' });
    expect(readAnswer(204, '')).toEqual({ status: 'UP' });
    expect(
      readAnswer(200, '{"status":"warn","checks":{"db:responseTime":[{"status":"fail"}]}}'),
    ).toEqual({ status: 'DEGRADED', checks: [{ name: 'db:responseTime', status: 'DOWN' }] });
    expect(ago(undefined, 0)).toBe('never');
    expect(ago(0, 12_000)).toBe('12 s ago');
    expect(ago(0, 600_000)).toBe('10 min ago');
    expect(normalizeTargets([{ name: 'a', url: 'http://h:1/readyz' }])[0]?.url).toBe(
      'http://h:1/readyz',
    );
    expect(() => normalizeTargets([])).toThrow(/at least one service/);
    expect(() =>
      normalizeTargets([
        { name: 'a', url: 'http://h' },
        { name: 'a', url: 'http://i' },
      ]),
    ).toThrow(/listed twice/);
  });

  it('reads a config file; the command line wins', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleet-'));
    try {
      const file = join(dir, 'fleet.json');
      await writeFile(
        file,
        JSON.stringify({ targets: { a: 'http://h:1' }, port: 9, intervalMs: 700 }),
      );
      expect(await parseFleetArgs(['--config', file, '--port', '0'])).toEqual({
        targets: [{ name: 'a', url: 'http://h:1' }],
        port: 0,
        intervalMs: 700,
      });
      expect(
        await parseFleetArgs([
          '--target',
          'a=http://h',
          '--webhook',
          'http://hooks/x',
          '--webhook-preset',
          'slack',
          '--failure-threshold',
          '5',
        ]),
      ).toEqual({
        targets: [{ name: 'a', url: 'http://h' }],
        webhooks: [{ url: 'http://hooks/x', preset: 'slack', failureThreshold: 5 }],
      });
      await expect(
        parseFleetArgs(['--target', 'a=http://h', '--min-interval', '5']),
      ).rejects.toThrow(/need --webhook/);
      await writeFile(file, '{"targets": [], "colour": 1}');
      await expect(parseFleetArgs(['--config', file])).rejects.toThrow(/unknown key\(s\) colour/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the bin exits 2 with a clear message on bad input', { timeout: 30_000 }, async () => {
    const cases: [string[], RegExp][] = [
      [[], /at least one --target/],
      [['--target', 'nameonly'], /--target must be name=url, got "nameonly"/],
      [['--target', 'a=http://h', '--interval', 'fast'], /--interval must be a whole number/],
      [['--target', 'a=ftp://h'], /target "a" needs an http\(s\) URL/],
      [['--target', 'a=http://h', '--nope'], /Unknown option '--nope'/],
      [['--config', '/nonexistent/fleet.json'], /--config \/nonexistent\/fleet.json: ENOENT/],
      [['--target', 'a=http://h', '--webhook', 'nope'], /webhooks\[0\]: webhooks option "url"/],
    ];
    const runs = cases.map(([args]) => bin(args));
    for (const [i, run] of runs.entries()) {
      const [, pattern] = cases[i] as [string[], RegExp];
      expect(await run.exited, run.err()).toBe(2);
      expect(run.err()).toMatch(pattern);
    }
  });
});
