/**
 * Runs a TypeScript service (an example's `src/main.ts`, a fixture) as a real child process
 * through tsx's loader — so signals reach the service itself — and waits for its
 * `listening on http://127.0.0.1:<port>` line. Shared by every test that needs a real process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const TSX = pathToFileURL(require.resolve('tsx')).href;
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LISTENING = /listening on (http:\/\/127\.0\.0\.1:(\d+))/;

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>` from the listening line. */
  readonly baseUrl: string;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout matches `pattern` (rejects after `timeout` ms or if the process exits). */
  waitForOutput(pattern: RegExp, timeout?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Kills every service process still running (call in `afterAll`/`afterEach`). */
export function killServices(): void {
  for (const child of running) child.kill('SIGKILL');
}

export async function startService(
  entry: string,
  options: { env?: Record<string, string>; timeout?: number; cwd?: string } = {},
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', TSX, entry], {
    cwd: options.cwd ?? ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      TSX_TSCONFIG_PATH: `${ROOT}tsconfig.json`,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const wake of waiters) wake();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      for (const wake of waiters) wake();
      resolve({ code, signal });
    }),
  );
  const waitForOutput = (pattern: RegExp, timeout = 30_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(out);
        if (match) return finish(() => resolve(match));
        if (child.exitCode !== null || child.signalCode !== null) {
          finish(() =>
            reject(new Error(`${entry} exited before printing ${pattern}\n${out}\n${err}`)),
          );
        }
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new Error(`${entry} did not print ${pattern} within ${timeout} ms\n${out}\n${err}`),
            ),
          ),
        timeout,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });
  const match = await waitForOutput(LISTENING, options.timeout ?? 30_000);
  return {
    child,
    baseUrl: match[1] as string,
    stdout: () => out,
    stderr: () => err,
    waitForOutput,
    exited,
    stop: (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  };
}
