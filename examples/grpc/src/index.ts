/**
 * The gRPC example's pieces, for its main.ts and its tests: the Greeter definition and a server
 * with the business RPC and grpc.health.v1 answered by one Health instance.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { Health } from '@health/core';
import { addHealthService, type GrpcHealth, PROTO_LOADER_OPTIONS } from '@health/grpc';

export const GREETER_PROTO = fileURLToPath(new URL('../proto/greeter.proto', import.meta.url));

/** `example.Greeter`, loaded like any grpc-js service. */
export const greeterDefinition = loadSync(GREETER_PROTO, PROTO_LOADER_OPTIONS)[
  'example.Greeter'
] as grpc.ServiceDefinition;

export function buildServer(health: Health): { server: grpc.Server; grpcHealth: GrpcHealth } {
  const server = new grpc.Server();
  server.addService(greeterDefinition, {
    SayHello(
      call: grpc.ServerUnaryCall<{ name: string }, unknown>,
      callback: grpc.sendUnaryData<{ message: string }>,
    ) {
      callback(null, { message: `Hello, ${call.request.name || 'world'}` });
    },
  });
  // grpc.health.v1 from the same Health the HTTP probes would use; `example.Greeter` answers as
  // readiness. Shutdown: after the drain, Watch streams end, in-flight calls finish, then exit.
  const grpcHealth = addHealthService(server, health, {
    services: { 'example.Greeter': 'readiness' },
  });
  return { server, grpcHealth };
}
