// A rolling restart of 3 example instances behind a health-aware client-side balancer (gRPC's own
// load-balancing model): every instance is followed through grpc.health.v1 Watch, calls go
// round-robin to the instances whose Watch says SERVING. Each instance in turn gets SIGTERM
// (readiness NOT_SERVING → the balancer stops routing → drain → exit 0) and is replaced on the
// same port, under a bounded load of SayHello calls: 0 failed calls.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import {
  type HealthClient,
  healthClient,
  type Watch,
} from '../../../packages/grpc/test/helpers.js';
import { greeterDefinition } from '../src/index.js';
import { freePort, start } from './support.js';

const Greeter = grpc.makeGenericClientConstructor(greeterDefinition, 'example.Greeter');

interface Member {
  address: string;
  // biome-ignore lint/suspicious/noExplicitAny: generated client methods
  greeter: any;
  health: HealthClient;
  watch: Watch | undefined;
  process: ReturnType<typeof start>;
}

/** Routable: the member's latest Watch message says SERVING (local state: no polling of the server). */
const serving = (m: Member) => m.watch?.messages.at(-1)?.status === 'SERVING';

async function follow(member: Member) {
  const end = Date.now() + 20_000;
  for (;;) {
    const status = await member.health.check('', 1_000).catch(() => 'DOWN');
    if (status === 'SERVING') break;
    if (Date.now() > end) throw new Error(`${member.address} never became SERVING`);
    await new Promise((r) => setTimeout(r, 50));
  }
  member.watch = member.health.watch('');
  await member.watch.next((s) => s === 'SERVING');
}

describe('rolling restart behind a health-aware balancer', () => {
  it('restarts 3 instances one by one under load with 0 failed calls', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const members: Member[] = ports.map((port) => ({
      address: `127.0.0.1:${port}`,
      greeter: new Greeter(`127.0.0.1:${port}`, grpc.credentials.createInsecure()),
      health: healthClient(`127.0.0.1:${port}`),
      watch: undefined,
      process: start(port),
    }));
    await Promise.all(members.map(follow));

    let running = true;
    let calls = 0;
    let failed = 0;
    let next = 0;
    const errors: string[] = [];
    const loadEnd = Date.now() + 45_000; // bound
    const caller = async (i: number) => {
      while (running && Date.now() < loadEnd) {
        const candidates = members.filter(serving);
        const member = candidates[next++ % Math.max(candidates.length, 1)];
        if (!member) {
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        await new Promise<void>((resolve) =>
          member.greeter.SayHello(
            { name: `c${i}` },
            { deadline: Date.now() + 5_000 },
            (error: grpc.ServiceError | null, reply: { message: string }) => {
              calls++;
              if (error || reply?.message !== `Hello, c${i}`) {
                failed++;
                errors.push(`${member.address}: ${error?.message ?? JSON.stringify(reply)}`);
              }
              resolve();
            },
          ),
        );
      }
    };
    const load = Promise.all(Array.from({ length: 12 }, (_, i) => caller(i)));
    const exits: (number | null)[] = [];
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    for (const member of members) {
      const before = calls;
      member.process.child.kill('SIGTERM');
      await member.watch?.next((s, i) => s === 'NOT_SERVING' && i > 0, 5_000);
      exits.push(await member.process.exited);
      expect(member.process.stderr()).toBe('');
      member.process = start(Number(member.address.split(':')[1]));
      await follow(member);
      await new Promise((r) => setTimeout(r, 300));
      expect(calls).toBeGreaterThan(before);
    }
    running = false;
    await load;
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `rolling restart (3 instances, 12 callers, ${seconds.toFixed(1)} s): ${calls} SayHello calls, ${failed} failed`,
    );
    for (const m of members) {
      m.greeter.close();
      m.health.close();
      m.process.child.kill('SIGTERM');
    }
    await Promise.all(members.map((m) => m.process.exited));
    expect(errors).toEqual([]);
    expect(failed).toBe(0);
    expect(exits).toEqual([0, 0, 0]);
    expect(calls).toBeGreaterThan(500);
  }, 90_000);
});
