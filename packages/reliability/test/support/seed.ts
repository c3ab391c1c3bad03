/**
 * One seed for every property-based test. Fixed by default so a CI run is reproducible and cannot
 * go red on a draw nobody can replay; `FUZZ_SEED=random` (or a number) explores new inputs and
 * `FUZZ_SCALE=10` draws 10× more. Tests print the seed; fast-check prints it with a counterexample.
 */
import fc from 'fast-check';

export const SEED =
  process.env.FUZZ_SEED === 'random'
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.FUZZ_SEED ?? 20_261_126);
export const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
if (!Number.isSafeInteger(SEED) || !(SCALE > 0)) {
  throw new Error('FUZZ_SEED must be an integer or "random", FUZZ_SCALE a positive number');
}
fc.configureGlobal({ seed: SEED });

/** `n` runs, scaled by FUZZ_SCALE. */
export const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));
