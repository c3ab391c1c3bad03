/** The 95 % intervals and verdicts the throughput report is judged by (no load, pure functions). */
import { describe, expect, it } from 'vitest';
import { pairedInterval, verdict } from '../src/report/targets.js';
import { interval, relativeHalfWidth, roundsFor, tQuantile975 } from '../src/stats.js';
import type { ThroughputSample } from '../src/suites/throughput.js';

describe('interval', () => {
  it('is the t-interval of the mean of per-round values', () => {
    // mean 1, sample sd 0.1 (n = 4): half-width t(3) · 0.1 / 2
    const ci = interval([0.9, 1.1, 0.9, 1.1]);
    expect(ci.n).toBe(4);
    expect(ci.mean).toBeCloseTo(1, 12);
    const half = (3.182 * Math.sqrt((0.1 ** 2 * 4) / 3)) / 2;
    expect(ci.high - ci.mean).toBeCloseTo(half, 9);
    expect(ci.mean - ci.low).toBeCloseTo(half, 9);
    expect(relativeHalfWidth(ci)).toBeCloseTo(half, 9);
  });

  it('has no width from one round, and ignores non-finite values', () => {
    expect(interval([1.2])).toMatchObject({ mean: 1.2, n: 1 });
    expect(Number.isNaN(interval([1.2]).low)).toBe(true);
    expect(interval([1, Number.NaN, 1]).n).toBe(2);
    expect(interval([]).n).toBe(0);
  });

  it('uses Student t quantiles, tending to 1.96', () => {
    expect(tQuantile975(1)).toBe(12.706);
    expect(tQuantile975(9)).toBe(2.262);
    expect(tQuantile975(120)).toBeCloseTo(1.98, 2);
  });
});

describe('verdict', () => {
  const ci = (low: number, high: number) => ({ mean: (low + high) / 2, low, high, n: 5 });
  it('is met only when the lower bound clears the target', () => {
    expect(verdict(ci(0.99, 1.03), 0.98)).toBe('met');
    expect(verdict(ci(0.97, 1.01), 0.98)).toBe('not shown');
    expect(verdict(ci(0.9, 0.97), 0.98)).toBe('missed');
    expect(verdict(ci(1, 1.1), 1, true)).toBe('not shown');
    expect(verdict(undefined, 1)).toBe('n/a');
  });
});

describe('pairedInterval', () => {
  const s = (round: number, rps: number): ThroughputSample => ({
    round,
    rps,
    p50Us: 1,
    p99Us: 1,
    non2xx: 0,
    socketErrors: 0,
    cpuUs: 1e6 / rps,
  });
  it('pairs samples by round and skips rounds one side lacks', () => {
    const ci = pairedInterval(
      [s(0, 100), s(1, 200), s(2, 50)],
      [s(0, 100), s(1, 100)],
      (a, b) => a.rps / b.rps,
    );
    expect(ci.n).toBe(2);
    expect(ci.mean).toBeCloseTo(1.5, 12);
  });
});

describe('roundsFor', () => {
  it('scales the rounds by the square of the width ratio', () => {
    // ±4 % from 5 rounds: ±2 % needs about 4× the rounds
    expect(roundsFor({ mean: 1, low: 0.96, high: 1.04, n: 5 }, 0.02)).toBe(20);
    expect(roundsFor({ mean: 1, low: 0.99, high: 1.01, n: 5 }, 0.02)).toBe(2);
    expect(Number.isNaN(roundsFor({ mean: 1, low: Number.NaN, high: Number.NaN, n: 1 }))).toBe(
      true,
    );
  });
});
