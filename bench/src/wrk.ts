/**
 * The load generator: Debian's `wrk`, pinned to the load CPU, reporting through a Lua `done()`
 * hook as one JSON line (requests, errors by kind, latency percentiles in microseconds).
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinned } from './proc.js';

export interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  /** Responses outside 2xx/3xx. */
  non2xx: number;
  /** Connect, read, write and timeout errors. */
  socketErrors: number;
  latencyUs: { mean: number; p50: number; p90: number; p99: number; max: number };
}

const REPORT_LUA = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`;

let luaPath: string | undefined;

export function wrkBinary(): string | undefined {
  return ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((p) => existsSync(p));
}

export interface WrkOptions {
  connections: number;
  seconds: number;
  cpu?: string;
  threads?: number;
}

/** Runs wrk against `url` (always a 127.0.0.1 URL here). */
export function runWrk(url: string, options: WrkOptions): Promise<WrkResult> {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url))
    throw new Error(`bench: refusing to load anything but 127.0.0.1, got ${url}`);
  const wrk = wrkBinary();
  if (!wrk)
    throw new Error(
      'bench: wrk not found; install it with `apt-get install wrk` (scripts/ensure-system-deps.mjs does)',
    );
  if (!luaPath) {
    luaPath = join(tmpdir(), `health-bench-report-${process.pid}.lua`);
    writeFileSync(luaPath, REPORT_LUA);
  }
  const seconds = Math.max(1, Math.round(options.seconds));
  const [command, args] = pinned(options.cpu, wrk, [
    `-t${options.threads ?? 1}`,
    `-c${options.connections}`,
    `-d${seconds}s`,
    '--timeout',
    '5s',
    '-s',
    luaPath,
    url,
  ]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      err += c;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const match = /WRK_JSON (\{.*\})/.exec(out);
      if (code !== 0 || !match) {
        reject(new Error(`wrk failed (exit ${code}) against ${url}: ${err || out}`));
        return;
      }
      const j = JSON.parse(match[1] as string) as Record<string, number>;
      const secs = (j.duration_us as number) / 1e6;
      resolve({
        requests: j.requests as number,
        seconds: secs,
        rps: (j.requests as number) / secs,
        non2xx: j.status as number,
        socketErrors:
          (j.connect as number) + (j.read as number) + (j.write as number) + (j.timeout as number),
        latencyUs: {
          mean: j.mean as number,
          p50: j.p50 as number,
          p90: j.p90 as number,
          p99: j.p99 as number,
          max: j.max as number,
        },
      });
    });
  });
}
