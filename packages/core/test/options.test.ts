import { describe, expect, it, vi } from 'vitest';
import { createHealth, drainDelayMs, type HealthOptions, isHealthError } from '../src/index.js';

function setupError(options: unknown): Error {
  try {
    createHealth(options as HealthOptions).close();
  } catch (error) {
    expect(isHealthError(error)).toBe(true);
    return error as Error;
  }
  throw new Error('expected createHealth to throw');
}

describe('invalid configuration throws at setup, naming the option', () => {
  const cases: [string, unknown, RegExp][] = [
    ['unknown option', { pathz: {} }, /option "pathz" is not a known option/],
    ['unknown path key', { paths: { ready: '/r' } }, /option "paths.ready" is not a known option/],
    [
      'path without slash',
      { paths: { health: 'health' } },
      /option "paths.health" must be false or a path starting with "\/"/,
    ],
    ['path with query', { paths: { readiness: '/ready?x=1' } }, /option "paths.readiness"/],
    ['path with dot segment', { paths: { readiness: '/a/../b' } }, /option "paths.readiness"/],
    [
      'duplicate paths',
      { paths: { readiness: '/health' } },
      /option "paths.readiness" uses "\/health", which is already the health path/,
    ],
    [
      'all paths disabled',
      { paths: { health: false, liveness: false, readiness: false, startup: false } },
      /option "paths" disables every endpoint/,
    ],
    ['checks not an array', { checks: {} }, /option "checks" must be an array/],
    ['check without name', { checks: [{ check: () => true }] }, /option "checks\[0\].name"/],
    [
      'check name with spaces',
      { checks: [{ name: 'my db', check: () => true }] },
      /option "checks\[0\].name" must be 1-64 characters/,
    ],
    [
      'check without function',
      { checks: [{ name: 'db' }] },
      /option "check "db".check" must be a function/,
    ],
    [
      'negative timeout',
      { checks: [{ name: 'db', check: () => true, timeout: -1 }] },
      /option "check "db".timeout" must be a number of milliseconds between 1 and/,
    ],
    [
      'NaN ttl',
      { checks: [{ name: 'db', check: () => true, ttl: Number.NaN }] },
      /option "check "db".ttl"/,
    ],
    [
      'unknown check option',
      { checks: [{ name: 'db', check: () => true, retries: 3 }] },
      /option "checks\[0\].retries" is not a known option/,
    ],
    [
      'bad probe',
      { checks: [{ name: 'db', check: () => true, probes: ['ready'] }] },
      /option "check "db".probes"/,
    ],
    [
      'bad showDetails',
      { showDetails: true },
      /option "showDetails" must be 'never', 'always' or a function/,
    ],
    ['bad format', { format: 'xml' }, /option "format"/],
    ['bad signals', { shutdown: { signals: ['SIGKILL'] } }, /option "shutdown.signals"/],
    ['negative drain', { shutdown: { drainDelay: -5 } }, /option "shutdown.drainDelay"/],
    [
      'bad probe timing',
      { shutdown: { drainDelay: { periodSeconds: 0, failureThreshold: 3 } } },
      /option "shutdown.drainDelay.periodSeconds"/,
    ],
    [
      'unknown shutdown option',
      { shutdown: { grace: 1 } },
      /option "shutdown.grace" is not a known option/,
    ],
    ['bad logger', { logger: { log() {} } }, /option "logger"/],
  ];
  for (const [name, options, message] of cases) {
    it(name, () => {
      const error = setupError(options);
      expect(error.message).toMatch(/^@health\/core: /);
      expect(error.message).toMatch(message);
    });
  }

  it('hostile values still produce a clear error (no throw from the message itself)', () => {
    const hostile = { toString: null, valueOf: null };
    expect(
      setupError({ checks: [{ name: 'db', check: () => true, ttl: hostile }] }).message,
    ).toMatch(
      /option "check "db".ttl" must be a number of milliseconds between 0 and \d+, got an object/,
    );
    expect(
      setupError({ checks: [{ name: 'db', check: () => true, probes: [1n] }] }).message,
    ).toMatch(
      /option "check "db".probes" must be a non-empty array of readiness, liveness, startup, got an array/,
    );
    expect(setupError({ shutdown: { signals: [Symbol('x')] } }).message).toMatch(
      /option "shutdown.signals"/,
    );
  });

  it('duplicate check names', () => {
    const error = setupError({
      checks: [
        { name: 'db', check: () => true },
        { name: 'db', check: () => true },
      ],
    });
    expect((error as { code?: string }).code).toBe('HEALTH_DUPLICATE_CHECK');
    expect(error.message).toMatch(/a check named "db" is already registered/);
    const health = createHealth({ logger: false, checks: [{ name: 'db', check: () => true }] });
    expect(() => health.addCheck({ name: 'db', check: () => true })).toThrow(/already registered/);
  });

  it('a dependency check on liveness is refused unless explicitly allowed', () => {
    const error = setupError({
      checks: [{ name: 'db', dependency: true, probes: ['liveness'], check: () => true }],
    });
    expect((error as { code?: string }).code).toBe('HEALTH_DEPENDENCY_ON_LIVENESS');
    expect(error.message).toMatch(/restart every replica/);
    expect(() =>
      createHealth({
        logger: false,
        checks: [
          {
            name: 'db',
            dependency: true,
            allowOnLiveness: true,
            probes: ['liveness'],
            check: () => true,
          },
        ],
      }).close(),
    ).not.toThrow();
  });
});

describe('shutdown timing', () => {
  it('derives the drain delay from the readiness probe settings', () => {
    expect(drainDelayMs(undefined)).toBe(0);
    expect(drainDelayMs(2_500)).toBe(2_500);
    expect(drainDelayMs({ periodSeconds: 5, failureThreshold: 2 })).toBe(11_000);
    expect(drainDelayMs({ periodSeconds: 10, failureThreshold: 3, marginMs: 0 })).toBe(30_000);
  });

  it('warns when drain + server close + hooks cannot fit the grace period', () => {
    const warn = vi.fn();
    const logger = { info: vi.fn(), warn, error: vi.fn() };
    createHealth({
      logger,
      shutdown: { drainDelay: { periodSeconds: 10, failureThreshold: 3 }, gracePeriod: 30_000 },
    }).close();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(
      /drainDelay 31000 ms \+ serverCloseTimeout 10000 ms \+ hookTimeout 5000 ms > gracePeriod 30000 ms/,
    );
    createHealth({ logger, shutdown: { drainDelay: 5_000, gracePeriod: 30_000 } }).close();
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
