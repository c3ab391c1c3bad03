import { describe, expect, it } from 'vitest';
import {
  createHealth,
  isHealthError,
  LIFECYCLE_STATES,
  type LifecycleState,
  PROBES,
  STATUS_TABLE,
  type StateChange,
} from '../src/index.js';

// The source document's table, restated independently of src/state.ts.
const EXPECTED: Record<LifecycleState, [number, number, number, number]> = {
  //          readiness liveness health startup
  STARTING: [503, 200, 503, 503],
  UP: [200, 200, 200, 200],
  STOPPING: [503, 200, 503, 200],
  DOWN: [503, 503, 503, 503],
  ERRORED: [500, 500, 500, 500],
};

function healthIn(state: LifecycleState) {
  const health = createHealth({ logger: false });
  if (state === 'UP') health.markReady();
  if (state === 'STOPPING' || state === 'DOWN') health.transition('STOPPING');
  if (state === 'DOWN') health.transition('DOWN');
  if (state === 'ERRORED') health.markErrored(new Error('boom'));
  return health;
}

describe('status table', () => {
  for (const state of LIFECYCLE_STATES) {
    for (const [index, probe] of (
      ['readiness', 'liveness', 'health', 'startup'] as const
    ).entries()) {
      it(`${state} × ${probe} → ${EXPECTED[state][index]}`, async () => {
        expect(STATUS_TABLE[state][probe]).toBe(EXPECTED[state][index]);
        const health = healthIn(state);
        expect(health.state).toBe(state);
        const evaluation = await health.evaluate(probe);
        expect(evaluation.status).toBe(EXPECTED[state][index]);
      });
    }
  }

  it('covers every state and probe', () => {
    expect(Object.keys(STATUS_TABLE).sort()).toEqual([...LIFECYCLE_STATES].sort());
    for (const state of LIFECYCLE_STATES)
      expect(Object.keys(STATUS_TABLE[state]).sort()).toEqual([...PROBES].sort());
  });
});

describe('lifecycle', () => {
  it('starts in STARTING, or UP with startReady', () => {
    expect(createHealth({ logger: false }).state).toBe('STARTING');
    expect(createHealth({ logger: false, startReady: true }).state).toBe('UP');
  });

  it('reports every transition in order, with reason and error', () => {
    const health = createHealth({ logger: false });
    const changes: StateChange[] = [];
    health.onStateChange((change) => changes.push(change));
    health.markReady();
    const fault = new Error('disk on fire');
    health.markErrored(fault);
    health.transition('STOPPING', 'SIGTERM');
    health.transition('DOWN');
    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual([
      'STARTING->UP',
      'UP->ERRORED',
      'ERRORED->STOPPING',
      'STOPPING->DOWN',
    ]);
    expect(changes[1]?.error).toBe(fault);
    expect(changes[2]?.reason).toBe('SIGTERM');
    expect(typeof changes[0]?.at).toBe('number');
  });

  it('rejects invalid transitions with a clear error', () => {
    const health = createHealth({ logger: false });
    health.markReady();
    let error: unknown;
    try {
      health.transition('STARTING');
    } catch (caught) {
      error = caught;
    }
    expect(isHealthError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('HEALTH_INVALID_TRANSITION');
    expect((error as Error).message).toMatch(/cannot move from UP to STARTING/);
    health.transition('STOPPING');
    health.transition('DOWN');
    expect(() => health.transition('UP')).toThrow(/cannot move from DOWN to UP/);
  });

  it('ignores markReady once shutdown began, and same-state transitions', () => {
    const health = createHealth({ logger: false });
    health.transition('STOPPING');
    expect(health.markReady()).toBe(false);
    expect(health.state).toBe('STOPPING');
    expect(() => health.transition('STOPPING')).not.toThrow();
  });

  it('unsubscribes listeners, and a throwing listener does not break transitions', () => {
    const health = createHealth({ logger: false });
    const seen: string[] = [];
    const off = health.onStateChange((c) => seen.push(c.to));
    health.onStateChange(() => {
      throw new Error('listener bug');
    });
    health.markReady();
    off();
    health.transition('STOPPING');
    expect(seen).toEqual(['UP']);
    expect(health.state).toBe('STOPPING');
  });
});
