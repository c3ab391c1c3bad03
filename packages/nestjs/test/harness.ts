// Real Nest apps (Express or Fastify platform) listening on 127.0.0.1:0, wired as the README says.
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { HealthModule, type HealthModuleOptions } from '@health/nestjs';
import { closeAfterEach, type MakeHarness } from '@health/test-utils';
import {
  Controller,
  Get,
  Header,
  type INestApplication,
  Module,
  type ModuleMetadata,
  Query,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';

export type Platform = 'express' | 'fastify';
export const PLATFORMS: readonly Platform[] = ['express', 'fastify'];

@Controller('app')
export class AppController {
  @Get('ok')
  @Header('content-type', 'text/plain')
  ok(): string {
    return 'ok';
  }

  @Get('slow')
  @Header('content-type', 'text/plain')
  async slow(@Query('ms') ms: string): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, Number(ms)));
    return 'slow';
  }
}

export interface RunningApp {
  app: INestApplication;
  baseUrl: string;
  close(): Promise<void>;
}

/** Boots `metadata` as the root module on `platform`, listening on 127.0.0.1:0. */
export async function boot(
  platform: Platform,
  metadata: ModuleMetadata,
  configure?: (app: INestApplication) => void,
): Promise<RunningApp> {
  @Module(metadata)
  class RootModule {}
  const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  const app = await NestFactory.create(RootModule, adapter, { logger: false, abortOnError: false });
  configure?.(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => {
      closed ??= app.close();
      return closed;
    },
  };
}

/** `boot`, with every app it starts closed after each test (registers the `afterEach` here). */
export function bootClosedAfterEach(): typeof boot {
  const track = closeAfterEach();
  return async (...args) => track(await boot(...args));
}

/** A conformance harness: the suite's health instance mounted through `HealthModule.forRoot`. */
export function nestHarness(platform: Platform, extra: HealthModuleOptions = {}): MakeHarness {
  return async ({ health, prefix }) =>
    boot(platform, {
      imports: [HealthModule.forRoot({ health, prefix, ...extra })],
      controllers: [AppController],
    });
}
