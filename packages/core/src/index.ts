/**
 * @health/core — the pure core of @health: lifecycle state, check engine, status table,
 * response bodies, the framework-agnostic HTTP seam and graceful shutdown. Zero dependencies.
 */
export { deliver, type RoutedRequestLike, routedRequest } from './adapter.js';
export type {
  CheckContext,
  CheckDefinition,
  CheckDetails,
  CheckFunction,
  CheckOutcome,
  CheckReturn,
} from './checks.js';
export { CHECK_DEFAULTS } from './checks.js';
export type { CheckResult } from './engine.js';
export type { HealthError, HealthErrorCode } from './errors.js';
export { isHealthError } from './errors.js';
export {
  createHealth,
  type Health,
  type HealthInput,
  isHealth,
  resolveHealth,
  type ShutdownHook,
} from './health.js';
export type { HealthLogger } from './logger.js';
export { silentLogger } from './logger.js';
export type {
  HealthOptions,
  HealthPaths,
  HealthRequest,
  ProbeTiming,
  ShutdownOptions,
  ShutdownSignal,
  Visibility,
} from './options.js';
export { DEFAULT_PATHS, drainDelayMs, SHUTDOWN_DEFAULTS } from './options.js';
export { isPending } from './pending.js';
export { redact } from './redact.js';
export type { BodyFormat, Exposure, HealthResponse, ProbeEvaluation } from './response.js';
export { headersFor } from './response.js';
export type { NodeServerLike } from './server.js';
export type { CheckProbe, LifecycleState, Probe, ProbeStatus, StateChange } from './state.js';
export { LIFECYCLE_STATES, PROBES, STATUS_TABLE, TRANSITIONS } from './state.js';
