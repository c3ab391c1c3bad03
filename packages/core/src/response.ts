/**
 * The one place where response bodies are built. Decides what each caller may see
 * (status only, check names, or details) and reuses the serialized body of an unchanged
 * result, so a probe on a healthy, cached service costs about as much as a static route.
 */
import type { CheckResult } from './engine.js';
import type { ProbeEvaluation } from './evaluate.js';
import type { LifecycleState } from './state.js';

/** The framework-agnostic response an adapter writes. `body` is already serialized. */
export interface HealthResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /**
   * A streaming answer (Server-Sent Events): the adapter writes `status` and `headers`, then calls
   * `stream(sink)` and writes what it is given until `sink.end()` or the client leaves. `body` is ''.
   */
  readonly stream?: (sink: StreamSink) => void;
}

/** Where a streaming response writes (see {@link HealthResponse.stream}). */
export interface StreamSink {
  write(chunk: string): void;
  end(): void;
  /** Called once when the stream ends, by `end()`, the client leaving or shutdown. */
  onClose(listener: () => void): void;
}

/** How much of a result a caller may see. */
export type Exposure = 'status' | 'checks' | 'details';

/**
 * Response body format.
 * - `simple`: `{"status":"UP","checks":[{"name":"db","status":"UP"}]}` (the default)
 * - `health+json`: the IETF draft `application/health+json` (`pass`/`warn`/`fail`)
 */
export type BodyFormat = 'simple' | 'health+json';

const CONTENT_TYPE: Record<BodyFormat, string> = {
  simple: 'application/json; charset=utf-8',
  'health+json': 'application/health+json; charset=utf-8',
};

interface Memo {
  state: LifecycleState;
  status: number;
  results: readonly CheckResult[];
  /** GET and HEAD answers over HTTP/1 ([0], [1]) and HTTP/2 ([2], [3], made when first asked). */
  answers: (HealthResponse | undefined)[];
}

/** How an answer is wanted: the body's form, its exposure, and the request's method and protocol. */
export interface AnswerShape {
  readonly exposure: Exposure;
  readonly head: boolean;
  /** HTTP/2 and later: no `Connection` header (GOAWAY does that job). */
  readonly http2: boolean;
  /** kube-apiserver's `?verbose` plain text instead of JSON; `label` names its last line. */
  readonly verbose?: string | undefined;
}

/** Builds responses for one health instance, remembering the last one per route and exposure. */
export class ResponseBuilder {
  /** The last response per route and exposure (nested maps: no key string built per probe). */
  private readonly memo = new Map<object, Map<Exposure, Memo>>();

  constructor(private readonly format: BodyFormat) {}

  /** `route` keys the memo; answers with `?exclude`/`?verbose` are rare and never memoized. */
  build(route: object, evaluation: ProbeEvaluation, shape: AnswerShape): HealthResponse {
    const { exposure } = shape;
    const slot = (shape.http2 ? 2 : 0) + (shape.head ? 1 : 0);
    const plain =
      shape.verbose === undefined &&
      evaluation.excluded === undefined &&
      evaluation.warnings === undefined;
    let byExposure = this.memo.get(route);
    const cached = plain ? byExposure?.get(exposure) : undefined;
    if (
      cached &&
      cached.state === evaluation.state &&
      cached.status === evaluation.status &&
      sameResults(cached.results, evaluation.results)
    ) {
      let answer = cached.answers[slot];
      if (answer === undefined) {
        answer = variant(cached.answers[0] as HealthResponse, shape);
        cached.answers[slot] = answer;
      }
      return answer;
    }
    const body =
      shape.verbose !== undefined
        ? verboseBody(evaluation, exposure, shape.verbose)
        : this.format === 'health+json'
          ? ietfBody(evaluation, exposure)
          : simpleBody(evaluation, exposure);
    const headers: Record<string, string> = {
      'content-type':
        shape.verbose !== undefined ? 'text/plain; charset=utf-8' : CONTENT_TYPE[this.format],
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
    const answers: (HealthResponse | undefined)[] = [get];
    if (plain) {
      if (byExposure === undefined) {
        byExposure = new Map();
        this.memo.set(route, byExposure);
      }
      byExposure.set(exposure, {
        state: evaluation.state,
        status: evaluation.status,
        results: evaluation.results,
        answers,
      });
    }
    if (slot === 0) return get;
    const answer = variant(get, shape);
    answers[slot] = answer;
    return answer;
  }
}

/** The HEAD and/or HTTP/2 form of a GET answer. */
function variant(get: HealthResponse, shape: AnswerShape): HealthResponse {
  let headers = get.headers;
  if (shape.http2 && headers.connection !== undefined) {
    const { connection: _, ...rest } = headers;
    headers = Object.freeze(rest);
  }
  return Object.freeze({ status: get.status, headers, body: shape.head ? '' : get.body });
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

/** A path under a probe that names no check of it: core's own 404, so no name leaks. */
export const NOT_FOUND: HealthResponse = Object.freeze({
  status: 404,
  headers: Object.freeze({
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': '21',
  }),
  body: '{"error":"Not Found"}',
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
  const status = evaluation.outcome === 'DOWN' ? 'DOWN' : 'UP';
  if (exposure === 'status') return `{"status":"${status}"}`;
  const body: Record<string, unknown> = { status };
  if (exposure === 'details') {
    body.state = evaluation.state;
    if (evaluation.outcome === 'DEGRADED') body.degraded = true;
    if (evaluation.excluded) body.excluded = evaluation.excluded;
    if (evaluation.warnings) body.warnings = evaluation.warnings;
  }
  body.checks = evaluation.results.map((r) => {
    const entry: Record<string, unknown> = { name: r.name, status: r.status };
    if (exposure === 'details') {
      entry.critical = r.critical;
      entry.durationMs = Math.round(r.duration);
      entry.checkedAt = new Date(r.at).toISOString();
      if (r.message !== undefined) entry.message = r.message;
      if (r.timedOut) entry.timedOut = true;
      if (r.stale) entry.stale = true;
      if (r.consecutiveFailures !== undefined) entry.consecutiveFailures = r.consecutiveFailures;
      if (r.flapping) entry.flapping = true;
      if (r.details !== undefined) entry.details = r.details;
    }
    return entry;
  });
  return JSON.stringify(body);
}

/**
 * kube-apiserver's `?verbose` form: `[+]name ok` / `[-]name failed: reason`, then
 * `<label> check passed|failed`. Reasons only where details are allowed ("reason withheld" else);
 * only the last line where checks are hidden.
 */
function verboseBody(evaluation: ProbeEvaluation, exposure: Exposure, label: string): string {
  const passed = evaluation.outcome !== 'DOWN';
  const last = `${label} check ${passed ? 'passed' : 'failed'}\n`;
  if (exposure === 'status') return last;
  let text = '';
  for (const r of evaluation.results) {
    if (r.status === 'UP') text += `[+]${r.name} ok\n`;
    else
      text += `[-]${r.name} failed: ${exposure === 'details' && r.message !== undefined ? r.message.replace(/\s+/g, ' ') : 'reason withheld'}\n`;
  }
  for (const name of evaluation.excluded ?? []) text += `[+]${name} excluded: ok\n`;
  if (exposure === 'details') for (const w of evaluation.warnings ?? []) text += `warn: ${w}\n`;
  return text + last;
}

/** draft-inadarei-api-health-check: pass / warn (non-critical failure) / fail. */
function ietfBody(evaluation: ProbeEvaluation, exposure: Exposure): string {
  const failed = evaluation.outcome === 'DOWN';
  const warn = evaluation.outcome === 'DEGRADED';
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
 * The response's headers as they may be sent over HTTP `httpVersionMajor`. Adapters no longer need
 * it: pass `httpVersionMajor` in the request and core answers with the right headers (cached per
 * protocol). Kept for code that holds a response built for HTTP/1.
 * @deprecated pass `httpVersionMajor` in {@link HealthRequest} instead
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
