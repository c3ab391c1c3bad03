/**
 * The grpc.health.v1 service definition, loaded the way the gRPC ecosystem does it (grpc-node's own
 * `grpc-health-check`): `@grpc/proto-loader` over the official `health.proto` shipped in this
 * package. Loaded on first use, never at import.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSync } from '@grpc/proto-loader';

/** Runs as ESM (dist/index.js, src/*.ts) and as CJS (dist/index.cjs): both sit one level under the package root. */
const here: string =
  typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));

/** Absolute path of the shipped official `grpc/health/v1/health.proto` (Check, Watch, List). */
export const HEALTH_PROTO_PATH: string = join(here, '..', 'proto', 'health', 'v1', 'health.proto');

/** Fully qualified service name. */
export const HEALTH_SERVICE_NAME = 'grpc.health.v1.Health';

/** proto-loader's options as grpc-health-check uses them: field names as written, enums as strings. */
export const PROTO_LOADER_OPTIONS = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
} as const;

/**
 * One method of a loaded service definition (structurally grpc-js's `MethodDefinition`, declared
 * here so this package's types never need `@grpc/grpc-js` installed).
 */
export interface HealthMethodDefinition {
  readonly path: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: grpc-js's (de)serializer signatures
  readonly requestSerialize: (value: any) => Buffer;
  // biome-ignore lint/suspicious/noExplicitAny: grpc-js's (de)serializer signatures
  readonly requestDeserialize: (bytes: Buffer) => any;
  // biome-ignore lint/suspicious/noExplicitAny: grpc-js's (de)serializer signatures
  readonly responseSerialize: (value: any) => Buffer;
  // biome-ignore lint/suspicious/noExplicitAny: grpc-js's (de)serializer signatures
  readonly responseDeserialize: (bytes: Buffer) => any;
}

/** `grpc.health.v1.Health` as `server.addService()` and `grpc.makeClientConstructor()` take it. */
export type HealthServiceDefinition = Readonly<
  Record<'Check' | 'Watch' | 'List', HealthMethodDefinition>
>;

let loaded: HealthServiceDefinition | undefined;

/** The service definition (loaded once, on first call). */
export function healthServiceDefinition(): HealthServiceDefinition {
  loaded ??= loadSync(HEALTH_PROTO_PATH, PROTO_LOADER_OPTIONS)[
    HEALTH_SERVICE_NAME
  ] as unknown as HealthServiceDefinition;
  return loaded;
}
