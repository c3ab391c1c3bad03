/**
 * Evaluating a probe or a group: the lifecycle table first, then (where it says 200) the checks in
 * parallel, bounded by one deadline for the whole answer, and the outcome mapped to a status code.
 */
import type { CheckResult, CheckRunner } from './engine.js';
import type { ResolvedStatusCodes } from './groups.js';
import { isPending } from './pending.js';
import type { LifecycleState, ProbeStatus } from './state.js';

/** UP: every check passes; DEGRADED: only non-critical ones fail; DOWN: a critical one fails (or the lifecycle says so). */
export type HealthOutcome = 'UP' | 'DEGRADED' | 'DOWN';

export interface ProbeEvaluation {
  /** The probe (`readiness`, …), the group, or `<probe>/<check>` for a per-check route. */
  readonly probe: string;
  readonly state: LifecycleState;
  /** The HTTP status to answer with. */
  readonly status: number;
  readonly outcome: HealthOutcome;
  readonly results: readonly CheckResult[];
  /** Checks left out by `?exclude=`. */
  readonly excluded?: readonly string[];
  /** Notes for callers who may see details (e.g. an `exclude` that matched no check). */
  readonly warnings?: readonly string[];
}

/** What to evaluate: resolved once per route, so the hot path allocates nothing. */
export interface EvaluationTarget {
  readonly name: string;
  /** The lifecycle table's answer for the current state. */
  readonly base: ProbeStatus;
  readonly runners: readonly CheckRunner[];
  readonly codes: ResolvedStatusCodes;
}

export function evaluateTarget(
  target: EvaluationTarget,
  state: LifecycleState,
  deadline: number,
  exclude?: readonly string[],
): ProbeEvaluation | Promise<ProbeEvaluation> {
  const { name, base, codes } = target;
  let { runners } = target;
  let excluded: string[] | undefined;
  let warnings: string[] | undefined;
  if (exclude && exclude.length > 0) {
    excluded = [];
    for (const wanted of exclude) {
      if (runners.some((r) => r.check.name === wanted)) excluded.push(wanted);
      else {
        warnings ??= [];
        warnings.push(`exclude: no check named ${JSON.stringify(wanted)}; ignored`);
      }
    }
    runners = runners.filter((r) => !excluded?.includes(r.check.name));
  }
  const extra = { excluded, warnings };
  if (base !== 200 || runners.length === 0)
    return conclude(name, state, base, codes, [], base !== 200, extra);
  let pending = 0;
  const results: (CheckResult | Promise<CheckResult>)[] = new Array(runners.length);
  for (let i = 0; i < runners.length; i++) {
    const result = (runners[i] as CheckRunner).result();
    if (isPending(result)) pending++;
    results[i] = result;
  }
  if (pending === 0)
    return conclude(name, state, base, codes, results as CheckResult[], false, extra);
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(
        conclude(name, state, base, codes, results.map(orLate(runners, deadline)), false, extra),
      );
    };
    // One deadline for the whole answer: a check still running then counts as failed for this
    // answer only (its run goes on under its own timeout, shared with the next probe).
    const timer = setTimeout(finish, deadline);
    timer.unref?.();
    results.forEach((result, i) => {
      if (!isPending(result)) return;
      result.then((settled) => {
        results[i] = settled;
        if (--pending === 0) finish();
      });
    });
  });
}

function orLate(runners: readonly CheckRunner[], deadline: number) {
  return (result: CheckResult | Promise<CheckResult>, i: number): CheckResult => {
    if (!isPending(result)) return result;
    const { check } = runners[i] as CheckRunner;
    return {
      name: check.name,
      status: 'DOWN',
      critical: check.critical,
      duration: deadline,
      at: Date.now(),
      message: `still running at the probe deadline (${deadline} ms)`,
      timedOut: true,
    };
  };
}

function conclude(
  name: string,
  state: LifecycleState,
  base: ProbeStatus,
  codes: ResolvedStatusCodes,
  results: readonly CheckResult[],
  lifecycleDown: boolean,
  extra: { excluded: string[] | undefined; warnings: string[] | undefined },
): ProbeEvaluation {
  let outcome: HealthOutcome = lifecycleDown ? 'DOWN' : 'UP';
  for (const r of results) {
    if (r.status !== 'DOWN') continue;
    if (r.critical) {
      outcome = 'DOWN';
      break;
    }
    outcome = 'DEGRADED';
  }
  const status = lifecycleDown ? base : codes[outcome];
  const evaluation: { -readonly [K in keyof ProbeEvaluation]: ProbeEvaluation[K] } = {
    probe: name,
    state,
    status,
    outcome,
    results,
  };
  if (extra.excluded?.length) evaluation.excluded = extra.excluded;
  if (extra.warnings) evaluation.warnings = extra.warnings;
  return evaluation;
}
