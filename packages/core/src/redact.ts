/**
 * Best-effort scrubbing of credentials from check messages, applied even where details are
 * allowed: `postgres://user:secret@db` becomes `postgres://***@db`, `password=x` becomes
 * `password=***`. Unauthenticated callers never see messages at all (the default).
 */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;
const KEY_VALUE =
  /\b(password|passwd|pwd|secret|token|api[_-]?key|authorization)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi;

export function redact(message: string): string {
  return message.replace(URL_CREDENTIALS, '$1***@').replace(KEY_VALUE, '$1$2***');
}
