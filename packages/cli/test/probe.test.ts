// `health probe` over real servers: node:http, node:https (self-signed), and a grpc-js server
// implementing grpc.health.v1.Health/Check with the package's own codec.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../src/grpc.js';
import { main } from '../src/main.js';
import { probe } from '../src/probe.js';

const servers: { close(cb?: () => void): unknown }[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))));
});

function listen(server: Server): Promise<string> {
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

async function run(args: string[]) {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    ({
      write(s: string) {
        append(s);
        return true;
      },
    }) as never;
  const code = await main(
    args,
    sink((s) => {
      out += s;
    }),
    sink((s) => {
      err += s;
    }),
  );
  return { code, out, err };
}

describe('HTTP', () => {
  let host = '';
  let hanging = '';
  beforeAll(async () => {
    host = await listen(
      createServer((req, res) => {
        res.statusCode = req.url === '/ok' ? 200 : req.url === '/teapot' ? 418 : 503;
        res.end('body');
      }),
    );
    hanging = await listen(createServer(() => {}));
  });

  it('exits 0 on 200 and 1 otherwise, with a one-line reason on stderr', async () => {
    expect(await run(['probe', `http://${host}/ok`])).toMatchObject({
      code: 0,
      out: 'healthy: 200 OK\n',
    });
    const down = await run(['probe', `http://${host}/down`]);
    expect(down).toMatchObject({
      code: 1,
      err: 'unhealthy: 503 Service Unavailable (expected 200)\n',
    });
  });

  it('--expect-status', async () => {
    expect((await run(['probe', `http://${host}/teapot`, '--expect-status', '418'])).code).toBe(0);
  });

  it('--timeout bounds a server that never answers', async () => {
    const started = Date.now();
    const result = await run(['probe', `http://${hanging}/`, '--timeout', '150']);
    expect(result).toMatchObject({ code: 1, err: 'unhealthy: timed out after 150 ms\n' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a refused connection is a reason, not a crash', async () => {
    const server = createServer();
    const port = (await listen(server)).split(':')[1];
    await new Promise((r) => server.close(r));
    const result = await probe(`http://127.0.0.1:${port}/`);
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/^ECONNREFUSED/) });
  });

  it('usage errors exit 2 naming the option', async () => {
    expect(await run(['probe', 'ftp://x/'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('<url>'),
    });
    expect(await run(['probe', `http://${host}/`, '--timeout', 'soon'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--timeout'),
    });
    expect((await run([])).code).toBe(2);
  });
});

describe('HTTPS', () => {
  it('rejects a self-signed certificate unless --insecure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'health-cli-tls-'));
    execFileSync(
      'openssl',
      [
        ...'req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=127.0.0.1 -days 1'.split(
          ' ',
        ),
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const server = createHttpsServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => res.end('ok'),
    );
    const host = await listen(server as unknown as Server);
    const strict = await probe(`https://${host}/`);
    expect(strict.ok).toBe(false);
    expect(strict.reason).toMatch(/SELF_SIGNED|self.signed/i);
    expect(await probe(`https://${host}/`, { insecure: true })).toMatchObject({
      ok: true,
      status: 200,
    });
  });
});

describe('gRPC', () => {
  const statuses: Record<string, number> = { '': 1, payments: 2 };
  let host = '';
  beforeAll(async () => {
    const server = new grpc.Server();
    server.addService(
      {
        Check: {
          path: '/grpc.health.v1.Health/Check',
          requestStream: false,
          responseStream: false,
          // An object: grpc-js treats a falsy request ('' for the overall service) as missing.
          requestDeserialize: (bytes: Buffer) => ({ service: decodeRequest(bytes) }),
          responseSerialize: encodeResponse,
          requestSerialize: (request: { service: string }) => encodeRequest(request.service),
          responseDeserialize: decodeResponse,
        },
      },
      {
        Check(
          call: grpc.ServerUnaryCall<{ service: string }, number>,
          callback: grpc.sendUnaryData<number>,
        ) {
          const status = statuses[call.request.service];
          if (status === undefined)
            callback({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
          else callback(null, status);
        },
      },
    );
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    servers.push({ close: (cb) => server.tryShutdown(() => cb?.()) });
    host = `127.0.0.1:${port}`;
  });

  it('SERVING exits 0; NOT_SERVING and unknown services exit 1', async () => {
    const serving = await run(['probe', `grpc://${host}`]);
    expect(serving, serving.err).toMatchObject({ code: 0, out: 'healthy: SERVING\n' });
    const again = await run(['probe', `grpc://${host}/`]);
    expect(again, again.err).toMatchObject({ code: 0 });
    expect(await run(['probe', `grpc://${host}/payments`])).toMatchObject({
      code: 1,
      err: 'unhealthy: payments NOT_SERVING\n',
    });
    expect(await run(['probe', `grpc://${host}/nope`])).toMatchObject({
      code: 1,
      err: 'unhealthy: NOT_FOUND: unknown service\n',
    });
  });

  it('a dead port fails within the timeout', async () => {
    const result = await probe('grpc://127.0.0.1:1', { timeout: 300 });
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/UNAVAILABLE|DEADLINE_EXCEEDED/);
  });

  it('codec round-trips multi-byte lengths and skips unknown fields', () => {
    const long = 'x'.repeat(300);
    expect(decodeRequest(encodeRequest(long))).toBe(long);
    expect(
      decodeResponse(Buffer.concat([Buffer.from([0x12, 0x01, 0x41]), encodeResponse(3)])),
    ).toBe(3);
  });
});
