/**
 * DNS resolution of a host name the service depends on: `lookup` (getaddrinfo, what
 * connections use, /etc/hosts included) or `resolve` (a real DNS query, cancelled on timeout).
 */
import { lookup, Resolver } from 'node:dns/promises';
import type { CheckDefinition } from '@health/core';
import {
  type DependencyCheckOptions,
  defineCheck,
  measure,
  timeoutOf,
  untilAborted,
} from './shared.js';

export interface DnsCheckOptions extends DependencyCheckOptions {
  /**
   * `lookup`: the OS resolver (getaddrinfo: /etc/hosts, search domains), as connections resolve.
   * `resolve`: a DNS query through c-ares, cancelled at the timeout.
   * @default 'lookup'
   */
  method?: 'lookup' | 'resolve';
  /** Record type for `resolve`. @default 'A' */
  rrtype?: 'A' | 'AAAA' | 'CNAME' | 'MX' | 'NS' | 'SRV' | 'TXT';
  /** DNS servers for `resolve` (`'1.1.1.1'`, `'[::1]:53'`). @default the system's */
  servers?: readonly string[];
}

/**
 * Checks that `hostname` resolves, reporting how many records came back.
 * @example
 * dnsCheck('db.internal', { name: 'dns-db' })
 */
export function dnsCheck(hostname: string, options: DnsCheckOptions = {}): CheckDefinition {
  const timeout = timeoutOf(options);
  return defineCheck({ name: 'dns', dependency: true }, options, (context) =>
    measure(
      'dns resolution failed',
      context,
      () => [hostname, ...(options.servers ?? []), ...(options.secrets ?? [])],
      async () => {
        if ((options.method ?? 'lookup') === 'lookup') {
          const addresses = await untilAborted(lookup(hostname, { all: true }), context.signal);
          return { records: addresses.length };
        }
        const resolver = new Resolver({ timeout, tries: 1 });
        if (options.servers) resolver.setServers([...options.servers]);
        const cancel = () => resolver.cancel();
        context.signal.addEventListener('abort', cancel, { once: true });
        try {
          const records = (await resolver.resolve(hostname, options.rrtype ?? 'A')) as unknown[];
          if (records.length === 0)
            throw Object.assign(new Error('no records'), { code: 'ENODATA' });
          return { records: records.length };
        } finally {
          context.signal.removeEventListener('abort', cancel);
        }
      },
    ),
  );
}
