/**
 * What every server under test shares: the mode it runs in (from the orchestrator's env), the one
 * counted check every library gets, the two app routes, and the line that says "listening".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Mode = 'throughput' | 'amplification' | 'shutdown';

/** `throughput`: probe load; `amplification`: 20 ms check + run counting; `shutdown`: SIGTERM under load. */
export const mode = (process.env.BENCH_MODE ?? 'throughput') as Mode;
/** Milliseconds the check takes (0 = resolves at once). */
export const checkMs = Number(process.env.BENCH_CHECK_MS ?? 0);
/** Drain delay before closing servers, for every library that has one. */
export const drainMs = Number(process.env.BENCH_DRAIN_MS ?? 0);
/** Check cache interval for every library that has one. */
export const cacheMs = Number(process.env.BENCH_CACHE_MS ?? 1000);

export const HOST = '127.0.0.1';
export const READY_PATH = '/health/ready';
/** The bare route's answer: what a hand-written readiness endpoint returns. */
export const UP = { status: 'UP' } as const;
export const UP_JSON = '{"status":"UP"}';

let runs = 0;

/** The check every library gets: counts its runs; takes `BENCH_CHECK_MS` ms. */
export function countedCheck(): Promise<void> {
  runs++;
  if (checkMs <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, checkMs));
}

/** `?ms=N` of `/app/slow`, bounded to 10 s. */
export function slowMs(url: string | undefined): number {
  const match = /[?&]ms=(\d+)/.exec(url ?? '');
  return Math.min(Number(match?.[1] ?? 0), 10_000);
}

/** The app routes of a plain Node server; false when `req` is not one of them. */
export function nodeApp(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '/';
  if (url === '/app/ok') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    return true;
  }
  if (url.startsWith('/app/slow')) {
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('slow');
    }, slowMs(url));
    return true;
  }
  return false;
}

export function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
}

/** Port of a listening server (`server.address()`). */
export function portOf(address: unknown): number {
  if (address && typeof address === 'object' && 'port' in address) return Number(address.port);
  throw new Error(`server is not listening on a TCP port: ${String(address)}`);
}

/**
 * Tells the orchestrator the server is ready: one `BENCH_READY {json}` line on stdout.
 * `probePort` when probes are served by a separate server (lightship). When started with an IPC
 * channel, answers `stats` with the check's run count and the process's CPU time so far.
 */
export function announce(info: { port: number; probePort?: number; probePath?: string }): void {
  const line = {
    port: info.port,
    probePort: info.probePort ?? info.port,
    probePath: info.probePath ?? READY_PATH,
  };
  process.stdout.write(`BENCH_READY ${JSON.stringify(line)}\n`);
  if (process.send) {
    process.on('message', (message) => {
      if (message !== 'stats') return;
      const cpu = process.cpuUsage();
      process.send?.({ runs, cpuUs: cpu.user + cpu.system });
    });
  }
}
