/**
 * What every check shares: core options pass through, dependency checks are refused on liveness
 * by core, pingCheck semantics, and the message scrubbing that keeps secrets out of responses.
 */
import {
  DEFAULT_TIMEOUT,
  diskSpaceCheck,
  eventLoopDelayCheck,
  heapCheck,
  httpCheck,
  pingCheck,
  postgresCheck,
  redisCheck,
  rssCheck,
  safeMessage,
  scrub,
} from '@health/checks';
import { createHealth, isHealthError } from '@health/core';
import { describe, expect, it } from 'vitest';
import { SLACK, startApp } from './helpers.js';

const fakePool = { query: async () => ({ rows: [] }) };

describe('check definitions', () => {
  it('default to a 500 ms timeout, their kind as name, and dependency: true for downstream checks', () => {
    expect(DEFAULT_TIMEOUT).toBeLessThan(1000);
    expect(postgresCheck(fakePool)).toMatchObject({
      name: 'postgres',
      timeout: 500,
      dependency: true,
    });
    expect(redisCheck({ ping: async () => 'PONG' })).toMatchObject({
      name: 'redis',
      dependency: true,
    });
    expect(httpCheck('http://127.0.0.1:1/')).toMatchObject({ name: 'http', dependency: true });
    expect(heapCheck()).toMatchObject({ name: 'heap', timeout: 500, dependency: false });
    expect(pingCheck(() => 1, { name: 'prisma' })).toMatchObject({
      name: 'prisma',
      dependency: true,
    });
  });

  it('take `dependency` from the options, with the right default per check', () => {
    expect(heapCheck({ dependency: true })).toMatchObject({ dependency: true });
    expect(rssCheck()).toMatchObject({ dependency: false });
    expect(diskSpaceCheck('/')).toMatchObject({ dependency: false });
    const loop = eventLoopDelayCheck();
    expect(loop).toMatchObject({ dependency: false });
    loop.dispose?.();
    expect(postgresCheck(fakePool, { dependency: false })).toMatchObject({ dependency: false });
    expect(pingCheck(() => 1, { name: 'local', dependency: false })).toMatchObject({
      dependency: false,
    });
    // A sidecar on localhost, declared as no dependency, may run on liveness; a dependency may not.
    const health = createHealth({ logger: false });
    expect(() =>
      health.addCheck(
        httpCheck('http://127.0.0.1:1/', {
          name: 'sidecar',
          probes: ['liveness'],
          dependency: false,
        }),
      ),
    ).not.toThrow();
    try {
      health.addCheck(httpCheck('http://127.0.0.1:1/', { probes: ['liveness'] }));
      expect.unreachable('a dependency on liveness must be refused');
    } catch (error) {
      expect((error as { code?: string }).code).toBe('HEALTH_DEPENDENCY_ON_LIVENESS');
    }
    health.close();
  });

  it('pass core options through and leave their own options out', () => {
    const check = postgresCheck(fakePool, {
      name: 'orders-db',
      timeout: 250,
      ttl: 5000,
      failureTtl: 1000,
      interval: 2000,
      maxStale: 9000,
      critical: false,
      probes: ['readiness', 'startup'],
      query: 'SELECT 2',
      secrets: ['x'],
      labels: { kind: 'primary' },
    });
    expect(Object.keys(check).sort()).toEqual(
      [
        'check',
        'critical',
        'dependency',
        'failureTtl',
        'interval',
        'maxStale',
        'name',
        'probes',
        'timeout',
        'ttl',
      ].sort(),
    );
    // And core accepts them as they are.
    expect(() => createHealth({ checks: [check], logger: false })).not.toThrow();
  });

  it('core refuses a dependency check on liveness (a downstream blip must not restart every replica)', () => {
    try {
      createHealth({ checks: [postgresCheck(fakePool, { probes: ['liveness'] })], logger: false });
      expect.unreachable();
    } catch (error) {
      expect(isHealthError(error) && error.code).toBe('HEALTH_DEPENDENCY_ON_LIVENESS');
    }
    expect(() =>
      createHealth({
        checks: [
          eventLoopDelayCheck({ probes: ['liveness'] }),
          pingCheck(() => true, { name: 'local', dependency: false, probes: ['liveness'] }),
        ],
        logger: false,
      }),
    ).not.toThrow();
  });

  it('reject nonsense thresholds at setup', () => {
    expect(() => eventLoopDelayCheck({ percentile: 0 })).toThrow(/option "percentile"/);
    expect(() => eventLoopDelayCheck({ resolution: 0 })).toThrow(/option "resolution"/);
  });
});

describe('setup errors', () => {
  it('are coded HealthErrors naming the option', () => {
    const cases: [string, () => unknown][] = [
      ['name', () => pingCheck(() => 1, {} as never)],
      ['url', () => httpCheck('not a url')],
      ['threshold', () => heapCheck({ threshold: 2 })],
      ['maxBytes', () => rssCheck({ maxBytes: -1 })],
      ['minFreeRatio', () => diskSpaceCheck('/', { minFreeRatio: 1.5 })],
      ['resolution', () => eventLoopDelayCheck({ resolution: 0 })],
    ];
    for (const [option, make] of cases) {
      expect(make).toThrow(
        expect.objectContaining({
          name: 'HealthError',
          code: 'HEALTH_INVALID_OPTION',
          message: expect.stringContaining(`option "${option}"`),
        }),
      );
    }
  });

  it('eventLoopDelayCheck can be disposed (clears its timer)', () => {
    const check = eventLoopDelayCheck();
    expect(typeof check.dispose).toBe('function');
    check.dispose?.();
  });
});

describe('pingCheck', () => {
  it('is UP when the ping resolves, DOWN on false, a throw or a hang — never crashing the probe', async () => {
    const app = await startApp([
      pingCheck(
        async ({ signal }) => {
          expect(signal).toBeInstanceOf(AbortSignal);
        },
        { name: 'ok', ttl: 0, labels: { kind: 'test', replica: 2 } },
      ),
      pingCheck(() => false, { name: 'false', ttl: 0 }),
      pingCheck(
        () => {
          throw new Error(
            "Can't reach database server at `db.internal:5432` as admin:hunter2@db.internal",
          );
        },
        { name: 'throws', ttl: 0, secrets: ['hunter2'] },
      ),
      pingCheck(() => new Promise(() => {}), { name: 'hangs', ttl: 0, timeout: 200 }),
    ]);
    try {
      const { status, checks, ms } = await app.details();
      expect(status).toBe(503);
      expect(ms).toBeLessThan(200 + SLACK);
      expect(checks.map((c) => [c.name, c.status])).toEqual([
        ['ok', 'UP'],
        ['false', 'DOWN'],
        ['throws', 'DOWN'],
        ['hangs', 'DOWN'],
      ]);
      expect(checks[0]?.details).toEqual({
        kind: 'test',
        replica: 2,
        latencyMs: expect.any(Number),
      });
      expect(checks[1]?.message).toBe('false failed: ping returned false');
      expect(checks[2]?.message).not.toMatch(/hunter2|db\.internal|5432/);
      expect(checks[3]).toMatchObject({ timedOut: true });
      expect((await app.probe()).body).toBe('{"status":"DOWN"}');
    } finally {
      await app.close();
    }
  });
});

describe('safeMessage / scrub', () => {
  it('turns known network codes into words (no address)', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), {
      code: 'ECONNREFUSED',
    });
    expect(safeMessage(error)).toBe('connection refused (ECONNREFUSED)');
    const fetchError = new TypeError('fetch failed', {
      cause: Object.assign(new Error('getaddrinfo ENOTFOUND api.internal'), { code: 'ENOTFOUND' }),
    });
    expect(safeMessage(fetchError)).toBe('host name not found (ENOTFOUND)');
    const aggregate = Object.assign(
      new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], ''),
      {},
    );
    expect(safeMessage(aggregate)).toBe('connection refused (ECONNREFUSED)');
  });

  it('removes URLs, addresses, host:port, key=value secrets and the given secrets', () => {
    expect(scrub('failed postgres://app:s3cret@db.prod:5432/orders now')).toBe(
      'failed postgres://*** now',
    );
    expect(scrub('no route to 10.1.2.3:6379 or [fe80::1]:5432 or 2001:db8::7')).toBe(
      'no route to *** or *** or ***',
    );
    expect(scrub('timeout talking to cache-01.internal:6380')).toBe('timeout talking to ***');
    expect(scrub('bad config password=hunter2; token: abc')).toBe(
      'bad config password=***; token: ***',
    );
    expect(scrub('password authentication failed for user "u_ab12cd"', ['u_ab12cd'])).toBe(
      'password authentication failed for user "***"',
    );
    expect(
      scrub('Access denied for user app@db-primary', [
        'mysql://app:pw-long-secret@db-primary:3306/app',
      ]),
    ).toBe('Access denied for user ***@***');
    // Short secrets only as whole words: "db" must not eat "dbms".
    expect(scrub('dbms says db is down', ['db'])).toBe('dbms says *** is down');
    // Times and plain words survive.
    expect(scrub('query canceled at 12:30:45 after 500 ms')).toBe(
      'query canceled at 12:30:45 after 500 ms',
    );
  });

  it('never shows a stack trace or a non-Error value', () => {
    expect(safeMessage('plain string')).toBe('plain string');
    expect(safeMessage(null)).toBe('failed with a non-Error value (null)');
    expect(safeMessage(new Error('x'.repeat(1000))).length).toBeLessThanOrEqual(300);
  });
});
