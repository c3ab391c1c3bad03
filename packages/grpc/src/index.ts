/**
 * @health/grpc — the standard grpc.health.v1.Health service (Check, Watch, List) on
 * `@grpc/grpc-js`, answered by the same @health/core instance as the HTTP probes.
 */
export {
  HEALTH_PROTO_PATH,
  HEALTH_SERVICE_NAME,
  type HealthMethodDefinition,
  type HealthServiceDefinition,
  healthServiceDefinition,
  PROTO_LOADER_OPTIONS,
} from './proto.js';
export {
  addHealthService,
  createGrpcHealth,
  type GrpcHealth,
  type GrpcHealthOptions,
  type GrpcServerLike,
  type ServingStatus,
} from './service.js';
