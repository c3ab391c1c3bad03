/**
 * gRPC health probe: grpc.health.v1.Health/Check with a hand-built method (no proto-loader).
 * HealthCheckRequest { string service = 1 } / HealthCheckResponse { ServingStatus status = 1 }.
 */
import type { ProbeResult } from './probe.js';

const STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** Protobuf bytes of HealthCheckRequest (field 1, length-delimited; proto3 omits an empty string). */
export function encodeRequest(service: string): Buffer {
  const text = Buffer.from(service, 'utf8');
  if (text.length === 0) return Buffer.alloc(0);
  return Buffer.concat([Buffer.from([0x0a]), varint(text.length), text]);
}

/** Status number of a HealthCheckResponse; unknown fields are skipped. */
export function decodeResponse(bytes: Buffer): number {
  let status = 0;
  let at = 0;
  const read = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++];
      if (byte === undefined) throw new Error('truncated HealthCheckResponse');
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (at < bytes.length) {
    const tag = read();
    const wire = tag & 7;
    if (wire === 0) {
      const value = read();
      if (tag >>> 3 === 1) status = value;
    } else if (wire === 2) {
      const length = read(); // read() moves `at`: never `at += read()`
      at += length;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else throw new Error(`unexpected wire type ${wire} in HealthCheckResponse`);
  }
  return status;
}

/** Protobuf bytes of HealthCheckResponse (for servers and tests). */
export function encodeResponse(status: number): Buffer {
  return status === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x08]), varint(status)]);
}

/** Service name of a HealthCheckRequest (for servers and tests). */
export function decodeRequest(bytes: Buffer): string {
  if (bytes.length === 0 || bytes[0] !== 0x0a) return '';
  let length = 0;
  let shift = 0;
  let at = 1;
  for (;;) {
    const byte = bytes[at++] ?? 0;
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
    shift += 7;
  }
  return bytes.subarray(at, at + length).toString('utf8');
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

export async function probeGrpc(target: URL, timeout: number): Promise<ProbeResult> {
  let grpc: typeof import('@grpc/grpc-js');
  try {
    grpc = await import('@grpc/grpc-js');
  } catch {
    return { ok: false, reason: 'grpc:// needs @grpc/grpc-js installed next to @health/cli' };
  }
  const service = decodeURIComponent(target.pathname.replace(/^\//, ''));
  const client = new grpc.Client(target.host, grpc.credentials.createInsecure());
  return new Promise<ProbeResult>((resolve) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      encodeRequest,
      decodeResponse,
      service,
      new grpc.Metadata(),
      { deadline: Date.now() + timeout },
      (error, status) => {
        client.close();
        if (error) {
          const code = grpc.status[error.code] ?? String(error.code);
          resolve({ ok: false, reason: `${code}: ${error.details || error.message}` });
          return;
        }
        const name = STATUS[status ?? 0] ?? `status ${status}`;
        resolve({ ok: status === 1, status: name, reason: service ? `${service} ${name}` : name });
      },
    );
  });
}
