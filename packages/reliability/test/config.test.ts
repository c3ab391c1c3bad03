/**
 * Invalid configuration fails at setup, never at the first probe: unknown options, bad paths,
 * negative or non-finite timeouts, duplicate check names, a bad exit hook or dispose. Each error
 * names the option. Checked through core and through a real adapter (`@health/express`), with
 * generated bad values; the check factories of `@health/checks` throw the same coded errors.
 */
import {
  diskSpaceCheck,
  eventLoopDelayCheck,
  eventLoopUtilizationCheck,
  heapCheck,
  httpCheck,
  pingCheck,
  rssCheck,
} from '@health/checks';
import { createHealth, type HealthOptions, isHealthError } from '@health/core';
import { healthRouter } from '@health/express';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runs } from './support/seed.js';

const KNOWN = [
  'checks',
  'paths',
  'showChecks',
  'showDetails',
  'format',
  'startReady',
  'trapUncaughtErrors',
  'shutdown',
  'logger',
];
const ok = () => true;

/** Throws the setup error of `make`, asserting it is one of ours and names `option`. */
function expectNamed(make: () => unknown, option: string | RegExp) {
  let thrown: unknown;
  try {
    const made = make();
    (made as { close?: () => void; health?: { close(): void } })?.close?.();
    (made as { health?: { close(): void } })?.health?.close();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected a setup error naming ${option}`).toBeDefined();
  expect(isHealthError(thrown)).toBe(true);
  const message = (thrown as Error).message;
  if (typeof option === 'string') expect(message).toContain(option);
  else expect(message).toMatch(option);
  return message;
}

const setups: [string, (options: HealthOptions) => unknown][] = [
  ['createHealth', (options) => createHealth(options)],
  ['@health/express healthRouter', (options) => healthRouter(options)],
];

describe.each(setups)('invalid configuration through %s', (_name, setup) => {
  it('unknown options (any name, any level) are named', () => {
    let probes = 0;
    const unknownKey = fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((k) => !KNOWN.includes(k) && k !== '__proto__');
    fc.assert(
      fc.property(unknownKey, fc.anything(), (key, value) => {
        probes++;
        expectNamed(
          () => setup({ [key]: value } as HealthOptions),
          `option "${key}" is not a known option`,
        );
      }),
      { numRuns: runs(300) },
    );
    expectNamed(
      () => setup({ shutdown: { drainDelay: 0, grace: 10 } as never }),
      'option "shutdown.grace"',
    );
    expectNamed(() => setup({ paths: { ready: '/r' } as never }), 'option "paths.ready"');
    expectNamed(
      () => setup({ checks: [{ name: 'db', check: ok, timeOut: 5 } as never] }),
      'option "checks[0].timeOut"',
    );
    console.log(`[config] ${probes + 3} unknown-option setups rejected with the option named`);
  });

  it('bad paths are named', () => {
    const bad = [
      'health',
      '',
      ' /health',
      '/health?x=1',
      '/a b',
      '/a//b',
      '/a/../b',
      '/a/./b',
      '/.',
      '/x#y',
      'http://x/health',
      '/é',
      42,
      true,
      null,
    ];
    for (const path of bad)
      expectNamed(() => setup({ paths: { readiness: path as never } }), 'option "paths.readiness"');
    expectNamed(
      () => setup({ paths: { readiness: '/same', liveness: '/same' } }),
      /option "paths\.(readiness|liveness)" uses "\/same"/,
    );
    expectNamed(
      () => setup({ paths: { health: false, liveness: false, readiness: false, startup: false } }),
      'option "paths"',
    );
    let probes = 0;
    // Any string that is not a clean absolute path is refused at setup.
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (path) => {
        const clean =
          /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/.test(path) &&
          !path.includes('//') &&
          !/\/\.\.?(\/|$)/.test(path);
        fc.pre(!clean);
        probes++;
        expectNamed(() => setup({ paths: { startup: path } }), 'option "paths.startup"');
      }),
      { numRuns: runs(300) },
    );
    console.log(
      `[config] ${bad.length + 2 + probes} bad path setups rejected with the option named`,
    );
  });

  it('negative, non-finite and non-numeric timeouts are named', () => {
    const durations: [string, (value: number) => HealthOptions][] = [
      ['shutdown.drainDelay', (v) => ({ shutdown: { drainDelay: v } })],
      ['shutdown.serverCloseTimeout', (v) => ({ shutdown: { serverCloseTimeout: v } })],
      ['shutdown.hookTimeout', (v) => ({ shutdown: { hookTimeout: v } })],
      ['shutdown.gracePeriod', (v) => ({ shutdown: { gracePeriod: v } })],
      ['check "db".timeout', (v) => ({ checks: [{ name: 'db', check: ok, timeout: v }] })],
      ['check "db".ttl', (v) => ({ checks: [{ name: 'db', check: ok, ttl: v }] })],
      ['check "db".failureTtl', (v) => ({ checks: [{ name: 'db', check: ok, failureTtl: v }] })],
      ['check "db".interval', (v) => ({ checks: [{ name: 'db', check: ok, interval: v }] })],
      ['check "db".maxStale', (v) => ({ checks: [{ name: 'db', check: ok, maxStale: v }] })],
      ['probeDeadline', (v) => ({ probeDeadline: v })],
      [
        'check "db".failureThreshold',
        (v) => ({ checks: [{ name: 'db', check: ok, failureThreshold: v }] }),
      ],
      [
        'check "db".successThreshold',
        (v) => ({ checks: [{ name: 'db', check: ok, successThreshold: v }] }),
      ],
      ['statusCodes.readiness.DOWN', (v) => ({ statusCodes: { readiness: { DOWN: v } } })],
      [
        'groups.g.statusCodes.UP',
        (v) => ({ groups: { g: { include: ['*'], statusCodes: { UP: v } } } }),
      ],
    ];
    const badNumber = fc.oneof(
      fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
      fc.integer({ max: -1 }),
      fc.constantFrom(
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        2 ** 31,
        1e300,
      ),
    );
    const notANumber = fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.object());
    let probes = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...durations),
        fc.oneof(badNumber, notANumber),
        ([option, make], value) => {
          probes++;
          expectNamed(() => setup(make(value as number)), `option "${option}`); // (drainDelay: an object names its field)
        },
      ),
      { numRuns: runs(500) },
    );
    console.log(`[config] ${probes} bad timeout setups rejected with the option named`);
  });

  it('bad group selectors, names and paths are named', () => {
    let probes = 0;
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (selector) => {
        fc.pre(!/^(\*|tag:[A-Za-z0-9_.:-]{1,64}|[A-Za-z0-9_.:-]{1,64})$/.test(selector));
        probes++;
        expectNamed(
          () => setup({ groups: { g: { include: [selector] } } }),
          'option "groups.g.include"',
        );
      }),
      { numRuns: runs(200) },
    );
    expectNamed(
      () => setup({ groups: { liveness: { include: ['*'] } } }),
      'option "groups.liveness"',
    );
    expectNamed(
      () => setup({ groups: { g: { include: ['*'], paths: ['/health/live'] } } }),
      'option "groups.g.paths[0]"',
    );
    console.log(`[config] ${probes + 2} bad group setups rejected with the option named`);
  });

  it('a bad exit hook or dispose is named', () => {
    let probes = 0;
    const notHook = fc
      .anything()
      .filter((v) => v !== undefined && typeof v !== 'boolean' && typeof v !== 'function');
    fc.assert(
      fc.property(notHook, (value) => {
        probes++;
        expectNamed(
          () => setup({ shutdown: { exit: value as never } }),
          'option "shutdown.exit" must be a boolean or a function',
        );
        expectNamed(
          () => setup({ checks: [{ name: 'db', check: ok, dispose: value as never }] }),
          'option "check "db".dispose" must be a function',
        );
      }),
      { numRuns: runs(200) },
    );
    // The hook itself is accepted: a function of the exit code, or a boolean.
    for (const exit of [true, false, (_code: number) => {}]) {
      const made = setup({ shutdown: { exit } }) as {
        close?: () => void;
        health?: { close(): void };
      };
      made.close?.();
      made.health?.close();
    }
    console.log(
      `[config] ${probes * 2} bad exit-hook / dispose setups rejected with the option named`,
    );
  });

  it('duplicate check names are named', () => {
    let probes = 0;
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/),
        fc.integer({ min: 0, max: 4 }),
        (name, others) => {
          probes++;
          const checks = [
            { name, check: ok },
            ...Array.from({ length: others }, (_, i) => ({ name: `${name}-${i}`, check: ok })),
            { name, check: ok },
          ];
          const message = expectNamed(() => setup({ checks }), `"${name}"`);
          expect(message).toMatch(/already registered/);
        },
      ),
      { numRuns: runs(200) },
    );
    console.log(`[config] ${probes} duplicate-name setups rejected with the name`);
  });
});

describe('setup errors happen at setup, for things added later too', () => {
  it('addCheck and onShutdown refuse bad input at once, naming it', () => {
    const health = createHealth({ logger: false });
    try {
      health.addCheck({ name: 'db', check: ok });
      expectNamed(() => health.addCheck({ name: 'db', check: ok }), '"db"');
      expectNamed(
        () => health.addCheck({ name: 'x', check: ok, timeout: -1 }),
        'option "check "x".timeout"',
      );
      expectNamed(() => health.addCheck({ name: 'bad name!', check: ok }), 'option "check.name"');
      expectNamed(
        () => health.addCheck({ name: 'pg', check: ok, dependency: true, probes: ['liveness'] }),
        /check "pg" tests a dependency/,
      );
      expectNamed(
        () => health.onShutdown('pool', 'not a function' as never),
        'option "onShutdown("pool")"',
      );
      expectNamed(() => health.addServer({} as never), 'option "server"');
    } finally {
      health.close();
    }
  });
});

describe('@health/checks setup errors are coded like core', () => {
  it('out-of-range thresholds and bad targets throw HEALTH_INVALID_OPTION naming the option', () => {
    let probes = 0;
    const outside = (min: number, max: number) =>
      fc.oneof(
        fc.double({ noNaN: true }).filter((v) => v < min || v > max),
        fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
        fc.string(),
        fc.boolean(),
        fc.constant(null),
      );
    const factories: [string, number, number, (value: never) => unknown][] = [
      ['threshold', 0, 1, (threshold) => heapCheck({ threshold })],
      ['maxBytes', 1, Number.MAX_SAFE_INTEGER, (maxBytes) => rssCheck({ maxBytes })],
      ['minFreeRatio', 0, 1, (minFreeRatio) => diskSpaceCheck('/', { minFreeRatio })],
      [
        'minFreeBytes',
        0,
        Number.MAX_SAFE_INTEGER,
        (minFreeBytes) => diskSpaceCheck('/', { minFreeBytes }),
      ],
      ['threshold', 0, 1, (threshold) => eventLoopUtilizationCheck({ threshold })],
    ];
    for (const [option, min, max, make] of factories) {
      fc.assert(
        fc.property(outside(min, max), (value) => {
          probes++;
          const message = expectNamed(() => make(value as never), `option "${option}"`);
          expect(message).toMatch(/^@health\/checks: /);
        }),
        { numRuns: runs(100) },
      );
    }
    // Not an absolute http(s) URL: a coded error, never a raw TypeError from `new URL`.
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (url) => {
        fc.pre(!/^https?:\/\/[^\s]/i.test(url));
        probes++;
        expectNamed(() => httpCheck(url), 'option "url"');
      }),
      { numRuns: runs(200) },
    );
    expectNamed(() => pingCheck('not a function' as never, { name: 'x' }), 'option "ping"');
    expectNamed(() => pingCheck(ok, {} as never), 'option "name"');
    expectNamed(() => eventLoopDelayCheck({ resolution: 0 }), 'option "resolution"');
    console.log(`[config] ${probes + 3} bad check-factory setups rejected, coded, option named`);
  });
});
