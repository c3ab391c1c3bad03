import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHealth } from '@health/core';
import { createNodeListener } from '@health/core/node';
import { afterEach, expect, it } from 'vitest';
import { dashboard } from '../src/index.js';

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.closeAllConnections(), s.close();
});

async function start(check: () => unknown) {
  const health = createHealth({ checks: [{ name: 'db', check, timeout: 500, ttl: 0 }] } as never);
  dashboard(health, { heartbeatMs: 50 });
  health.markReady?.();
  const srv = http.createServer(createNodeListener(health) as never);
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { health, url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}` };
}

/** Reads the SSE stream until `pred` holds on the accumulated text (bounded by a deadline). */
async function readUntil(res: Response, pred: (t: string) => boolean, ms = 3000) {
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let text = '';
  const deadline = Date.now() + ms;
  while (!pred(text)) {
    if (Date.now() > deadline) throw new Error(`SSE timeout; got: ${text}`);
    const { value, done } = await reader.read();
    if (done) break;
    text += dec.decode(value);
  }
  await reader.cancel();
  return text;
}

it('renders the table server-side and streams snapshot, changes, heartbeats and replays', {
  timeout: 15000,
}, async () => {
  let ok = true;
  const { url } = await start(() => ok || false);
  await fetch(`${url}/health/ready`);
  const html = await (await fetch(`${url}/health/ui`)).text();
  expect(html).toContain('<tr data-check="db">');
  const res = await fetch(`${url}/health/ui/events`);
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const flip = readUntil(res, (t) => t.includes('"status":"DOWN"') && t.includes(': heartbeat'));
  ok = false;
  await fetch(`${url}/health/ready`);
  const text = await flip;
  expect(text.startsWith('event: snapshot')).toBe(true);
  const id = Number(/id: (\d+)\nevent: change\ndata: [^\n]*"DOWN"/.exec(text)?.[1]);
  expect(id).toBeGreaterThan(0);
  // Reconnect from before the DOWN change: it is replayed, no snapshot.
  const again = await fetch(`${url}/health/ui/events`, {
    headers: { 'last-event-id': String(id - 1) },
  });
  const replay = await readUntil(again, (t) => t.includes('"DOWN"'));
  expect(replay).not.toContain('event: snapshot');
  expect(replay).toContain(`id: ${id}\n`);
});
