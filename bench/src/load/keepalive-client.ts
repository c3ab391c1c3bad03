/**
 * The shutdown test's client (a child process pinned to the load CPU): `BENCH_WORKERS` keep-alive
 * connections each sending `GET /app/slow?ms=BENCH_SLOW_MS` back to back, like a load balancer
 * that has not yet noticed the pod is stopping. Told over IPC when SIGTERM was sent and when to
 * stop; answers with counts before/after SIGTERM. A connection refused means the listener is
 * gone: that worker stops (a load balancer would retry elsewhere) and it is counted apart from
 * failures (resets, hang-ups, 5xx), which are requests a server accepted and then lost.
 */
import http from 'node:http';

const base = new URL(process.env.BENCH_URL ?? 'http://127.0.0.1:1/');
if (base.hostname !== '127.0.0.1') throw new Error(`refusing to load ${base.hostname}`);
const workers = Number(process.env.BENCH_WORKERS ?? 20);
const slow = Number(process.env.BENCH_SLOW_MS ?? 200);
const warmMs = Number(process.env.BENCH_WARM_MS ?? 500);

type Outcome = 'ok' | 'failed' | 'refused';
interface Counts {
  ok: number;
  failed: number;
  refused: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
const counts = {
  before: { ok: 0, failed: 0, refused: 0 } as Counts,
  after: { ok: 0, failed: 0, refused: 0 } as Counts,
};
const failures: Record<string, number> = {};
let phase: 'before' | 'after' = 'before';
let stopping = false;
let inFlight = 0;
let inFlightAtSignal = 0;

function request(): Promise<Outcome> {
  return new Promise((resolve) => {
    inFlight++;
    let settled = false;
    const done = (outcome: Outcome, why?: string) => {
      if (settled) return;
      settled = true;
      inFlight--;
      if (why && outcome === 'failed') failures[why] = (failures[why] ?? 0) + 1;
      resolve(outcome);
    };
    const req = http.get(
      {
        agent,
        host: base.hostname,
        port: base.port,
        path: `/app/slow?ms=${slow}`,
        timeout: 15_000,
      },
      (res) => {
        res.resume();
        res.once('end', () => {
          const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
          done(ok ? 'ok' : 'failed', `HTTP ${res.statusCode}`);
        });
        res.once('aborted', () => done('failed', 'response aborted'));
        res.once('error', (error: NodeJS.ErrnoException) =>
          done('failed', error.code ?? error.message),
        );
      },
    );
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', (error: NodeJS.ErrnoException) => {
      done(error.code === 'ECONNREFUSED' ? 'refused' : 'failed', error.code ?? error.message);
    });
  });
}

async function worker(): Promise<void> {
  while (!stopping) {
    const outcome = await request();
    counts[phase][outcome]++;
    if (outcome === 'refused') return;
  }
}

const running = Array.from({ length: workers }, () => worker());
setTimeout(() => process.send?.('warm'), warmMs);

process.on('message', async (message) => {
  if (message === 'sigterm') {
    phase = 'after';
    inFlightAtSignal = inFlight;
  } else if (message === 'stop') {
    stopping = true;
    await Promise.race([Promise.all(running), new Promise((r) => setTimeout(r, 3000))]);
    process.send?.({ ...counts, failures, inFlightAtSignal, unsettled: inFlight }, () =>
      process.exit(0),
    );
  }
});
