/**
 * The lifecycle state machine: `STARTING → UP → STOPPING → DOWN`, `ERRORED` on an unrecoverable
 * fault, only the moves `TRANSITIONS` allows, and `onStateChange` listeners.
 */
import { healthError } from './errors.js';
import type { HealthLogger } from './logger.js';
import { type LifecycleState, type StateChange, TRANSITIONS } from './state.js';

export class Lifecycle {
  current: LifecycleState;
  /** The process went through ERRORED at some point. */
  faulted = false;
  /** `Date.now()` at creation and when the state first became UP. */
  readonly startedAt = Date.now();
  readyAt: number | undefined;
  private readonly listeners = new Set<(change: StateChange) => void>();

  constructor(
    startReady: boolean,
    private readonly logger: HealthLogger,
    /** Core's own reaction, before any listener (shutdown marks responses `Connection: close`). */
    private readonly onEnter: (change: StateChange) => void,
  ) {
    this.current = startReady ? 'UP' : 'STARTING';
    if (startReady) this.readyAt = this.startedAt;
  }

  transition(to: LifecycleState, reason?: string, error?: unknown): void {
    const from = this.current;
    if (from === to) return;
    if (!(TRANSITIONS[from] as readonly LifecycleState[]).includes(to)) {
      throw healthError(
        'HEALTH_INVALID_TRANSITION',
        `@health/core: cannot move from ${from} to ${to} (allowed from ${from}: ${TRANSITIONS[from].join(', ') || 'none'})`,
      );
    }
    this.current = to;
    if (to === 'ERRORED') this.faulted = true;
    const change: StateChange = { from, to, at: Date.now() };
    if (to === 'UP') this.readyAt ??= change.at;
    if (reason !== undefined) change.reason = reason;
    if (error !== undefined) change.error = error;
    this.logger.info(`state ${from} -> ${to}${reason ? ` (${reason})` : ''}`);
    this.onEnter(change);
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (listenerError) {
        this.logger.error('a state change listener threw', { error: String(listenerError) });
      }
    }
  }

  onChange(listener: (change: StateChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
