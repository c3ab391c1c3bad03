/**
 * The bounded soak (`pnpm --filter @health/reliability soak`; not part of `pnpm test`): for each
 * adapter's example (and a core-only node:http service), wrk sends probes (readiness, liveness,
 * health, startup in turn) until 2 million probes or 2 minutes, whichever comes first, in 10 s
 * segments. After each segment the service runs a full GC and reports its heap (over IPC, from a
 * preloaded agent); the soak also counts its open file descriptors in /proc/<pid>/fd. It passes
 * when the heap after GC stays flat, no descriptor leaks, p99 does not drift up, no probe fails, and
 * the service still shuts down with exit code 0.
 *
 * env: SOAK_PROBES (2000000), SOAK_SECONDS (120), SOAK_SEGMENT_SECONDS (10), SOAK_ONLY (substring
 * of a target name), SOAK_CONNECTIONS (32).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type Child,
  exitWithin,
  fixtures,
  repoRoot,
  sleep,
  startTs,
} from '../test/support/child.js';
import { startWrk, type WrkResult } from '../test/support/lb.js';

const MAX_PROBES = Number(process.env.SOAK_PROBES ?? 2_000_000);
const MAX_MS = Number(process.env.SOAK_SECONDS ?? 120) * 1000;
const SEGMENT_S = Number(process.env.SOAK_SEGMENT_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 32);
const PATHS = ['/health/ready', '/health/live', '/health', '/health/started'];
const MB = 1024 * 1024;

interface Target {
  name: string;
  entry: string;
  cwd: string;
  env: Record<string, string>;
}

function targets(): Target[] {
  const list: Target[] = [
    {
      name: 'core node:http',
      entry: join(fixtures, 'service.ts'),
      cwd: repoRoot,
      env: { SCENARIO: 'soak', EXIT: '1' },
    },
  ];
  const dir = join(repoRoot, 'examples');
  for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
    if (name === 'demo' || !existsSync(join(dir, name, 'src', 'main.ts'))) continue;
    list.push({
      name: `examples/${name}`,
      entry: join(dir, name, 'src', 'main.ts'),
      cwd: join(dir, name),
      env: {},
    });
  }
  const only = process.env.SOAK_ONLY;
  return only ? list.filter((t) => t.name.includes(only)) : list;
}

interface Sample {
  at: number;
  probes: number;
  heapUsed: number;
  rss: number;
  fds: number;
}

function sample(child: Child, probes: number, began: number): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the soak agent did not answer')), 10_000);
    child.process.once('message', (m: { heapUsed: number; rss: number; gc: boolean }) => {
      clearTimeout(timer);
      if (!m.gc) return reject(new Error('gc is not exposed in the soaked process'));
      resolve({
        at: Date.now() - began,
        probes,
        heapUsed: m.heapUsed,
        rss: m.rss,
        fds: readdirSync(`/proc/${child.pid}/fd`).length,
      });
    });
    child.process.send('sample');
  });
}

const mb = (bytes: number) => (bytes / MB).toFixed(2);
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function soak(target: Target) {
  const agent = pathToFileURL(join(import.meta.dirname, 'soak-agent.ts')).href;
  const child = await startTs(target.entry, {
    cwd: target.cwd,
    env: { ...target.env, DRAIN_DELAY_MS: '0' },
    nodeArgs: ['--expose-gc', '--import', agent],
    ipc: true,
    listenTimeout: 120_000,
  });
  const began = Date.now();
  let probes = 0;
  let errors = 0;
  const segments: WrkResult[] = [];
  const run = async (seconds: number) => {
    const result = await startWrk(child.url, {
      connections: CONNECTIONS,
      threads: 2,
      maxSeconds: seconds,
      paths: PATHS,
    }).result;
    probes += result.requests;
    errors += result.connect + result.read + result.write + result.timeout + result.status;
    return result;
  };
  // Warm-up (JIT, caches, first check runs), then the baseline the rest is compared with.
  await run(Math.min(5, SEGMENT_S));
  await sleep(500);
  const samples = [await sample(child, probes, began)];
  while (probes < MAX_PROBES && Date.now() - began < MAX_MS) {
    // The last segment is cut to what is left of the probe or time budget.
    const timeLeft = (MAX_MS - (Date.now() - began)) / 1000;
    const previous = segments.at(-1);
    const rate = previous
      ? previous.requests / (previous.durationMs / 1000)
      : Number.POSITIVE_INFINITY;
    const probesLeft = (MAX_PROBES - probes) / rate;
    segments.push(await run(Math.max(1, Math.ceil(Math.min(SEGMENT_S, timeLeft, probesLeft)))));
    await sleep(500); // let the closed wrk connections finish closing
    samples.push(await sample(child, probes, began));
    const s = samples.at(-1) as Sample;
    const w = segments.at(-1) as WrkResult;
    console.log(
      `[soak] ${target.name}: ${probes} probes, ${(w.requests / (w.durationMs / 1000)).toFixed(0)} probes/s, p99 ${w.p99Ms.toFixed(2)} ms, heap after GC ${mb(s.heapUsed)} MB, rss ${mb(s.rss)} MB, fds ${s.fds}`,
    );
  }
  const seconds = (Date.now() - began) / 1000;
  child.kill('SIGTERM');
  const exit = await exitWithin(child, 30_000);

  const first = samples[0] as Sample;
  const last = samples.at(-1) as Sample;
  const p99s = segments.map((s) => s.p99Ms);
  const heapGrowth = last.heapUsed - first.heapUsed;
  // Flat: within 2 MB or 10 % of the baseline, whichever is larger (GC noise, lazily built caches).
  const heapFlat = heapGrowth <= Math.max(2 * MB, first.heapUsed * 0.1);
  const fdsFlat = last.fds <= first.fds + 2;
  // Stable: no upward drift. The median p99 of the second half of the segments stays within 2× (+5 ms)
  // of the first half's; single spikes (a busy neighbour on a shared machine) do not count.
  const half = Math.ceil(p99s.length / 2);
  const earlyP99 = median(p99s.slice(0, half));
  const lateP99 = median(p99s.slice(p99s.length - half));
  const p99Stable = lateP99 <= 2 * earlyP99 + 5;
  const ok = heapFlat && fdsFlat && p99Stable && errors === 0 && exit.code === 0;
  const report = {
    target: target.name,
    probes,
    seconds: Math.round(seconds),
    probesPerSecond: Math.round(probes / seconds),
    failedProbes: errors,
    heapAfterGcMB: {
      before: Number(mb(first.heapUsed)),
      after: Number(mb(last.heapUsed)),
      growth: Number(mb(heapGrowth)),
      flat: heapFlat,
    },
    fds: { before: first.fds, after: last.fds, flat: fdsFlat },
    p99Ms: { early: earlyP99, late: lateP99, max: Math.max(...p99s), stable: p99Stable },
    exitCode: exit.code,
    ok,
  };
  console.log(`[soak] ${JSON.stringify(report)}`);
  return report;
}

const reports = [];
for (const target of targets()) reports.push(await soak(target));
console.log('\n[soak] summary');
console.log(
  'target                  probes     s   probes/s  heap after GC before -> after (MB)   fds        p99 early/late/max (ms)     ok',
);
for (const r of reports) {
  console.log(
    `${r.target.padEnd(22)} ${String(r.probes).padStart(8)} ${String(r.seconds).padStart(5)} ${String(r.probesPerSecond).padStart(9)}   ${r.heapAfterGcMB.before.toFixed(2).padStart(7)} -> ${r.heapAfterGcMB.after.toFixed(2).padStart(7)} (${r.heapAfterGcMB.growth >= 0 ? '+' : ''}${r.heapAfterGcMB.growth.toFixed(2)})   ${String(r.fds.before).padStart(3)} -> ${String(r.fds.after).padEnd(3)}   ${r.p99Ms.early.toFixed(2)}/${r.p99Ms.late.toFixed(2)}/${r.p99Ms.max.toFixed(2)}   ${r.ok ? 'PASS' : 'FAIL'}`,
  );
}
process.exitCode = reports.every((r) => r.ok) ? 0 : 1;
