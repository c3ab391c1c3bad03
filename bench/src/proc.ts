/**
 * Servers under test run as child processes (one per scenario), pinned to the server CPU with
 * `taskset`; they say they are ready with one `BENCH_READY {json}` line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { benchRoot, serversDir } from './paths.js';
import type { Mode } from './servers/common.js';

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** `performance.now()` at exit. */
  at: number;
}

export interface RunningServer {
  id: string;
  child: ChildProcess;
  pid: number;
  /** Base URL of the app routes. */
  appUrl: string;
  /** Full URL of the readiness probe. */
  probeUrl: string;
  exited: Promise<ServerExit>;
  /** stderr so far (for error messages). */
  stderr(): string;
  /** The counted check's runs and the server's CPU time (user + system, µs) so far; needs `ipc`. */
  stats(): Promise<ServerStats>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
}

/** `taskset -c <cpu> <command...>` when a CPU is given and taskset exists. */
export function pinned(
  cpu: string | undefined,
  command: string,
  args: string[],
): [string, string[]] {
  return cpu === undefined ? [command, args] : ['taskset', ['-c', cpu, command, ...args]];
}

export interface ServerStats {
  runs: number;
  cpuUs: number;
}

export interface StartOptions {
  mode: Mode;
  env?: Record<string, string>;
  cpu?: string;
  ipc?: boolean;
  timeoutMs?: number;
}

export function startServer(id: string, options: StartOptions): Promise<RunningServer> {
  const [command, args] = pinned(options.cpu, process.execPath, [`${serversDir}${id}.js`]);
  const child = spawn(command, args, {
    cwd: benchRoot,
    env: { ...process.env, NODE_ENV: 'production', BENCH_MODE: options.mode, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
  });
  let stderr = '';
  let stdout = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<ServerExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() }));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${id}: no BENCH_READY line within ${options.timeoutMs ?? 30_000} ms\n${stderr}`),
      );
    }, options.timeoutMs ?? 30_000);
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      reject(
        new Error(
          `${id}: exited before it was ready (code ${code}, signal ${signal})\n${stderr.trim()}`,
        ),
      );
    };
    child.once('exit', onExit);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /BENCH_READY (\{.*\})\n/.exec(stdout);
      if (!match) return;
      stdout = '';
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      clearTimeout(timer);
      child.off('exit', onExit);
      const info = JSON.parse(match[1] as string) as {
        port: number;
        probePort: number;
        probePath: string;
      };
      resolve({
        id,
        child,
        pid: child.pid as number,
        appUrl: `http://127.0.0.1:${info.port}`,
        probeUrl: `http://127.0.0.1:${info.probePort}${info.probePath}`,
        exited,
        stderr: () => stderr,
        stats: () =>
          new Promise<ServerStats>((resolveStats, rejectStats) => {
            const t = setTimeout(() => rejectStats(new Error(`${id}: no stats over IPC`)), 5000);
            child.once('message', (message) => {
              clearTimeout(t);
              resolveStats(message as ServerStats);
            });
            child.send('stats');
          }),
        kill: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
      });
    });
  });
}
