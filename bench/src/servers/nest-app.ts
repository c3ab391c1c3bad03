/**
 * What every Nest scenario starts from (Express platform, logger off): the app routes controller
 * and a bootstrap that listens on 127.0.0.1:0 with Nest's shutdown hooks enabled for SIGTERM.
 */
import 'reflect-metadata';
import { Controller, Get, Header, type INestApplication, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { announce, HOST, portOf } from './common.js';

@Controller('app')
export class AppController {
  @Get('ok')
  @Header('content-type', 'text/plain')
  ok(): string {
    return 'ok';
  }

  @Get('slow')
  @Header('content-type', 'text/plain')
  async slow(@Query('ms') ms?: string): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, Math.min(Number(ms ?? 0), 10_000)));
    return 'slow';
  }
}

export async function bootstrap(
  module: unknown,
  options: { shutdownHooks?: boolean } = {},
): Promise<INestApplication> {
  // biome-ignore lint/suspicious/noExplicitAny: any module class
  const app = await NestFactory.create(module as any, { logger: false, abortOnError: false });
  if (options.shutdownHooks !== false) app.enableShutdownHooks(['SIGTERM']);
  await app.listen(0, HOST);
  announce({ port: portOf(app.getHttpServer().address()) });
  return app;
}
