// The NestJS gRPC microservice recipe (README): @nestjs/microservices with Transport.GRPC, the
// health service added to Nest's own grpc-js server through `onLoadPackageDefinition`, core owning
// the shutdown sequence (drain → Watch streams end → tryShutdown → Nest's app.close() as a hook).
import 'reflect-metadata';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { createHealth } from '@health/core';
import { Controller, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcMethod, type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { describe, expect, it } from 'vitest';
import { addHealthService, PROTO_LOADER_OPTIONS } from '../src/index.js';
import { healthClient } from './helpers.js';

const GREETER = fileURLToPath(new URL('./fixtures/greeter.proto', import.meta.url));
const closed: string[] = [];

@Injectable()
class Greetings implements OnModuleDestroy {
  greet(name: string) {
    return `Hello, ${name}`;
  }
  onModuleDestroy() {
    closed.push('Greetings.onModuleDestroy');
  }
}

@Controller()
class GreeterController {
  constructor(private readonly greetings: Greetings) {}

  @GrpcMethod('Greeter', 'SayHello')
  sayHello({ name }: { name: string }) {
    return { message: this.greetings.greet(name) };
  }
}

@Module({ controllers: [GreeterController], providers: [Greetings] })
class AppModule {}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

describe('NestJS gRPC microservice recipe', () => {
  it('serves grpc.health.v1 next to the Nest controllers and shuts down through core', async () => {
    const health = createHealth({
      logger: false,
      shutdown: { drainDelay: 400, serverCloseTimeout: 3_000 },
    });
    const url = `127.0.0.1:${await freePort()}`;
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(AppModule, {
      logger: false,
      transport: Transport.GRPC,
      options: {
        url,
        package: 'example',
        protoPath: GREETER,
        onLoadPackageDefinition: (_pkg, server) => addHealthService(server, health),
      },
    });
    health.onShutdown('nest', () => app.close());
    await app.listen();

    const client = healthClient(url);
    expect(await client.check('')).toBe('NOT_SERVING');
    expect(await client.check('liveness')).toBe('SERVING');
    const watch = client.watch('');
    await watch.next((s) => s === 'NOT_SERVING');
    health.markReady();
    await watch.next((s) => s === 'SERVING');

    const Greeter = grpc.makeGenericClientConstructor(
      loadSync(GREETER, PROTO_LOADER_OPTIONS)['example.Greeter'] as grpc.ServiceDefinition,
      'example.Greeter',
    );
    // biome-ignore lint/suspicious/noExplicitAny: generated client methods
    const greeter = new Greeter(url, grpc.credentials.createInsecure()) as any;
    const hello = () =>
      new Promise<string>((resolve, reject) =>
        greeter.SayHello({ name: 'Nest' }, (e: Error | null, r: { message: string }) =>
          e ? reject(e) : resolve(r.message),
        ),
      );
    expect(await hello()).toBe('Hello, Nest');

    const exit = health.shutdown('test');
    await watch.next((s, i) => s === 'NOT_SERVING' && i > 1);
    expect(await client.check('')).toBe('NOT_SERVING');
    expect(await client.check('liveness')).toBe('SERVING');
    expect(await hello()).toBe('Hello, Nest'); // still answered while draining
    expect((await watch.ended).code).toBe(grpc.status.OK);
    expect(await exit).toBe(0);
    expect(closed).toEqual(['Greetings.onModuleDestroy']);
    expect(health.state).toBe('DOWN');
    greeter.close();
    client.close();
  });
});
