/**
 * The dashboard row's idle audience (a child process of `node-core-dashboard`, pinned to the load
 * CPU): `BENCH_SSE_CLIENTS` EventSource-like clients, each a node:http request on its own
 * connection to `BENCH_URL` (the dashboard's SSE stream), held open. Sends `connected` over IPC
 * once every stream has delivered its first `event: snapshot`, and `lost <reason>` should one end;
 * exits when its parent goes (IPC disconnect).
 */
import http from 'node:http';

const url = new URL(process.env.BENCH_URL ?? 'http://127.0.0.1:1/health/ui/events');
if (url.hostname !== '127.0.0.1') throw new Error(`refusing to connect to ${url.hostname}`);
const clients = Number(process.env.BENCH_SSE_CLIENTS ?? 100);

let ready = 0;
const lost = (reason: string) => process.send?.(`lost ${reason}`);
for (let i = 0; i < clients; i++) {
  const req = http.get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
    if (res.statusCode !== 200) {
      lost(`HTTP ${res.statusCode}`);
      res.resume();
      return;
    }
    let seen = '';
    let counted = false;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      if (counted) return;
      seen += chunk;
      if (!seen.includes('event: snapshot')) return;
      counted = true;
      seen = '';
      if (++ready === clients) process.send?.('connected');
    });
    res.on('end', () => lost('stream ended'));
  });
  req.on('error', (err) => lost(err.message));
}
process.on('disconnect', () => process.exit(0));
