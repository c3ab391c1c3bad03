/**
 * @health/nestjs — @health for NestJS: a global `HealthModule` serving the probes on the Express
 * and Fastify platforms, wired to Nest's lifecycle, plus two-way @nestjs/terminus interop.
 */
export {
  HEALTH,
  HealthModule,
  type HealthModuleAsyncOptions,
  type HealthModuleOptions,
  type HealthNestOptions,
} from './module.js';
export {
  fromTerminusIndicator,
  type TerminusIndicator,
  type TerminusIndicatorResult,
  toTerminusIndicator,
} from './terminus.js';
