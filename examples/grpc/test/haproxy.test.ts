// A rolling restart of 3 example instances behind a real load balancer: Debian's HAProxy speaking
// HTTP/2 to the backends (`proto h2`), with active gRPC health checks (grpc.health.v1.Health/Check
// for "" sent as raw HTTP/2 frames by `tcp-check send-binary`; up only on a SERVING answer), under
// a bounded grpc-js load through the proxy (ghz is not packaged for Debian or npm). Each instance
// in turn: SIGTERM → readiness NOT_SERVING → HAProxy takes it out → drain → exit 0 → replaced.
// 0 failed calls; HAProxy gets no retries, so any refused or reset call would reach a client.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { healthClient } from '../../../packages/grpc/test/helpers.js';
import { greeterDefinition } from '../src/index.js';
import { freePort, start } from './support.js';

const HAPROXY = '/usr/sbin/haproxy'; // scripts/ensure-system-deps.mjs installs it
const dir = mkdtempSync(join(tmpdir(), 'health-grpc-haproxy-'));
let proxy: ChildProcess | undefined;
afterAll(() => {
  proxy?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** An HTTP/2 request for grpc.health.v1.Health/Check { service: "" }, as hex (HPACK literals, no Huffman). */
function grpcCheckHex(authority: string): string {
  const str = (s: string) => {
    const b = Buffer.from(s);
    return Buffer.concat([Buffer.from([b.length]), b]);
  };
  const frame = (type: number, flags: number, stream: number, payload: Buffer) => {
    const header = Buffer.alloc(9);
    header.writeUIntBE(payload.length, 0, 3);
    header[3] = type;
    header[4] = flags;
    header.writeUInt32BE(stream, 5);
    return Buffer.concat([header, payload]);
  };
  const headers = Buffer.concat([
    Buffer.from([0x83, 0x86]), // :method POST, :scheme http (static table)
    Buffer.from([0x04]), // :path, literal value
    str('/grpc.health.v1.Health/Check'),
    Buffer.from([0x01]), // :authority
    str(authority),
    Buffer.from([0x0f, 0x10]), // content-type (static index 31)
    str('application/grpc'),
    Buffer.from([0x00]),
    str('te'),
    str('trailers'),
  ]);
  return Buffer.concat([
    Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
    frame(0x4, 0, 0, Buffer.alloc(0)), // SETTINGS
    frame(0x1, 0x4, 1, headers), // HEADERS, END_HEADERS
    frame(0x0, 0x1, 1, Buffer.alloc(5)), // DATA, END_STREAM: an empty HealthCheckRequest
  ]).toString('hex');
}

// The answer's DATA frame for SERVING: gRPC prefix (uncompressed, length 2), then `08 01`.
const SERVING_HEX = '00000000020801';

describe('rolling restart behind HAProxy with gRPC health checks', () => {
  it('restarts 3 instances one by one under load with 0 failed calls', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const front = await freePort();
    const config = `global
  maxconn 2000
  log stdout format raw local0 info
defaults
  mode http
  log global
  option dontlog-normal
  option httplog
  retries 0
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  timeout check 500ms
frontend fe
  bind 127.0.0.1:${front} proto h2
  default_backend be
backend be
  option tcp-check
  tcp-check connect
  tcp-check send-binary ${grpcCheckHex('127.0.0.1')}
  tcp-check expect binary ${SERVING_HEX}
${ports.map((p, i) => `  server s${i} 127.0.0.1:${p} proto h2 check inter 200 fall 2 rise 2`).join('\n')}
`;
    const file = join(dir, 'haproxy.cfg');
    writeFileSync(file, config);
    execFileSync(HAPROXY, ['-c', '-q', '-f', file]);
    const instances = ports.map((port) => start(port, { DRAIN_DELAY_MS: '1500' }));
    let log = '';
    proxy = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    proxy.stdout?.setEncoding('utf8').on('data', (c: string) => {
      log += c;
    });
    proxy.stderr?.setEncoding('utf8').on('data', (c: string) => {
      log += c;
    });
    const waitFor = async (done: () => boolean, what: string, timeout = 20_000) => {
      const end = Date.now() + timeout;
      while (!done()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${log}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    // HAProxy starts every server UP; wait until each has passed a real check (all SERVING).
    const health = healthClient(`127.0.0.1:${front}`);
    for (const p of ports) {
      const c = healthClient(`127.0.0.1:${p}`);
      const end = Date.now() + 20_000;
      while ((await c.check('', 1_000).catch(() => 'DOWN')) !== 'SERVING' && Date.now() < end)
        await new Promise((r) => setTimeout(r, 50));
      c.close();
    }
    await new Promise((r) => setTimeout(r, 1_000)); // rise 2 × inter 200 ms, with margin
    expect(await health.check('')).toBe('SERVING');

    const Greeter = grpc.makeGenericClientConstructor(greeterDefinition, 'example.Greeter');
    // biome-ignore lint/suspicious/noExplicitAny: generated client methods
    type GreeterClient = any;
    const channels: GreeterClient[] = [0, 1, 2, 3].map(
      (i) =>
        new Greeter(`127.0.0.1:${front}`, grpc.credentials.createInsecure(), {
          'grpc.channel_id': i,
        }),
    );
    let running = true;
    let calls = 0;
    let failed = 0;
    const errors: string[] = [];
    const loadEnd = Date.now() + 60_000; // bound
    const caller = async (i: number) => {
      while (running && Date.now() < loadEnd) {
        await new Promise<void>((resolve) =>
          channels[i % channels.length].SayHello(
            { name: `c${i}` },
            { deadline: Date.now() + 5_000 },
            (error: grpc.ServiceError | null, reply: { message: string }) => {
              calls++;
              if (error || reply?.message !== `Hello, c${i}`) {
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
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    const exits: (number | null)[] = [];
    for (const [i, port] of ports.entries()) {
      const before = log.length;
      const instance = instances[i] as ReturnType<typeof start>;
      instance.child.kill('SIGTERM');
      await waitFor(() => log.slice(before).includes(`Server be/s${i} is DOWN`), `s${i} DOWN`);
      exits.push(await instance.exited);
      expect(instance.stderr()).toBe('');
      instances[i] = start(port, { DRAIN_DELAY_MS: '1500' });
      await waitFor(() => log.slice(before).includes(`Server be/s${i} is UP`), `s${i} UP`);
    }
    await new Promise((r) => setTimeout(r, 500));
    running = false;
    await load;
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `HAProxy rolling restart (3 instances, 16 callers on 4 channels, ${seconds.toFixed(1)} s): ${calls} SayHello calls, ${failed} failed`,
    );
    for (const c of channels) c.close();
    health.close();
    for (const instance of instances) instance.child.kill('SIGTERM');
    await Promise.all(instances.map((i) => i.exited));
    expect(errors).toEqual([]);
    expect(failed).toBe(0);
    expect(exits).toEqual([0, 0, 0]);
    expect(calls).toBeGreaterThan(500);
    // HAProxy's own log: no failed request (dontlog-normal logs only errors).
    expect(log).not.toMatch(/ 50[234] /);
  }, 120_000);
});
