/**
 * The one scrubbing of messages before anyone sees them, applied to every check message even where
 * details are allowed (unauthenticated callers never see messages at all, the default): a URL keeps
 * only its scheme (`postgres://***`), `user:pass@host`, IPv4/IPv6 addresses, `host:port` pairs and
 * `password=`/`token:`/`user=`/`host=`-style values become `***`, and so does every string in
 * `secrets` (with the user, password and host inside URL-shaped ones). `@health/checks` uses it too.
 */
const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>]+/gi;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g;
const IPV6 = /(?<![0-9a-z:])\[?(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?:%\w+)?\]?(?::\d{1,5})?/gi;
const CREDENTIALS_AT = /[^\s"'`:@/()]+:[^\s"'`@/()]+@[a-z0-9._-]+/gi;
const HOST_PORT = /\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*:\d{2,5}\b/gi;
const KEY_VALUE =
  /\b(password|passwd|pwd|pass|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|key|authorization|user(?:name)?|host(?:name)?)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&)]+)/gi;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces credentials, addresses and the given `secrets` in `message` with `***`. */
export function redact(message: string, secrets: readonly unknown[] = []): string {
  let out = message;
  if (secrets.length > 0) {
    const values = [...new Set(expandSecrets(secrets))].sort((a, b) => b.length - a.length);
    for (const value of values) {
      // Short secrets only as whole words: a host "db" must not eat "dbms".
      const pattern =
        value.length >= 6
          ? new RegExp(escapeRegExp(value), 'g')
          : new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(value)}(?![A-Za-z0-9_])`, 'g');
      out = out.replace(pattern, '***');
    }
  }
  return out
    .replace(URL_PATTERN, (url) => `${url.slice(0, url.indexOf('://') + 3)}***`)
    .replace(CREDENTIALS_AT, '***')
    .replace(IPV6, (match) => {
      const address = match.replace(/^\[|\](?::\d+)?$/g, '');
      const colons = address.split(':').length - 1;
      return /[0-9a-f]/i.test(address) && (address.includes('::') || colons >= 7) ? '***' : match;
    })
    .replace(IPV4, '***')
    .replace(HOST_PORT, (match) => (/[a-z]/i.test(match.split(':')[0] ?? '') ? '***' : match))
    .replace(KEY_VALUE, '$1$2***');
}

/** Strings worth scrubbing: each secret, and the user/password/host inside URL-shaped ones. */
function expandSecrets(secrets: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length === 0) continue;
    out.push(secret);
    if (secret.includes('://')) {
      try {
        const url = new URL(secret);
        for (const part of [url.username, url.password, url.hostname]) {
          if (part) out.push(decodeURIComponent(part));
        }
      } catch {
        // not a URL after all
      }
    }
  }
  return out.filter((s) => s.length >= 2);
}
