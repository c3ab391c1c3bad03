// @nestjs/terminus wiring shared by the terminus interop tests of every Nest major: in the
// nestjs-v11 project '@nestjs/terminus' (like '@nestjs/common') resolves to the v11 packages.
import type { CheckDefinition, Health } from '@health/core';
import { HEALTH, HealthModule } from '@health/nestjs';
import { Controller, Get, Inject, type ModuleMetadata, type Type } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  type HealthIndicatorFunction,
  HealthIndicatorService,
  TerminusModule,
} from '@nestjs/terminus';

/**
 * HealthModule whose checks are terminus indicators (fromTerminusIndicator): `checks` gets
 * terminus's HealthIndicatorService and the `inject`ed providers (from `imports`). Details are
 * always shown, so tests can see what terminus reported.
 */
export function healthFromTerminus<Deps extends unknown[]>(setup: {
  imports?: NonNullable<ModuleMetadata['imports']>;
  inject: { [K in keyof Deps]: Type<Deps[K]> };
  checks: (indicators: HealthIndicatorService, ...deps: Deps) => CheckDefinition[];
}) {
  return HealthModule.forRootAsync({
    imports: [TerminusModule, ...(setup.imports ?? [])],
    inject: [HealthIndicatorService, ...setup.inject],
    useFactory: (indicators: HealthIndicatorService, ...deps: Deps) => ({
      logger: false,
      readyOnBootstrap: true,
      showDetails: 'always' as const,
      checks: setup.checks(indicators, ...deps),
    }),
  });
}

/**
 * An app with `health` mounted and a terminus endpoint, `GET /terminus`, that runs terminus's
 * HealthCheckService.check() over `indicators` (toTerminusIndicator): @health checks inside
 * terminus, through the injected HEALTH instance.
 */
export function withTerminusRoute(
  health: Health,
  indicators: (injected: Health) => HealthIndicatorFunction[],
): ModuleMetadata {
  @Controller('terminus')
  class TerminusController {
    constructor(
      @Inject(HealthCheckService) private readonly terminus: HealthCheckService,
      @Inject(HEALTH) private readonly health: Health,
    ) {}

    @Get()
    @HealthCheck()
    check() {
      return this.terminus.check(indicators(this.health));
    }
  }
  return {
    imports: [HealthModule.forRoot({ health }), TerminusModule.forRoot({ logger: false })],
    controllers: [TerminusController],
  };
}
