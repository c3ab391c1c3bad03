/** @health/nestjs as its README shows: `HealthModule.forRoot({ checks, shutdown })` on the Express platform. */

import { HealthModule } from '@health/nestjs';
import { Module } from '@nestjs/common';
import { cacheMs, countedCheck, drainMs } from './common.js';
import { AppController, bootstrap } from './nest-app.js';

@Module({
  imports: [
    HealthModule.forRoot({
      checks: [{ name: 'dependency', check: countedCheck, ttl: cacheMs }],
      shutdown: { signals: ['SIGTERM'], drainDelay: drainMs },
      logger: false,
      // Readiness is manual by default (STARTING until markReady()); the bench probes a ready app.
      readyOnBootstrap: true,
    }),
  ],
  controllers: [AppController],
})
class AppModule {}

await bootstrap(AppModule, { shutdownHooks: false });
