// The helpers adapters build on: one way to take options, map a routed request, write an answer.
import { describe, expect, it } from 'vitest';
import {
  createHealth,
  deliver,
  type HealthResponse,
  isHealthError,
  resolveHealth,
  routedRequest,
} from '../src/index.js';

describe('resolveHealth', () => {
  it('takes an instance, { health: instance }, or options', () => {
    const health = createHealth({ logger: false });
    expect(resolveHealth(health)).toBe(health);
    expect(resolveHealth({ health })).toBe(health);
    const made = resolveHealth({ logger: false, startReady: true });
    expect(made).not.toBe(health);
    expect(made.state).toBe('UP');
    expect(resolveHealth(undefined).state).toBe('STARTING');
  });

  it('refuses an instance with other options, or a non-instance, naming the adapter', () => {
    const health = createHealth({ logger: false });
    let thrown: unknown;
    try {
      resolveHealth({ health, startReady: true, checks: [] }, '@health/x');
    } catch (error) {
      thrown = error;
    }
    expect(isHealthError(thrown)).toBe(true);
    expect((thrown as Error).message).toBe(
      '@health/x: option "health" (an instance) excludes the other health options (got startReady, checks): pass one or the other',
    );
    expect(() => resolveHealth({ health: { state: 'UP' } as never })).toThrow(
      '@health/core: option "health" must be an instance from createHealth()',
    );
  });
});

describe('routedRequest', () => {
  it("uses the route's probe path and the URL's query, whatever the mount prefix", () => {
    const headers = { accept: 'application/json' };
    expect(
      routedRequest('/health/ready', {
        method: 'HEAD',
        url: '/ops/health/ready?verbose=1',
        headers,
        socket: { remoteAddress: '127.0.0.1' },
      }),
    ).toEqual({
      method: 'HEAD',
      path: '/health/ready?verbose=1',
      headers,
      remoteAddress: '127.0.0.1',
    });
    expect(routedRequest('/health', { headers: {} })).toEqual({
      method: 'GET',
      path: '/health',
      headers: {},
      remoteAddress: undefined,
    });
  });

  it("passes the framework's parsed query as it is (core does not re-parse it) and the protocol", async () => {
    const query = { exclude: ['a', 'b'], verbose: '' };
    const request = routedRequest('/health/ready', {
      method: 'GET',
      url: '/ops/health/ready?exclude=a&exclude=b&verbose',
      headers: {},
      query,
      raw: { httpVersionMajor: 2 },
    });
    expect(request).toMatchObject({
      path: '/health/ready?exclude=a&exclude=b&verbose',
      query,
      httpVersionMajor: 2,
    });
    const health = createHealth({
      logger: false,
      startReady: true,
      showDetails: 'always',
      checks: ['a', 'b', 'c'].map((name) => ({ name, check: () => true })),
    });
    const answer = await health.handle(request);
    expect(answer?.headers['content-type']).toMatch(/^text\/plain/);
    expect(answer?.body).toContain('[+]c ok');
    expect(answer?.body).toContain('[+]a excluded: ok');
    health.close();
  });
});

describe('deliver', () => {
  const ok: HealthResponse = { status: 200, headers: {}, body: '{"status":"UP"}' };
  const write = (log: HealthResponse[], response: HealthResponse) => log.push(response);

  it('writes a cached answer synchronously and returns what write returns', () => {
    const log: HealthResponse[] = [];
    expect(deliver(ok, write, log)).toBe(1);
    expect(log).toEqual([ok]);
  });

  it('writes a pending answer when it settles, and a 500 should it reject', async () => {
    const log: HealthResponse[] = [];
    const pending = deliver(Promise.resolve(ok), write, log);
    expect(log).toEqual([]);
    await pending;
    expect(log).toEqual([ok]);
    await deliver(Promise.reject(new Error('boom')), write, log);
    expect(log[1]).toMatchObject({ status: 500, body: '{"status":"DOWN"}' });
    expect(log[1]?.headers['cache-control']).toBe('no-store');
  });
});
