/**
 * A real load balancer and a real load generator for the rolling-restart tests: Debian's
 * `haproxy` started with a generated config on 127.0.0.1, queried through its admin socket, and
 * `wrk` driving keep-alive load through it. Both must be installed (scripts/ensure-system-deps.mjs
 * installs them for `pnpm test`); a missing binary fails the test, it never skips it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function binary(name: string): string {
  for (const dir of [
    ...(process.env.PATH ?? '').split(':'),
    '/usr/sbin',
    '/usr/bin',
    '/sbin',
    '/usr/local/sbin',
    '/usr/local/bin',
  ]) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(
    `${name} is not installed: the rolling-restart test needs it (apt-get install -y ${name}, or run node scripts/ensure-system-deps.mjs)`,
  );
}

/** Free TCP ports on 127.0.0.1 (bound to port 0, then released for the process that will use them). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.on('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export interface HaproxyOptions {
  frontendPort: number;
  backendPorts: number[];
  /** The readiness path HAProxy's active checks call. */
  checkPath: string;
}

/**
 * The config, with the reasoning for each choice:
 * - `option httpchk GET <readiness>` + `http-check expect status 200`, `inter 200 fall 2 rise 2`:
 *   an instance is out of rotation ~0.4-0.6 s after its readiness turns 503 (the drain delay of
 *   the instances is longer than that), and back in ~0.4 s after it is ready again.
 * - keep-alive on both sides (`option http-keep-alive`, HAProxy's default mode, stated) and
 *   `http-reuse always`: idle server connections are shared by all clients, the setting most
 *   exposed to the keep-alive race at shutdown.
 * - `pool-purge-delay 1s`: HAProxy retires idle server connections itself (a close from the
 *   client side of a connection is race-free) well before Node's keep-alive timeout (5 s) would
 *   close them from the server side. This is the "load balancer idle timeout < server
 *   keepAliveTimeout" rule.
 * - `retries 0`, no `option redispatch`, no `retry-on`: HAProxy gets no second chance, so a
 *   refused connection, a reset or an empty response from an instance reaches the client as a
 *   503/502 and fails the test. Retries would hide exactly the shutdown bugs we test for.
 * - `timeout connect 1s`, `timeout server 30s`, `timeout check 1s`; only failed requests are
 *   logged (`option dontlog-normal`), to stdout, so a failure shows which instance and phase.
 */
export function haproxyConfig(
  { frontendPort, backendPorts, checkPath }: HaproxyOptions,
  socket: string,
): string {
  return `global
  maxconn 4096
  stats socket ${socket} mode 600 level admin
  log stdout format raw local0 info

defaults
  mode http
  log global
  option httplog
  option dontlog-normal
  option http-keep-alive
  retries 0
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 30s
  timeout check 1s

frontend fe
  bind 127.0.0.1:${frontendPort}
  default_backend instances

backend instances
  balance roundrobin
  option httpchk GET ${checkPath}
  http-check expect status 200
  http-reuse always
  default-server check inter 200 fall 2 rise 2 pool-purge-delay 1s
${backendPorts.map((port, i) => `  server s${i} 127.0.0.1:${port}`).join('\n')}
`;
}

export interface Haproxy {
  url: string;
  config: string;
  output(): string;
  /** `show stat` as rows keyed by column name. */
  stats(): Promise<Record<string, string>[]>;
  /** Resolves when server `s<index>` is reported in `status` (e.g. 'UP', 'DOWN'). */
  waitFor(index: number, status: 'UP' | 'DOWN', timeout?: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startHaproxy(options: HaproxyOptions): Promise<Haproxy> {
  const exe = binary('haproxy');
  const dir = mkdtempSync(join(tmpdir(), 'health-haproxy-'));
  const socket = join(dir, 'admin.sock');
  const config = haproxyConfig(options, socket);
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  try {
    execFileSync(exe, ['-c', '-q', '-f', file], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `haproxy rejected its config:\n${(error as { stderr?: Buffer }).stderr}\n${config}`,
    );
  }
  const child: ChildProcess = spawn(exe, ['-db', '-f', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const command = (line: string) =>
    new Promise<string>((resolve, reject) => {
      const conn = net.connect(socket);
      let data = '';
      conn.on('connect', () => conn.write(`${line}\n`));
      conn.on('data', (chunk) => {
        data += chunk.toString();
      });
      conn.on('end', () => resolve(data));
      conn.on('error', reject);
    });
  const stats = async () => {
    const text = await command('show stat');
    const [header = '', ...lines] = text.trim().split('\n');
    const columns = header.replace(/^# /, '').split(',');
    return lines.map((line) =>
      Object.fromEntries(line.split(',').map((value, i) => [columns[i] ?? String(i), value])),
    );
  };
  const proxy: Haproxy = {
    url: `http://127.0.0.1:${options.frontendPort}`,
    config,
    output: () => output,
    stats,
    async waitFor(index, status, timeout = 20_000) {
      const started = Date.now();
      for (;;) {
        const row = (await stats().catch(() => [])).find(
          (r) => r.pxname === 'instances' && r.svname === `s${index}`,
        );
        if (row?.status?.startsWith(status)) return Date.now() - started;
        if (Date.now() - started > timeout)
          throw new Error(
            `haproxy: s${index} not ${status} after ${timeout} ms (is ${row?.status})\n${output}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // The admin socket answers once HAProxy is up.
  const started = Date.now();
  while (!existsSync(socket) || !(await command('show info').catch(() => ''))) {
    if (child.exitCode !== null || Date.now() - started > 10_000)
      throw new Error(`haproxy did not start\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return proxy;
}

export interface WrkResult {
  requests: number;
  durationMs: number;
  connect: number;
  read: number;
  write: number;
  /** Responses with a status outside 2xx/3xx. */
  status: number;
  timeout: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  raw: string;
}

const SUMMARY_LUA = `
local pause = tonumber(os.getenv("WRK_DELAY_MS") or "0")
if pause > 0 then
  delay = function() return pause end
end
local paths = {}
for p in string.gmatch(os.getenv("WRK_PATHS") or "", "[^ ]+") do table.insert(paths, p) end
if #paths > 0 then
  local n = 0
  request = function()
    n = n + 1
    return wrk.format(nil, paths[(n % #paths) + 1])
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
`;

/**
 * Runs wrk (HTTP/1.1 keep-alive) against `url` until `stop()` (SIGINT: wrk stops and reports)
 * or `maxSeconds`. `delayMs` paces each connection (wrk's `delay()` hook), so on a small machine
 * the load leaves CPU for the instances being restarted.
 */
export function startWrk(
  url: string,
  options: {
    connections?: number;
    threads?: number;
    maxSeconds?: number;
    delayMs?: number;
    /** Cycle through these paths (on the host of `url`) instead of requesting `url` only. */
    paths?: string[];
  } = {},
) {
  const exe = binary('wrk');
  const dir = mkdtempSync(join(tmpdir(), 'health-wrk-'));
  const script = join(dir, 'summary.lua');
  writeFileSync(script, SUMMARY_LUA);
  const child = spawn(
    exe,
    [
      '-t',
      String(options.threads ?? 2),
      '-c',
      String(options.connections ?? 16),
      '-d',
      `${options.maxSeconds ?? 90}s`,
      '--timeout',
      '10s',
      '-s',
      script,
      url,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        WRK_DELAY_MS: String(options.delayMs ?? 0),
        WRK_PATHS: (options.paths ?? []).join(' '),
      },
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const result = new Promise<WrkResult>((resolve, reject) => {
    child.on('exit', () => {
      rmSync(dir, { recursive: true, force: true });
      const line = /WRK_JSON (\{.*\})/.exec(output)?.[1];
      if (!line) return reject(new Error(`wrk printed no summary:\n${output}`));
      const j = JSON.parse(line) as Record<string, number>;
      resolve({
        requests: j.requests ?? 0,
        durationMs: (j.durationUs ?? 0) / 1000,
        connect: j.connect ?? 0,
        read: j.read ?? 0,
        write: j.write ?? 0,
        status: j.status ?? 0,
        timeout: j.timeout ?? 0,
        p50Ms: (j.p50Us ?? 0) / 1000,
        p99Ms: (j.p99Us ?? 0) / 1000,
        maxMs: (j.maxUs ?? 0) / 1000,
        raw: output,
      });
    });
  });
  return {
    result,
    stop() {
      child.kill('SIGINT');
      return result;
    },
  };
}
