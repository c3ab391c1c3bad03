/**
 * The NestJS example service, as a pure function of its dependencies: one business route that
 * reads from the database the service holds, and the probes served by @health/nestjs's HealthModule.
 * Every injection names its token (`@Inject(DB)`): tsx/esbuild emit no decorator metadata.
 */
import type { Database } from '@health/example-shared-checks';
import { serviceChecks } from '@health/example-shared-checks';
import { HealthModule } from '@health/nestjs';
import {
  Controller,
  Get,
  Global,
  Header,
  type INestApplication,
  Inject,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { register } from 'prom-client';

export const DB = Symbol('DB');

export interface AppOptions {
  db: Database;
  /** `express` (default) or `fastify`. */
  platform?: 'express' | 'fastify';
  /** Milliseconds readiness fails before the server closes on shutdown. */
  drainDelay?: number;
}

@Controller('api')
class GreetingController {
  constructor(@Inject(DB) private readonly db: Database) {}

  @Get('greeting')
  async greeting(): Promise<{ greeting: string; postgres: string }> {
    const result = (await this.db.query(
      "SELECT 'Hello from NestJS' AS greeting, current_setting('server_version') AS postgres",
    )) as { rows: { greeting: string; postgres: string }[] };
    return result.rows[0] as { greeting: string; postgres: string };
  }
}

/** Prometheus scrapes prom-client's registry (main.ts put @health/metrics on it), on either platform. */
@Controller('metrics')
class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}

export async function buildApp({
  db,
  platform = 'express',
  drainDelay = 5_000,
}: AppOptions): Promise<INestApplication> {
  /** Provides the database and closes it in Nest's last shutdown hook, after the server closed. */
  @Global()
  @Module({ providers: [{ provide: DB, useValue: db }], exports: [DB] })
  class DatabaseModule implements OnApplicationShutdown {
    async onApplicationShutdown(): Promise<void> {
      await db.close();
    }
  }

  @Module({
    imports: [
      DatabaseModule,
      // The shared checks, built from the injected database provider.
      HealthModule.forRootAsync({
        inject: [DB],
        useFactory: (database: Database) => ({
          checks: serviceChecks({ db: database }),
          // SIGTERM: readiness 503 -> drain (the load balancer stops routing here) -> close -> exit 0.
          shutdown: { signals: true, drainDelay },
          // main.ts calls markReady() after listen + database open + warm-up, not on bootstrap.
          readyOnBootstrap: false,
        }),
      }),
    ],
    controllers: [GreetingController, MetricsController],
  })
  class AppModule {}

  const adapter =
    platform === 'fastify'
      ? new (await import('@nestjs/platform-fastify')).FastifyAdapter()
      : new (await import('@nestjs/platform-express')).ExpressAdapter();
  return NestFactory.create(AppModule, adapter, { logger: ['error', 'warn'] });
}
