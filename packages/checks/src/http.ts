/**
 * An HTTP(S) dependency: one request with the global `fetch` (undici), aborted at the check's
 * timeout, UP when the status is in the expected range. The URL never appears in the result.
 */
import type { CheckDefinition } from '@health/core';
import { type DependencyCheckOptions, defineCheck, measure, optionError } from './shared.js';

export interface HttpCheckOptions extends DependencyCheckOptions {
  /** @default 'GET' */
  method?: string;
  /** Request headers (e.g. an API key: it is never shown). */
  headers?: Record<string, string>;
  /**
   * Accepted statuses: one status, a list, an inclusive `[min, max]` range object, or a predicate.
   * Redirects are not followed, so a 3xx is what the dependency answered.
   * @default { min: 200, max: 399 }
   */
  expectedStatus?:
    | number
    | readonly number[]
    | { min: number; max: number }
    | ((status: number) => boolean);
}

function accepts(expected: HttpCheckOptions['expectedStatus'], status: number): boolean {
  if (expected === undefined) return status >= 200 && status <= 399;
  if (typeof expected === 'number') return status === expected;
  if (typeof expected === 'function') return expected(status);
  if (Array.isArray(expected)) return expected.includes(status);
  const range = expected as { min: number; max: number };
  return status >= range.min && status <= range.max;
}

function describeExpected(expected: HttpCheckOptions['expectedStatus']): string {
  if (expected === undefined) return '200-399';
  if (typeof expected === 'number') return String(expected);
  if (typeof expected === 'function') return 'a status the predicate accepts';
  if (Array.isArray(expected)) return expected.join(', ');
  const range = expected as { min: number; max: number };
  return `${range.min}-${range.max}`;
}

/**
 * Checks an HTTP(S) dependency with one request per run.
 * @example
 * httpCheck('https://payments.internal/ping', { name: 'payments', expectedStatus: 204 })
 */
export function httpCheck(url: string | URL, options: HttpCheckOptions = {}): CheckDefinition {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    // A coded setup error, never the raw TypeError (whose message would echo the URL).
    throw optionError('url', 'must be an absolute http(s) URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw optionError('url', `must use http: or https:, got ${target.protocol}`);
  }
  return defineCheck({ name: 'http', dependency: true }, options, (context) =>
    measure(
      'http request failed',
      context,
      () => [
        target.href,
        target.host,
        target.hostname,
        target.username,
        target.password,
        ...(options.secrets ?? []),
      ],
      async () => {
        const response = await fetch(target, {
          method: options.method ?? 'GET',
          headers: options.headers,
          redirect: 'manual',
          signal: context.signal,
        });
        // Free the socket: the body is not needed.
        await response.body?.cancel().catch(() => {});
        if (!accepts(options.expectedStatus, response.status)) {
          const error = new Error(
            `HTTP ${response.status} (expected ${describeExpected(options.expectedStatus)})`,
          );
          throw Object.assign(error, { status: response.status });
        }
        return { status: response.status };
      },
    ),
  );
}
