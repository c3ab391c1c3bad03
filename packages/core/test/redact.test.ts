import { describe, expect, it } from 'vitest';
import { redact } from '../src/index.js';

// The one scrubbing table: core's engine and @health/checks both go through `redact`.
const CASES: [string, string][] = [
  // whole URL after the scheme (user:pass@host, host, path, query)
  ['failed postgres://app:s3cret@db.prod:5432/orders now', 'failed postgres://*** now'],
  ['GET https://api.internal/v1/x?token=abc failed', 'GET https://*** failed'],
  ['redis://:pw@cache:6379 refused', 'redis://*** refused'],
  // user:pass@host outside a URL
  ['login app:hunter2@db-primary denied', 'login *** denied'],
  // IPv4, IPv6, host:port
  ['no route to 10.1.2.3:6379', 'no route to ***'],
  ['no route to [fe80::1]:5432 or 2001:db8::7', 'no route to *** or ***'],
  ['connect ECONNREFUSED 127.0.0.1:5432', 'connect ECONNREFUSED ***'],
  ['timeout talking to cache-01.internal:6380', 'timeout talking to ***'],
  ['localhost:6379 closed', '*** closed'],
  // key=value and key: value, every key of the union
  ['password=hunter2', 'password=***'],
  ['pass=hunter2', 'pass=***'],
  ['passwd: x pwd=y', 'passwd: *** pwd=***'],
  ['user=admin username: root', 'user=*** username: ***'],
  ['host=db.prod hostname="db-1"', 'host=*** hostname=***'],
  ['token: abc; secret=def', 'token: ***; secret=***'],
  [
    'key=k1 api_key=k2 apiKey=k3 access-key=k4 private_key=k5',
    'key=*** api_key=*** apiKey=*** access-key=*** private_key=***',
  ],
  ["authorization: 'Bearer x'", 'authorization: ***'],
  ['bad config password=hunter2; token: abc', 'bad config password=***; token: ***'],
  // what must survive
  ['query canceled at 12:30:45 after 500 ms', 'query canceled at 12:30:45 after 500 ms'],
  ['heap 91% of limit (1843.2 MB)', 'heap 91% of limit (1843.2 MB)'],
  ['check returned false', 'check returned false'],
  ['monkey business', 'monkey business'],
];

describe('redact', () => {
  it.each(CASES)('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('scrubs the given secrets, and the parts of URL-shaped ones', () => {
    expect(redact('password authentication failed for user "u_ab12cd"', ['u_ab12cd'])).toBe(
      'password authentication failed for user "***"',
    );
    expect(
      redact('Access denied for user app@db-primary', [
        'mysql://app:pw-long-secret@db-primary:3306/app',
      ]),
    ).toBe('Access denied for user ***@***');
    // Short secrets only as whole words: "db" must not eat "dbms".
    expect(redact('dbms says db is down', ['db'])).toBe('dbms says *** is down');
    // Non-strings and empty strings are ignored.
    expect(redact('all fine', [undefined, null, '', 42])).toBe('all fine');
  });

  it('is idempotent (checks scrub, then the engine redacts again)', () => {
    for (const [input] of CASES) expect(redact(redact(input))).toBe(redact(input));
  });
});
