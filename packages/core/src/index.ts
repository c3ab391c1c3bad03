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
  CheckReturn,
} from './checks.js';
export { CHECK_DEFAULTS } from './checks.js';
export type { CheckDescription, HealthDescription } from './describe.js';
export type { CheckResult } from './engine.js';
export type { HealthError, HealthErrorCode } from './errors.js';
export { isHealthError, optionError } from './errors.js';
export type { EvaluationTarget, HealthOutcome, ProbeEvaluation } from './evaluate.js';
export type { GroupOptions, StatusCodes } from './groups.js';
export { DEFAULT_STATUS_CODES } from './groups.js';
export {
  createHealth,
  type Health,
  type HealthInput,
  type HealthSnapshot,
  isHealth,
  resolveHealth,
  type ServerCloser,
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
export { DEFAULT_PATHS, drainDelayMs, PROBE_DEADLINE, SHUTDOWN_DEFAULTS } from './options.js';
export { type CheckOutcome, down, isCheckOutcome, up } from './outcome.js';
export { isPending } from './pending.js';
export { redact } from './redact.js';
export type { CheckChange, CheckSnapshot } from './registry.js';
export type { BodyFormat, Exposure, HealthResponse, StreamSink } from './response.js';
export { headersFor, METHOD_NOT_ALLOWED } from './response.js';
export type { ExtensionRoute, HealthRoute, RouteInfo } from './router.js';
export type { NodeServerLike } from './server.js';
export type { CheckProbe, LifecycleState, Probe, ProbeStatus, StateChange } from './state.js';
export { LIFECYCLE_STATES, PROBES, STATUS_TABLE, TRANSITIONS } from './state.js';
export { CHECK_CHANNEL, type CheckRunContext } from './tracing.js';
