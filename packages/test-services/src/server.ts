/**
 * The machinery shared by every real server: find the binary (or fail naming the apt package),
 * pick a free 127.0.0.1 port, spawn in its own process group, wait for readiness by talking to
 * it, and stop / restart / pause / resume / kill it — with a last-resort cleanup on process exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultProxy, HOST } from './black-hole.js';

export { HOST };

/** Lifecycle of a started server. */
export type ServiceState = 'running' | 'paused' | 'stopped' | 'killed';

/** What every helper returns. Connection details are on the service-specific handles. */
export interface ServiceHandle {
  /** `postgres`, `redis`, `mariadb`, `rabbitmq`. */
  readonly name: string;
  /** Always `127.0.0.1`. */
  readonly host: string;
  /** The TCP port clients connect to (a proxy in front of the server; kept across `stop()`/`start()`). */
  readonly port: number;
  /** A client URL with credentials, e.g. `postgres://user:pw@127.0.0.1:port/db`. */
  readonly url: string;
  /** The temp directory holding the server's data (removed by `kill()`). */
  readonly dataDir: string;
  /** The server's process id while it runs. */
  readonly pid: number | undefined;
  readonly state: ServiceState;
  /** Restarts a stopped server on the same port and data; resolves once it answers. */
  start(): Promise<void>;
  /** Stops the server gracefully (clients see their connections close); data is kept. */
  stop(): Promise<void>;
  /**
   * Freezes the server as seen by clients: connections (new and already open) are accepted and
   * never answered, until `resume()`. Done by the TCP proxy in front of it (no signals, portable).
   */
  pause(): Promise<void>;
  /** Forwards again after `pause()`: held requests get their answers. */
  resume(): Promise<void>;
  /** SIGKILL and remove the data directory. Idempotent; also happens on process exit. */
  kill(): Promise<void>;
  /** The last lines the server printed (for failure messages). */
  logs(): string;
}

const SCOPE = '@health/test-services';
const APT_HINT = 'or run `node scripts/ensure-system-deps.mjs` as root';

/** The error thrown when a server binary is missing: names the binary and the apt command. */
export function missingBinary(binary: string, aptPackage: string): Error {
  return new Error(
    `${SCOPE}: "${binary}" was not found. Install it: \`sudo apt-get install -y --no-install-recommends ${aptPackage}\` (${APT_HINT}). These tests need the real server and never skip.`,
  );
}

const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Absolute path of `binary` on PATH (plus the sbin dirs), or a clear error. */
export function findBinary(binary: string, aptPackage: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...SYSTEM_PATH];
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, binary))) return join(dir, binary);
  }
  throw missingBinary(binary, aptPackage);
}

/** The bin directory of the newest PostgreSQL under /usr/lib/postgresql that has `binary`. */
export function findPostgresBinary(binary: string): string {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', binary)))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(base, versions[0], 'bin', binary);
  }
  try {
    return findBinary(binary, 'postgresql');
  } catch {
    throw missingBinary(`${base}/*/bin/${binary}`, 'postgresql');
  }
}

/** uid/gid of a system user from /etc/passwd (e.g. `postgres`), or undefined. */
export function systemUser(name: string): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/** A random lowercase-alphanumeric string (names, users, passwords unique per server). */
export function randomId(length = 12): string {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < length; i++) out += chars[Math.floor(Math.random() * chars.length)];
  return out;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A free port on 127.0.0.1 chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: HOST }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A free port below `max` whose `port + offset` is free too (RabbitMQ's distribution port). */
export async function freePortPair(offset: number, min = 10_000, max = 45_535): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = min + Math.floor(Math.random() * (max - min));
    if ((await canListen(port)) && (await canListen(port + offset))) return port;
  }
  throw new Error(`${SCOPE}: found no free port pair (port, port + ${offset}) below ${max}`);
}

/** A fresh temp directory: `health-<name>-` plus a random suffix (mkdtemp). */
export function tempDir(name: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `health-${name}-`));
}

/** How to run one server process. */
export interface LaunchSpec {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  cwd?: string;
}

export interface ManagedServerOptions {
  name: string;
  port: number;
  dataDir: string;
  /** Command line of the server for `port` (called on every start). */
  launch: (port: number) => LaunchSpec;
  /** Resolves once the server on `port` answers real requests; throws (to be retried) before. */
  probe: (port: number) => Promise<void>;
  /** Signal for a graceful stop. @default 'SIGTERM' */
  stopSignal?: NodeJS.Signals;
  /** Milliseconds to wait for readiness. @default 30000 */
  startTimeout?: number;
}

const live = new Set<ManagedServer>();
let exitHooked = false;

/** Kills every server this process started that is still alive (sync: safe in 'exit'). */
export function killAllSync(): void {
  for (const server of live) server.killSync();
}

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', killAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killAllSync();
      // Only re-raise when nobody else handles the signal (e.g. a health instance under test).
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/** One server process (plus its children, all in its own process group). */
export class ManagedServer {
  readonly host = HOST;
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private output = '';
  private current: ServiceState = 'stopped';
  /** The server's own port (launch and probe use it); clients use the proxy's. */
  private currentPort: number;
  private readonly proxy = new FaultProxy(() => this.currentPort);

  constructor(private readonly options: ManagedServerOptions) {
    this.currentPort = options.port;
  }

  /**
   * The first start: up to `attempts` tries, each on a new port from `pick` (another process
   * may grab the free port between choosing and binding it). Kills and cleans up on failure.
   */
  async firstStart(pick: () => Promise<number>, attempts = 3): Promise<void> {
    for (let i = 1; ; i++) {
      try {
        return await this.start();
      } catch (error) {
        if (i >= attempts || this.current === 'killed') {
          await this.kill();
          throw error;
        }
        this.currentPort = await pick();
      }
    }
  }

  get name(): string {
    return this.options.name;
  }
  /** The port clients connect to: the proxy's (bound by the first start). */
  get port(): number {
    return this.proxy.port;
  }
  get dataDir(): string {
    return this.options.dataDir;
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }
  get state(): ServiceState {
    return this.current;
  }

  logs(): string {
    return this.output.split('\n').slice(-40).join('\n');
  }

  /** Spawns the server and resolves once `probe` succeeds. */
  async start(): Promise<void> {
    if (this.current === 'killed') throw new Error(`${SCOPE}: ${this.name} was killed`);
    if (this.current === 'paused') await this.resume();
    if (this.current === 'running') return;
    hookExit();
    const spec = this.options.launch(this.currentPort);
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd ?? this.dataDir,
      env: spec.env ?? process.env,
      uid: spec.uid,
      gid: spec.gid,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.current = 'running';
    live.add(this);
    const append = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-32_768);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    let exitInfo = '';
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        exitInfo = `exited with ${signal ?? `code ${code}`}`;
        if (this.child === child) this.child = undefined;
        resolve();
      });
      child.once('error', (error) => {
        exitInfo = `failed to spawn: ${error.message}`;
        if (this.child === child) this.child = undefined;
        resolve();
      });
    });
    // Don't keep the test process alive for a server someone forgot to stop.
    child.unref();
    for (const stream of [child.stdout, child.stderr]) {
      (stream as unknown as { unref?: () => void } | null)?.unref?.();
    }
    const deadline = Date.now() + (this.options.startTimeout ?? 30_000);
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (!this.child) break;
      try {
        await this.options.probe(this.currentPort);
        await this.proxy.open();
        return;
      } catch (error) {
        lastError = error;
      }
      await sleep(50);
    }
    const why = this.child
      ? `did not become ready within ${this.options.startTimeout ?? 30_000} ms (last probe error: ${String(lastError)})`
      : exitInfo || 'exited during startup';
    const exited = this.exited;
    this.signal('SIGKILL', this.child?.pid);
    await exited;
    this.current = 'stopped';
    throw new Error(
      `${SCOPE}: ${this.name} on ${HOST}:${this.currentPort} ${why}\n--- server output ---\n${this.logs()}`,
    );
  }

  /** Graceful stop; waits for the process to exit (SIGKILL after 15 s). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || this.current === 'killed') return;
    if (this.current === 'paused') await this.resume();
    // Stop accepting first (new clients: "connection refused"); open ones close with the server.
    const closed = this.proxy.close(false);
    this.signal(this.options.stopSignal ?? 'SIGTERM', child.pid);
    const exited = this.exited;
    const forced = sleep(15_000, 'timeout', { ref: false });
    if ((await Promise.race([exited, forced])) === 'timeout') {
      this.signal('SIGKILL', child.pid);
      await exited;
    }
    // Children of the group (helpers) may outlive the leader by a moment.
    this.signal('SIGKILL', child.pid);
    await Promise.all([closed, this.proxy.close()]);
    this.current = 'stopped';
  }

  /** The proxy stops forwarding: the server accepts (through it) and never answers. */
  async pause(): Promise<void> {
    if (this.current !== 'running') {
      throw new Error(`${SCOPE}: cannot pause ${this.name}: it is ${this.current}`);
    }
    this.proxy.hold();
    this.current = 'paused';
  }

  /** The proxy forwards again after `pause()`. */
  async resume(): Promise<void> {
    if (this.current !== 'paused') return;
    this.proxy.release();
    this.current = 'running';
  }

  async kill(): Promise<void> {
    const exited = this.exited;
    this.killSync();
    await this.proxy.close();
    if (exited) await exited;
  }

  /** SIGKILL the whole group and delete the data (synchronous). Idempotent. */
  killSync(): void {
    if (this.current === 'killed') return;
    const pid = this.child?.pid;
    this.signal('SIGKILL', pid);
    void this.proxy.close();
    this.current = 'killed';
    live.delete(this);
    try {
      rmSync(this.dataDir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }

  /** Signals the server's process group (it was spawned detached: its own group) and the server. */
  private signal(signal: NodeJS.Signals, pid: number | undefined): void {
    if (pid === undefined) return;
    for (const id of [-pid, pid]) {
      try {
        process.kill(id, signal);
      } catch {
        // already gone
      }
    }
  }
}

/** Connects to 127.0.0.1:`port`, writes `send`, resolves with what came back once `until` says so. */
export function talk(
  port: number,
  send: string | Buffer,
  until: (received: Buffer) => boolean,
  timeout = 1000,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const socket = connect({ host: HOST, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeout} ms`));
    }, timeout);
    socket.on('connect', () => socket.write(send));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (until(received)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      reject(new Error(`connection closed after ${received.length} bytes`));
    });
  });
}

/** Builds the public handle over a managed server plus service-specific fields. */
export function handle<T extends object>(
  server: ManagedServer,
  url: string,
  extra: T,
): ServiceHandle & T {
  const base: ServiceHandle = {
    get name() {
      return server.name;
    },
    host: HOST,
    port: server.port,
    url,
    dataDir: server.dataDir,
    get pid() {
      return server.pid;
    },
    get state() {
      return server.state;
    },
    start: () => server.start(),
    stop: () => server.stop(),
    pause: () => server.pause(),
    resume: () => server.resume(),
    kill: () => server.kill(),
    logs: () => server.logs(),
  };
  return Object.defineProperties(base, Object.getOwnPropertyDescriptors(extra)) as ServiceHandle &
    T;
}
