/**
 * The lifecycle state model and the status-code table: the single source of truth for
 * which HTTP status every probe answers in every state (see DESIGN.md, "The state model").
 */

/** The process lifecycle. `ERRORED` is an unrecoverable internal fault. */
export type LifecycleState = 'STARTING' | 'UP' | 'STOPPING' | 'DOWN' | 'ERRORED';

/** The probe endpoints an orchestrator can call. `health` is the single combined endpoint. */
export type Probe = 'readiness' | 'liveness' | 'health' | 'startup';

/** Which probes a check can be registered on (`health` combines readiness and liveness). */
export type CheckProbe = 'readiness' | 'liveness' | 'startup';

export type ProbeStatus = 200 | 500 | 503;

export const LIFECYCLE_STATES = ['STARTING', 'UP', 'STOPPING', 'DOWN', 'ERRORED'] as const;
export const PROBES = ['readiness', 'liveness', 'health', 'startup'] as const;

/**
 * The status each probe answers in each state, before checks are considered. While the
 * entry is 200, the probe's critical checks can still turn it into 503. Exhaustive by
 * construction: a new state or probe without a row fails the type-check.
 */
export const STATUS_TABLE = {
  STARTING: { readiness: 503, liveness: 200, health: 503, startup: 503 },
  UP: { readiness: 200, liveness: 200, health: 200, startup: 200 },
  STOPPING: { readiness: 503, liveness: 200, health: 503, startup: 200 },
  DOWN: { readiness: 503, liveness: 503, health: 503, startup: 503 },
  ERRORED: { readiness: 500, liveness: 500, health: 500, startup: 500 },
} as const satisfies Record<LifecycleState, Record<Probe, ProbeStatus>>;

/** Allowed transitions. Everything else is a programming error and throws. */
export const TRANSITIONS = {
  STARTING: ['UP', 'STOPPING', 'ERRORED'],
  UP: ['STOPPING', 'ERRORED'],
  STOPPING: ['DOWN', 'ERRORED'],
  ERRORED: ['STOPPING', 'DOWN'],
  DOWN: [],
} as const satisfies Record<LifecycleState, readonly LifecycleState[]>;

/** Which registered checks a probe evaluates. */
export const PROBE_CHECKS = {
  readiness: ['readiness'],
  liveness: ['liveness'],
  health: ['readiness', 'liveness'],
  startup: ['startup'],
} as const satisfies Record<Probe, readonly CheckProbe[]>;

export interface StateChange {
  from: LifecycleState;
  to: LifecycleState;
  /** `Date.now()` of the transition. */
  at: number;
  /** Why the state changed (a signal name, `"ready"`, an error message...). */
  reason?: string;
  /** The error passed to `markErrored`, if any. */
  error?: unknown;
}
