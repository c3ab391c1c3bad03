// Runs the example as a real process: grpc.health.v1 seen by a grpc-js client (the official
// grpc-health-check definitions) and by an independent one (Python grpcio, gRPC C-core, from
// Debian), the business RPC under a bounded load through SIGTERM (0 failed calls), the drain
// (readiness NOT_SERVING, liveness SERVING, calls still answered), Watch streams ending OK, exit 0.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { healthClient } from '../../../packages/grpc/test/helpers.js';
import { greeterDefinition } from '../src/index.js';

const require = createRequire(import.meta.url);
const TSX = pathToFileURL(require.resolve('tsx')).href;
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const PY_CLIENT = fileURLToPath(new URL('./health_client.py', import.meta.url));
const PYTHON = '/usr/bin/python3'; // Debian's, with python3-grpcio (scripts/ensure-system-deps.mjs)

const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

function startExample(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', TSX, MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      TSX_TSCONFIG_PATH: `${ROOT}tsconfig.json`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  const address = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line\n${out}\n${err}`)), 30_000);
    child.stdout?.on('data', () => {
      const match = /listening on grpc:\/\/(127\.0\.0\.1:\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
  });
  return { child, address, exited, stderr: () => err, stdout: () => out };
}

/** One run of the Python C-core client: its JSON lines. */
function python(...args: string[]): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) =>
    execFile(PYTHON, [PY_CLIENT, ...args], { timeout: 20_000 }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`${error.message}\n${stderr}`))
        : resolve(
            stdout
              .trim()
              .split('\n')
              .map((l) => JSON.parse(l)),
          ),
    ),
  );
}

/** A long-running Python Watch: its lines as they arrive. */
function pythonWatch(address: string, service: string) {
  const child = spawn(PYTHON, [PY_CLIENT, address, 'watch', service], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const lines: Record<string, unknown>[] = [];
  let buffer = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    buffer += c;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      lines.push(JSON.parse(buffer.slice(0, i)));
      buffer = buffer.slice(i + 1);
    }
  });
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { lines, done };
}

async function until(done: () => boolean | Promise<boolean>, timeout: number, what: string) {
  const end = Date.now() + timeout;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const Greeter = grpc.makeGenericClientConstructor(greeterDefinition, 'example.Greeter');

describe('grpc example (real process)', () => {
  it('serves health to grpc-js and C-core clients, drains under load on SIGTERM with 0 failed calls, exits 0', async () => {
    const service = startExample({ DRAIN_DELAY_MS: '1500', WARMUP_MS: '1500' });
    const address = await service.address;
    const client = healthClient(address);
    // STARTING: readiness NOT_SERVING, liveness SERVING.
    expect(await client.check('')).toBe('NOT_SERVING');
    expect(await client.check('liveness')).toBe('SERVING');
    expect(await python(address, 'check', 'startup')).toEqual([{ status: 'NOT_SERVING' }]);
    const overall = client.watch('');
    const liveness = client.watch('liveness');
    const pyWatch = pythonWatch(address, '');

    await overall.next((s) => s === 'SERVING', 20_000);
    await until(
      () => pyWatch.lines.some((l) => l.status === 'SERVING'),
      20_000,
      'python Watch SERVING',
    );
    expect(await client.check('example.Greeter')).toBe('SERVING');
    expect(await python(address, 'check', '')).toEqual([{ status: 'SERVING' }]);
    expect(await python(address, 'check', 'nope')).toEqual([{ code: 'NOT_FOUND' }]);
    expect(await python(address, 'list')).toEqual([
      {
        statuses: {
          '': 'SERVING',
          readiness: 'SERVING',
          liveness: 'SERVING',
          health: 'SERVING',
          startup: 'SERVING',
          'example.Greeter': 'SERVING',
        },
      },
    ]);

    // Bounded load: 16 callers on 2 channels, each sending SayHello back to back while the
    // Watch says SERVING (what a health-aware balancer does), at most 20 s.
    const greeters = [0, 1].map(
      (i) =>
        // biome-ignore lint/suspicious/noExplicitAny: generated client methods
        new Greeter(address, grpc.credentials.createInsecure(), { 'grpc.channel_id': i }) as any,
    );
    let routable = true;
    let calls = 0;
    let failed = 0;
    const errors: string[] = [];
    const loadEnd = Date.now() + 20_000;
    const caller = async (i: number) => {
      while (routable && Date.now() < loadEnd) {
        await new Promise<void>((resolve) =>
          greeters[i % 2].SayHello(
            { name: `n${i}` },
            { deadline: Date.now() + 5_000 },
            (error: grpc.ServiceError | null, reply: { message: string }) => {
              calls++;
              if (error || reply.message !== `Hello, n${i}`) {
                failed++;
                errors.push(error?.message ?? JSON.stringify(reply));
              }
              resolve();
            },
          ),
        );
      }
    };
    const load = Promise.all(Array.from({ length: 16 }, (_, i) => caller(i)));
    void overall
      .next((s, i) => s === 'NOT_SERVING' && i > 0, 30_000)
      .then(() => {
        routable = false;
      });
    await new Promise((r) => setTimeout(r, 1_000));

    const sigterm = performance.now();
    service.child.kill('SIGTERM');
    const stopping = await overall.next((s, i) => s === 'NOT_SERVING' && i > 0);
    const sigtermToWatch = stopping.at - sigterm;
    // Draining: readiness NOT_SERVING, liveness SERVING, business calls still answered.
    expect(await client.check('')).toBe('NOT_SERVING');
    expect(await client.check('liveness')).toBe('SERVING');
    await until(
      () => pyWatch.lines.some((l) => l.status === 'NOT_SERVING'),
      5_000,
      'python NOT_SERVING',
    );
    await load;
    const during = await new Promise<string>((resolve, reject) =>
      greeters[0].SayHello({ name: 'late' }, (e: Error | null, r: { message: string }) =>
        e ? reject(e) : resolve(r.message),
      ),
    );
    expect(during).toBe('Hello, late');

    // After the drain: Watch streams end with OK (both clients), in-flight calls finished, exit 0.
    expect((await overall.ended).code).toBe(grpc.status.OK);
    expect((await liveness.ended).code).toBe(grpc.status.OK);
    expect(liveness.messages.map((m) => m.status)).toEqual(['SERVING']);
    await pyWatch.done;
    expect(pyWatch.lines.map((l) => l.status ?? l.ended)).toEqual([
      'NOT_SERVING',
      'SERVING',
      'NOT_SERVING',
      'OK',
    ]);
    const exit = await service.exited;
    for (const g of greeters) g.close();
    client.close();
    console.log(
      `example load: ${calls} SayHello calls, ${failed} failed; SIGTERM → Watch NOT_SERVING ${sigtermToWatch.toFixed(1)} ms`,
    );
    expect(errors).toEqual([]);
    expect(failed).toBe(0);
    expect(calls).toBeGreaterThan(100);
    expect({ ...exit, stderr: service.stderr() }).toEqual({ code: 0, signal: null, stderr: '' });
  }, 60_000);
});
