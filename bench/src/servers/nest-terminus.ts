/**
 * @nestjs/terminus 12 as its docs show: `TerminusModule.forRoot()`, a controller with
 * `@HealthCheck()` calling `HealthCheckService.check([...])` with an indicator built from
 * `HealthIndicatorService.check(key).up()`; Nest's shutdown hooks on SIGTERM.
 */
import { Controller, Get, Module } from '@nestjs/common';
// biome-ignore lint/style/useImportType: Nest injects these by class (constructor parameter metadata)
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TerminusModule,
} from '@nestjs/terminus';
import { countedCheck, drainMs } from './common.js';
import { AppController, bootstrap } from './nest-app.js';

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('dependency');
        await countedCheck();
        return indicator.up();
      },
    ]);
  }
}

@Module({
  imports: [TerminusModule.forRoot({ gracefulShutdownTimeoutMs: drainMs })],
  controllers: [AppController, HealthController],
})
class AppModule {}

await bootstrap(AppModule);
