// The Node writer hands the connection's peer address to Visibility functions (not a header a
// client could forge), so services can show details to loopback callers only.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHealth, type HealthRequest } from '@health/core';
import { createNodeListener } from '@health/core/node';
import { httpRequest } from '@health/test-utils';
import { expect, it } from 'vitest';

it('passes req.socket.remoteAddress to showDetails, ignoring forwarded headers', async () => {
  const seen: (string | undefined)[] = [];
  const visibleTo = (address: string) => (request: HealthRequest) => {
    seen.push(request.remoteAddress);
    return request.remoteAddress === address;
  };
  const checks = [{ name: 'db', check: () => true }];
  const loopback = createHealth({
    logger: false,
    startReady: true,
    checks,
    showDetails: visibleTo('127.0.0.1'),
  });
  const other = createHealth({
    logger: false,
    startReady: true,
    checks,
    showDetails: visibleTo('10.0.0.1'),
  });
  const servers = [loopback, other].map((health) =>
    http.createServer(createNodeListener(health)).listen(0, '127.0.0.1'),
  );
  try {
    await Promise.all(servers.map((server) => once(server, 'listening')));
    const [a, b] = servers.map(
      (server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/health/ready`,
    );
    const shown = await httpRequest(a as string);
    expect(JSON.parse(shown.body)).toMatchObject({
      status: 'UP',
      state: 'UP',
      checks: [{ name: 'db', critical: true }],
    });
    const hidden = await httpRequest(b as string, { headers: { 'x-forwarded-for': '10.0.0.1' } });
    expect(hidden.body).toBe('{"status":"UP"}');
    expect(seen).toEqual(['127.0.0.1', '127.0.0.1']);
  } finally {
    loopback.close();
    other.close();
    for (const server of servers) server.close();
  }
});
