// Core's events and the data packages build on: onCheckChange (flips only), the `health:check`
// diagnostics tracing channel (runs only, never cached answers), snapshot(), describe(), groups
// through evaluate(), dispose, holdExit, and the setup errors of the new options.
import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CHECK_CHANNEL,
  type CheckChange,
  type CheckRunContext,
  createHealth,
  type Health,
  type HealthOptions,
  isHealthError,
} from '../src/index.js';

const open: Health[] = [];
const make = (options: HealthOptions = {}) => {
  const health = createHealth({ logger: false, ...options });
  open.push(health);
  return health;
};
afterEach(() => {
  for (const health of open.splice(0)) health.close();
});

function flaky() {
  const state = { ok: true };
  return {
    state,
    definition: {
      name: 'db',
      ttl: 0,
      failureTtl: 0,
      tags: ['sql'],
      check: () => {
        if (!state.ok) throw new Error('down');
      },
    },
  };
}

describe('onCheckChange', () => {
  it('fires for the first result and for status flips, not for every run', async () => {
    const db = flaky();
    const health = make({ checks: [db.definition], startReady: true });
    const changes: CheckChange[] = [];
    health.onCheckChange((change) => changes.push(change));
    await health.evaluate('readiness');
    await health.evaluate('readiness');
    db.state.ok = false;
    await health.evaluate('readiness');
    await health.evaluate('readiness');
    db.state.ok = true;
    await health.evaluate('readiness');
    expect(changes.map((c) => [c.previous?.status, c.current.status])).toEqual([
      [undefined, 'UP'],
      ['UP', 'DOWN'],
      ['DOWN', 'UP'],
    ]);
    expect(health.runCount('db')).toBe(5);
  });

  it('a throwing listener is logged, never breaks the probe', async () => {
    const health = make({ checks: [{ name: 'db', check: () => true }], startReady: true });
    health.onCheckChange(() => {
      throw new Error('listener bug');
    });
    expect((await health.evaluate('readiness')).status).toBe(200);
  });
});

describe('the health:check tracing channel', () => {
  it('publishes start, end and asyncEnd per run (error when it fails), nothing for cached answers', async () => {
    const health = make({
      startReady: true,
      checks: [
        { name: 'ok', ttl: 60_000, check: () => 'PONG' },
        { name: 'bad', ttl: 60_000, failureTtl: 60_000, critical: false, check: () => false },
      ],
    });
    const events: string[] = [];
    const channel = diagnostics.tracingChannel<CheckRunContext>(CHECK_CHANNEL);
    const mine = (ctx: CheckRunContext) => ctx.health === health;
    const handlers = {
      start: (ctx: CheckRunContext) => mine(ctx) && events.push(`start ${ctx.name} ${ctx.trigger}`),
      end: (ctx: CheckRunContext) => mine(ctx) && events.push(`end ${ctx.name}`),
      asyncStart: () => {},
      asyncEnd: (ctx: CheckRunContext) =>
        mine(ctx) && events.push(`asyncEnd ${ctx.name} ${ctx.result?.status}`),
      error: (ctx: CheckRunContext) =>
        mine(ctx) && events.push(`error ${ctx.name} ${(ctx.error as Error).message}`),
    };
    channel.subscribe(handlers);
    try {
      await health.evaluate('readiness');
      await health.evaluate('readiness'); // cached: no run, no event
    } finally {
      channel.unsubscribe(handlers);
    }
    expect(events.sort()).toEqual(
      [
        'start ok probe',
        'end ok',
        'asyncEnd ok UP',
        'start bad probe',
        'end bad',
        'error bad check returned false',
        'asyncEnd bad DOWN',
      ].sort(),
    );
  });
});

describe('snapshot, describe and groups', () => {
  it('snapshot shows last results and group membership without running anything', async () => {
    const db = flaky();
    const health = make({
      checks: [db.definition, { name: 'cache', check: () => true }],
      groups: { data: { include: ['tag:sql'] } },
    });
    expect(health.snapshot().checks.map((c) => [c.name, c.result])).toEqual([
      ['db', undefined],
      ['cache', undefined],
    ]);
    expect(health.runCount('db')).toBe(0);
    health.markReady();
    await health.evaluate('data');
    const snapshot = health.snapshot();
    expect(snapshot.state).toBe('UP');
    expect(snapshot.checks[0]).toMatchObject({
      name: 'db',
      groups: ['data'],
      result: { status: 'UP' },
    });
    expect(snapshot.checks[1]).toMatchObject({ name: 'cache', groups: [] });
    expect(health.groupNames).toEqual(['data']);
    expect(health.describe()).toMatchObject({
      version: 1,
      groups: { data: { paths: ['/health/data'], checks: ['db'] } },
      probeDeadline: 800,
      shutdown: { drainDelay: 0, serverCloseTimeout: 10_000, hookTimeout: 5_000 },
    });
    await expect(health.evaluate('nope')).rejects.toThrow(/does not name an enabled probe/);
  });

  it('dispose runs once on removeCheck and on close', () => {
    let disposed = 0;
    const health = make({
      checks: [
        { name: 'a', check: () => true, dispose: () => disposed++ },
        { name: 'b', check: () => true, dispose: () => disposed++ },
      ],
    });
    health.removeCheck('a');
    expect(disposed).toBe(1);
    health.close();
    health.close();
    expect(disposed).toBe(2);
  });

  it('holdExit: the exit waits for the adapter, the shutdown does not', async () => {
    const exits: number[] = [];
    const health = make({ shutdown: { exit: (code) => exits.push(code) } });
    const release = health.holdExit();
    expect(await health.shutdown('test')).toBe(0);
    expect(exits).toEqual([]);
    expect(release()).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([0]);
  });
});

describe('setup errors of the new options name the option', () => {
  const cases: [string, HealthOptions, RegExp][] = [
    ['group without include', { groups: { pay: { include: [] } } }, /"groups\.pay\.include"/],
    [
      'group named like a probe',
      { groups: { readiness: { include: ['*'] } } },
      /"groups\.readiness"/,
    ],
    ['bad group selector', { groups: { pay: { include: ['a b'] } } }, /"groups\.pay\.include"/],
    [
      'group path taken',
      { groups: { pay: { include: ['*'], paths: ['/health/ready'] } } },
      /already the readiness path/,
    ],
    [
      'status code out of range',
      { statusCodes: { readiness: { DOWN: 99 } } },
      /"statusCodes\.readiness\.DOWN"/,
    ],
    [
      'unknown probe in statusCodes',
      { statusCodes: { ready: {} } as never },
      /"statusCodes\.ready"/,
    ],
    ['deadline zero', { probeDeadline: 0 }, /"probeDeadline"/],
    [
      'threshold zero',
      { checks: [{ name: 'x', check: () => true, failureThreshold: 0 }] },
      /failureThreshold/,
    ],
    [
      'threshold fraction',
      { checks: [{ name: 'x', check: () => true, successThreshold: 1.5 }] },
      /successThreshold/,
    ],
    ['bad tag', { checks: [{ name: 'x', check: () => true, tags: ['a b'] }] }, /tags/],
    ['empty extra paths', { paths: { readiness: [] } }, /"paths\.readiness"/],
    ['describePath clash', { describePath: '/health' }, /"describePath"/],
    ['exit not boolean', { shutdown: { exit: 'yes' as never } }, /"shutdown\.exit"/],
  ];
  for (const [name, options, message] of cases) {
    it(name, () => {
      let caught: unknown;
      try {
        createHealth({ logger: false, ...options });
      } catch (error) {
        caught = error;
      }
      expect(isHealthError(caught), name).toBe(true);
      expect((caught as Error).message).toMatch(message);
    });
  }
});
