/**
 * Real child processes for the reliability tests: a TypeScript entry point run by Node with
 * tsx's loader (one process, so signals reach the service itself, not a wrapper), resolving
 * `@health/*` to source through the root tsconfig's `paths`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));

const require = createRequire(import.meta.url);
const tsxLoader = pathToFileURL(
  join(dirname(realpathSync(require.resolve('tsx/package.json'))), 'dist/loader.mjs'),
).href;

export interface JsonEvent {
  event: string;
  t: number;
  [key: string]: unknown;
}

export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  /** `http://127.0.0.1:<port>` once the `listening on` line was printed. */
  url: string;
  port: number;
  stdout: string;
  stderr: string;
  /** JSON lines printed by fixtures. */
  readonly events: JsonEvent[];
  /** Resolves with the line matching `pattern` (already printed or future), rejects after `timeout`. */
  waitFor(pattern: RegExp, timeout?: number): Promise<string>;
  waitForEvent(predicate: (event: JsonEvent) => boolean, timeout?: number): Promise<JsonEvent>;
  /** Resolves with the exit code (or signal name) and the time of exit. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `entry` (a .ts file) with Node + tsx and waits for `listening on http://127.0.0.1:<port>`. */
export async function startTs(
  entry: string,
  options: {
    env?: Record<string, string>;
    cwd?: string;
    listenTimeout?: number;
    nodeArgs?: string[];
    /** Open an IPC channel to the child (`child.process.send`). */
    ipc?: boolean;
  } = {},
): Promise<Child> {
  const child = spawn(
    process.execPath,
    ['--import', tsxLoader, ...(options.nodeArgs ?? []), entry],
    {
      cwd: options.cwd ?? repoRoot,
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: join(repoRoot, 'tsconfig.json'),
        NODE_ENV: 'production',
        PORT: '0',
        ...options.env,
      },
      stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    },
  );
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
    (resolve) => {
      child.on('exit', (code, signal) => {
        resolve({ code, signal, at: Date.now() });
        setImmediate(notify);
      });
    },
  );
  const handle: Child = {
    process: child,
    pid: child.pid ?? -1,
    url: '',
    port: 0,
    stdout: '',
    stderr: '',
    events: [],
    exited,
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    waitFor(pattern, timeout = 15_000) {
      return new Promise((resolve, reject) => {
        let done = false;
        const check = () => {
          if (done) return;
          const line = handle.stdout.split('\n').find((l) => pattern.test(l));
          if (line !== undefined) finish(() => resolve(line));
          else if (child.exitCode !== null || child.signalCode !== null) {
            finish(() =>
              reject(new Error(`process exited before printing ${pattern}\n${describe(handle)}`)),
            );
          }
        };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(new Error(`timed out waiting for ${pattern}\n${describe(handle)}`)),
            ),
          timeout,
        );
        const finish = (action: () => void) => {
          done = true;
          clearTimeout(timer);
          waiters.delete(check);
          action();
        };
        waiters.add(check);
        check();
      });
    },
    async waitForEvent(predicate, timeout = 15_000) {
      const deadline = Date.now() + timeout;
      for (;;) {
        const found = handle.events.find(predicate);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for an event\n${describe(handle)}`);
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`process exited before the event\n${describe(handle)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    handle.stdout += chunk;
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('{')) {
        try {
          handle.events.push(JSON.parse(line) as JsonEvent);
        } catch {
          // not one of ours
        }
      }
    }
    notify();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    handle.stderr += chunk;
    notify();
  });
  const line = await handle
    .waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/, options.listenTimeout ?? 30_000)
    .catch((error) => {
      handle.kill('SIGKILL');
      throw error;
    });
  const match = /http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
  handle.port = Number(match?.[1]);
  handle.url = `http://127.0.0.1:${handle.port}`;
  return handle;
}

function describe(child: Child): string {
  return `--- stdout (pid ${child.pid}) ---\n${child.stdout.slice(-4000)}\n--- stderr ---\n${child.stderr.slice(-4000)}`;
}

/** Waits for exit at most `timeout` ms; SIGKILLs and throws if the process is still alive then. */
export async function exitWithin(child: Child, timeout: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`process ${child.pid} did not exit within ${timeout} ms\n${describe(child)}`),
      );
    }, timeout);
  });
  try {
    return await Promise.race([child.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
