/**
 * `health probe <url>`: one request, exit 0 on the expected status. The HTTP path uses node
 * builtins only; gRPC lives in ./grpc.ts, loaded on demand so an HTTP probe never parses it, and
 * node:https (TLS) is imported only for https:// URLs: every millisecond of start counts per probe.
 */
import { request as httpRequest } from 'node:http';
import { CliError, INVALID_OPTION } from './errors.js';

/** Below the kubelet's default 1 s timeoutSeconds, so the probe reports before it is killed. */
export const DEFAULT_PROBE_TIMEOUT = 800;

export interface ProbeOptions {
  /** Milliseconds for the whole probe (connect + answer). Default 800. */
  timeout?: number;
  /** HTTP status counted as healthy. Default 200. */
  expectStatus?: number;
  /** Accept self-signed / untrusted TLS certificates. */
  insecure?: boolean;
}

export interface ProbeResult {
  ok: boolean;
  /** One line: what was seen (`200 OK`, `503`, `SERVING`, `timed out after 800 ms`, ...). */
  reason: string;
  status?: number | string;
}

export async function probe(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const timeout = options.timeout ?? DEFAULT_PROBE_TIMEOUT;
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new CliError(
      INVALID_OPTION,
      '--timeout',
      `must be a positive number of ms, got ${timeout}`,
    );
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new CliError(INVALID_OPTION, '<url>', `is not a URL: ${url}`);
  }
  if (target.protocol === 'grpc:') {
    const { probeGrpc } = await import('./grpc.js');
    return probeGrpc(target, timeout);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new CliError(INVALID_OPTION, '<url>', `must be http://, https:// or grpc://, got ${url}`);
  const send = target.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
  return probeHttp(send, target, timeout, options.expectStatus ?? 200, options.insecure === true);
}

function probeHttp(
  send: typeof httpRequest,
  target: URL,
  timeout: number,
  expect: number,
  insecure: boolean,
) {
  return new Promise<ProbeResult>((resolve) => {
    // `rejectUnauthorized` is read by node:https only (node:http ignores it).
    const options: import('node:https').RequestOptions = {
      method: 'GET',
      headers: { 'user-agent': 'health-probe', connection: 'close' },
      rejectUnauthorized: !insecure,
    };
    const req = send(target, options);
    const timer = setTimeout(() => {
      finish({ ok: false, reason: `timed out after ${timeout} ms` });
      req.destroy();
    }, timeout);
    let done = false;
    function finish(result: ProbeResult) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(result);
    }
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      const ok = status === expect;
      const line = `${status} ${res.statusMessage ?? ''}`.trim();
      finish({ ok, status, reason: ok ? line : `${line} (expected ${expect})` });
      res.on('error', () => {});
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish({ ok: false, reason: error.code ? `${error.code}: ${error.message}` : error.message }),
    );
    req.end();
  });
}
