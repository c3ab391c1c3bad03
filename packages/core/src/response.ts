/**
 * The one place where response bodies are built. Decides what each caller may see
 * (status only, check names, or details) and reuses the serialized body of an unchanged
 * result, so a probe on a healthy, cached service costs about as much as a static route.
 */
import type { CheckResult } from './engine.js';
import type { LifecycleState, Probe, ProbeStatus } from './state.js';

/** The framework-agnostic response an adapter writes. `body` is already serialized. */
export interface HealthResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** How much of a result a caller may see. */
export type Exposure = 'status' | 'checks' | 'details';

/**
 * Response body format.
 * - `simple`: `{"status":"UP","checks":[{"name":"db","status":"UP"}]}` (the default)
 * - `health+json`: the IETF draft `application/health+json` (`pass`/`warn`/`fail`)
 */
export type BodyFormat = 'simple' | 'health+json';

export interface ProbeEvaluation {
  readonly probe: Probe;
  readonly state: LifecycleState;
  readonly status: ProbeStatus;
  readonly results: readonly CheckResult[];
}

const CONTENT_TYPE: Record<BodyFormat, string> = {
  simple: 'application/json; charset=utf-8',
  'health+json': 'application/health+json; charset=utf-8',
};

interface Memo {
  state: LifecycleState;
  status: number;
  results: readonly CheckResult[];
  get: HealthResponse;
  head: HealthResponse;
}

/** Builds responses for one health instance, remembering the last one per probe and exposure. */
export class ResponseBuilder {
  /** The last response per probe and exposure (nested maps: no key string built per probe). */
  private readonly memo = new Map<Probe, Map<Exposure, Memo>>();

  constructor(private readonly format: BodyFormat) {}

  build(evaluation: ProbeEvaluation, exposure: Exposure, head: boolean): HealthResponse {
    let byExposure = this.memo.get(evaluation.probe);
    if (byExposure === undefined) {
      byExposure = new Map();
      this.memo.set(evaluation.probe, byExposure);
    }
    const cached = byExposure.get(exposure);
    if (
      cached &&
      cached.state === evaluation.state &&
      cached.status === evaluation.status &&
      sameResults(cached.results, evaluation.results)
    ) {
      return head ? cached.head : cached.get;
    }
    const body =
      this.format === 'health+json'
        ? ietfBody(evaluation, exposure)
        : simpleBody(evaluation, exposure);
    const headers: Record<string, string> = {
      'content-type': CONTENT_TYPE[this.format],
      'cache-control': 'no-store',
      'content-length': String(utf8Length(body)),
    };
    if (evaluation.state === 'STOPPING' || evaluation.state === 'DOWN')
      headers.connection = 'close';
    const get: HealthResponse = Object.freeze({
      status: evaluation.status,
      headers: Object.freeze(headers),
      body,
    });
    const memo: Memo = {
      state: evaluation.state,
      status: evaluation.status,
      results: evaluation.results,
      get,
      head: Object.freeze({ status: get.status, headers: get.headers, body: '' }),
    };
    byExposure.set(exposure, memo);
    return head ? memo.head : memo.get;
  }
}

/** The answer should evaluating a probe ever fail (it does not: checks fail, probes answer). */
export const INTERNAL_ERROR: HealthResponse = Object.freeze({
  status: 500,
  headers: Object.freeze({
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': '17',
  }),
  body: '{"status":"DOWN"}',
});

/** The 405 answer for a health path called with another method than GET or HEAD. */
export const METHOD_NOT_ALLOWED: HealthResponse = Object.freeze({
  status: 405,
  headers: Object.freeze({
    allow: 'GET, HEAD',
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': '30',
  }),
  body: '{"error":"Method Not Allowed"}',
});

function sameResults(a: readonly CheckResult[], b: readonly CheckResult[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function simpleBody(evaluation: ProbeEvaluation, exposure: Exposure): string {
  const status = evaluation.status === 200 ? 'UP' : 'DOWN';
  if (exposure === 'status') return `{"status":"${status}"}`;
  const body: Record<string, unknown> = { status };
  if (exposure === 'details') body.state = evaluation.state;
  body.checks = evaluation.results.map((r) => {
    const entry: Record<string, unknown> = { name: r.name, status: r.status };
    if (exposure === 'details') {
      entry.critical = r.critical;
      entry.durationMs = Math.round(r.duration);
      entry.checkedAt = new Date(r.at).toISOString();
      if (r.message !== undefined) entry.message = r.message;
      if (r.timedOut) entry.timedOut = true;
      if (r.stale) entry.stale = true;
      if (r.details !== undefined) entry.details = r.details;
    }
    return entry;
  });
  return JSON.stringify(body);
}

/** draft-inadarei-api-health-check: pass / warn (non-critical failure) / fail. */
function ietfBody(evaluation: ProbeEvaluation, exposure: Exposure): string {
  const failed = evaluation.status !== 200;
  const warn = !failed && evaluation.results.some((r) => r.status === 'DOWN');
  const body: Record<string, unknown> = { status: failed ? 'fail' : warn ? 'warn' : 'pass' };
  if (exposure === 'status') return JSON.stringify(body);
  const checks: Record<string, unknown[]> = {};
  for (const r of evaluation.results) {
    const entry: Record<string, unknown> = {
      status: r.status === 'UP' ? 'pass' : r.critical ? 'fail' : 'warn',
    };
    if (exposure === 'details') {
      entry.time = new Date(r.at).toISOString();
      entry.observedValue = Math.round(r.duration);
      entry.observedUnit = 'ms';
      if (r.message !== undefined) entry.output = r.message;
      if (r.details !== undefined) entry.details = r.details;
    }
    checks[r.name] = [entry];
  }
  body.checks = checks;
  return JSON.stringify(body);
}

function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) length += 1;
    else if (code < 0x800) length += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      length += 4;
      i++;
    } else length += 3;
  }
  return length;
}

/**
 * The response's headers as they may be sent over HTTP `httpVersionMajor`. While stopping, answers
 * carry `Connection: close`; HTTP/2 and later forbid that header (Node warns and drops it) and ask
 * clients to leave with GOAWAY instead, which `addServer` sends. Adapters writing headers
 * themselves pass the request's version; on HTTP/1 the headers come back as they are.
 * @example reply.headers(headersFor(response, request.raw.httpVersionMajor))
 */
export function headersFor(
  response: HealthResponse,
  httpVersionMajor: number | undefined,
): Readonly<Record<string, string>> {
  const { headers } = response;
  if (headers.connection === undefined || !(Number(httpVersionMajor) >= 2)) return headers;
  const { connection: _, ...rest } = headers;
  return rest;
}
