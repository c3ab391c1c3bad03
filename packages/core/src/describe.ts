/**
 * `health.describe()`: the service's health configuration as JSON-safe data — what a probe and
 * shutdown timing check (`health doctor --from`) needs to compare against a manifest. Served on
 * `describePath` to loopback callers only: check names and timings are not for the public.
 */
import type { CheckProbe, LifecycleState, Probe } from './state.js';

export interface CheckDescription {
  readonly name: string;
  readonly probes: readonly CheckProbe[];
  readonly tags: readonly string[];
  readonly critical: boolean;
  readonly dependency: boolean;
  readonly timeout: number;
  readonly ttl: number;
  readonly interval?: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

export interface HealthDescription {
  readonly version: 1;
  readonly state: LifecycleState;
  /** `Date.now()` when the instance was created, and when it first became UP. */
  readonly startedAt: number;
  readonly readyAt?: number;
  /** Every path of each enabled probe. */
  readonly paths: Partial<Record<Probe, readonly string[]>>;
  readonly groups: Readonly<
    Record<string, { paths: readonly string[]; checks: readonly string[] }>
  >;
  readonly checks: readonly CheckDescription[];
  readonly probeDeadline: number;
  readonly shutdown: {
    readonly signals: readonly string[];
    readonly drainDelay: number;
    readonly serverCloseTimeout: number;
    readonly hookTimeout: number;
    readonly gracePeriod?: number;
  };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** The peer is this machine (the connection's address, never a forwarded header). */
export function isLoopback(remoteAddress: string | undefined): boolean {
  return remoteAddress !== undefined && LOOPBACK.test(remoteAddress);
}
