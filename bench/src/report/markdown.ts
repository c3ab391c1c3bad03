/**
 * BENCHMARKS.md, rendered from a results file: summary of targets (met / missed, why, and what
 * would close it), method, machine and versions, then one table per suite.
 */
import type { BenchResults } from '../run.js';
import { FRAMEWORK_LABELS } from '../scenarios.js';
import {
  ADAPTER_TARGET,
  evaluateTargets,
  perProbe,
  signed,
  type TargetLine,
  x,
} from './targets.js';

const int = (n: number): string =>
  Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
const ms = (n: number | undefined, digits = 0): string =>
  n === undefined || !Number.isFinite(n) ? 'n/a' : `${n.toFixed(digits)} ms`;
const us = (n: number): string =>
  n >= 10_000 ? `${(n / 1000).toFixed(1)} ms` : `${Math.round(n)} µs`;
const kib = (bytes: number): string =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(0)} KiB`;
const mark = (t: TargetLine): string => {
  if (t.met) return t.cpuMet === false ? '✅ (by req/s; not by CPU)' : '✅';
  if (t.withinNoise) return t.cpuMet ? '⚠️ within noise; met by CPU' : '⚠️ within noise';
  return t.cpuMet ? '❌ by req/s; met by CPU' : '❌';
};

/**
 * Per scenario: what a probe does beyond the bare route, and what would close a gap. Kept
 * structural (true whatever the numbers); the numbers come from the run.
 */
const WHY: Record<string, { cost: string; close: string }> = {
  'node-core': {
    cost: "per probe, `health.respond()` splits the query, looks the path up, reads the cached check result and returns a memoized frozen response synchronously (no promise hop); the Node writer then writes the contract's three headers (`content-type` with charset, `cache-control: no-store`, `content-length`) where the bare route writes one. Writing three static headers instead of one measured about 6% of a bare node:http probe on its own",
    close:
      'nothing without dropping part of the contract: `Cache-Control: no-store` is what keeps proxies from caching a probe; the gap is the price of those bytes (under 1 µs per probe)',
  },
  'express-health': {
    cost: "the adapter is an `app.use()` middleware in front of the router, so every probe also walks Express's middleware stack to it, then goes through the same core path as node:http; the bare route is matched by the router and `res.json()` (which also computes an ETag)",
    close:
      'mount the router first (`app.use(healthRouter(health))` before other middleware) so probes skip the rest of the stack',
  },
  'fastify-health': {
    cost: "the probe route is registered in an inner encapsulated context with a catch-all content-type parser (so core can answer 405 whatever the body), and the handler sets headers from an object with `reply.headers()` and sends core's pre-serialized string synchronously; the bare route returns an object serialized by fast-json-stringify",
    close:
      'register GET/HEAD routes separately from the 405 catch-all, and `reply.header()` per key or `reply.raw` for the memoized response',
  },
  'koa-health': {
    cost: "the middleware sets `ctx.status` (for upstream middleware) and writes core's memoized response with core's Node writer (`ctx.respond = false`); the bare route lets Koa serialize an object body",
    close: "nothing structural: Koa's own response handling is bypassed",
  },
  'nest-health': {
    cost: "the probe route is registered with `httpAdapter.all()` (outside Nest's router, guards and interceptors) and written with core's Node writer",
    close: "nothing structural: the route already bypasses Nest's request pipeline",
  },
};

const PEER_WHY: Record<string, string> = {
  lightship:
    'lightship answers from its own Fastify server on a separate port with a static state string and no check at all (state is pushed by the app), so it measures an empty Fastify route',
  'fastify-under-pressure':
    'under-pressure runs its health check on every status request (a resolved promise here) and answers from a Fastify route with a response schema',
  'node-terminus':
    'terminus runs the health check on every probe and builds the JSON body each time',
  'express-health-connect':
    'health-connect runs its readiness checks on every probe and writes the body with `res.write()` + `res.end()` (chunked)',
  'nest-terminus': "terminus runs the indicator on every probe inside Nest's router pipeline",
};

function summary(results: BenchResults): string[] {
  const t = evaluateTargets(results);
  const lines: string[] = [
    '## Targets',
    '',
    '| target | subject | measured | |',
    '|---|---|---|---|',
  ];
  const add = (target: string, rows: TargetLine[]) => {
    rows.forEach((r, i) => {
      lines.push(`| ${i === 0 ? target : ''} | ${r.subject} | ${r.value} | ${mark(r)} |`);
    });
    if (rows.length === 0) lines.push(`| ${target} | — | not measured in this run | |`);
  };
  add('Each adapter ≥ 0.95× its framework’s bare route (req/s)', t.adapterThroughput);
  add('Ahead of every peer on probe throughput (same framework, same run)', t.aheadOfPeers);
  add('Check runs ≤ 1 per cache interval, whatever the probe rate', t.runsPerProbe);
  add('`@health/core`: zero runtime dependencies', t.coreDependencies);
  add('`@health/core` imports faster than every peer', t.coreImport);
  add('SIGTERM under keep-alive load: no failed request, exit 0 (DESIGN.md)', t.shutdown);
  lines.push('');
  const missed = Object.values(t)
    .flat()
    .filter((r) => !r.met);
  const cpuOnly = [...t.adapterThroughput, ...t.aheadOfPeers].filter(
    (r) => r.met && r.cpuMet === false,
  );
  const measured = Object.values(t).some((rows) => rows.length > 0);
  const groups = results.throughput ?? [];
  const row = (id: string) => groups.flatMap((g) => g.rows).find((r) => r.id === id);
  /** By how much (req/s and CPU), whether it is noise, why, and what would close it. */
  const adapterNote = (m: TargetLine): string => {
    const r = row(m.id);
    const why = WHY[m.id];
    const bare = groups
      .find((g) => g.framework === r?.framework)
      ?.rows.find((b) => b.kind === 'bare');
    const byRps = m.met
      ? `${x(r?.ratio)} by req/s (met), but ${x(r?.cpuRatio)} by server CPU per probe, which is what a quiet machine’s req/s would show for a CPU-bound server.`
      : `${x(r?.ratio)} by req/s, ${(100 * (ADAPTER_TARGET - (r?.ratio ?? 0))).toFixed(1)} points under the target.`;
    const cpu =
      r && bare && Number.isFinite(r.cpuUs) && Number.isFinite(bare.cpuUs)
        ? ` By server CPU time it costs ${r.cpuUs.toFixed(1)} µs per probe against the bare route’s ${bare.cpuUs.toFixed(1)} µs (${signed(r.cpuUs - bare.cpuUs)} µs, ${x(r.cpuRatio)})${m.cpuMet ? ', which meets the target: the req/s miss is the machine’s noise, not the adapter' : ''}.`
        : '';
    const noise = m.withinNoise
      ? ' The per-round req/s ratios straddle the target, so this (busy) run cannot tell a miss from noise; a quiet-machine re-run decides.'
      : '';
    const because = !why
      ? ''
      : m.cpuMet
        ? ` If a quiet-machine run still shows a gap, this is what the adapter does beyond the bare route: ${why.cost}; and what would close it: ${why.close}.`
        : ` Why it costs more than the bare route: ${why.cost}. What would close it: ${why.close}.`;
    return `- **${m.subject}: ${byRps}**${cpu}${noise}${because}`;
  };
  if (cpuOnly.length) {
    lines.push('### Met by req/s but not by server CPU time (check on the quiet re-run)', '');
    for (const m of cpuOnly) {
      lines.push(
        t.adapterThroughput.includes(m)
          ? adapterNote(m)
          : `- **${m.subject}: ${m.value}.** Ahead by req/s, behind by CPU per probe.`,
      );
    }
    lines.push('');
  }
  if (missed.length === 0) {
    lines.push(
      measured
        ? 'Every target measured in this run was met.'
        : 'No target was measured in this run.',
      '',
    );
    return lines;
  }
  lines.push('### Missed targets: by how much, why, and what would close it', '');
  for (const m of t.adapterThroughput.filter((r) => !r.met)) lines.push(adapterNote(m));
  for (const m of t.aheadOfPeers.filter((r) => !r.met)) {
    const peerId = m.id.split('/')[1] as string;
    lines.push(
      `- **${m.subject}: ${m.value}.**${m.cpuMet ? ' By server CPU per probe ours is ahead, so the req/s gap is the machine’s noise.' : ''}${m.withinNoise ? ' The per-round ratios straddle 1.' : ''} ${PEER_WHY[peerId] ? `${PEER_WHY[peerId]}.` : ''} Where a real gap remains it is our adapter’s per-probe cost described above; the same fixes close it.`,
    );
  }
  for (const m of t.runsPerProbe.filter((r) => !r.met)) {
    lines.push(
      `- **${m.subject}: ${m.value}.** More runs than one per cache interval means probes bypassed the cache (a check result expiring while a run was in flight, or a restart of the engine): look at \`CheckRunner.result()\` in packages/core/src/engine.ts.`,
    );
  }
  for (const m of t.coreDependencies.filter((r) => !r.met)) {
    lines.push(
      `- **${m.subject}: ${m.value}.** Core must stay dependency-free: inline or drop them.`,
    );
  }
  for (const m of t.shutdown.filter((r) => !r.met)) {
    lines.push(
      `- **${m.subject}: ${m.value}.** Why: the failure kinds in the shutdown table say which race it was — ECONNRESET / EPIPE / socket hang up is a request written on a keep-alive socket the server closed under it; HTTP 5xx is the framework answering while it closes. What would close it: core's rule in packages/core/src/server.ts — from STOPPING on every response, including those in flight, carries \`Connection: close\`, and sockets idle at that moment stay open for the keep-alive window the server advertised — must hold on this adapter's server too (is the server registered with \`health.addServer()\`, and does the framework close connections itself first?).`,
    );
  }
  for (const m of t.coreImport.filter((r) => !r.met)) {
    lines.push(
      `- **${m.subject}: ${m.value}.** Core's import is its module graph (one ESM bundle plus a shared chunk); a smaller entry (lazy response formats) would shorten it.`,
    );
  }
  lines.push('');
  return lines;
}

function method(results: BenchResults): string[] {
  const c = results.config;
  return [
    '## Method',
    '',
    `- **Servers under test** run as separate child processes (one per scenario, \`bench/src/servers/<id>.ts\`, compiled with SWC so Nest gets decorator metadata, run on plain \`node\` with \`NODE_ENV=production\`), listening on 127.0.0.1. Pinning: ${results.machine.pinning}. Load only ever targets 127.0.0.1 (lightship binds its own probe server to 0.0.0.0, which it does not let you change; it is still only probed on 127.0.0.1).`,
    '- **Every library is set up as its README recommends**, with the same check: one function that counts its runs (resolving at once for throughput, taking 20 ms for amplification). Ours (`@health/*`) load their built `dist`, as users do. Bare routes answer `{"status":"UP"}` the framework’s idiomatic way (`res.json`, returning an object, `ctx.body`, a Nest controller).',
    `- **Probe throughput and latency**: per framework, all its servers start together; after a ${c.warmup} s warm-up each, ${c.rounds} rounds of \`wrk -t1 -c${c.connections} -d${c.duration}s\` on the readiness endpoint interleave them (A B C, B C A, …), so drift in the machine’s load hits all alike. Reported: medians of req/s and of p50/p99 latency; the ratio is the median over rounds of req/s ÷ the bare route’s req/s in the same round; server CPU per probe is the server process’s user + system CPU time (\`process.cpuUsage()\`, read over IPC before and after each measurement) divided by the probes answered, and its ratio is bare ÷ ours per round, median. On a quiet machine a CPU-bound server’s req/s ratio equals its CPU ratio; on a shared one, req/s also measures who got the CPU, so the CPU ratio is the steadier figure.`,
    `- **Check amplification**: a check taking ${c.ampCheckMs} ms that counts its runs, \`wrk -c${c.ampConnections} -d${c.ampDuration}s\` on readiness; check runs are read from the server over IPC before and after. Ours cache for ${c.cacheMs} ms (the default TTL); the bound is one run per cache interval + 1. A peer that runs the check on every probe scores 1.0 (slightly above: the probes still in flight when wrk stops ran the check but are not counted as answered).`,
    `- **Shutdown cost**: ${c.shutdownWorkers} keep-alive connections send \`GET /app/slow?ms=${c.shutdownSlowMs}\` back to back (a client process pinned to the load CPU); after warm-up the server gets SIGTERM with ~${c.shutdownWorkers} requests in flight. Measured: SIGTERM → process exit, and requests lost after SIGTERM — *failed* (reset, hang-up, 5xx: a request the server accepted and did not answer) apart from *refused* (a new connection after the listener closed; each client connection stops at its first refusal, as a load balancer would move on). Drain delay ${c.drainMs} ms for every library that has one, so what is measured is the library’s own machinery. A process still alive after ${c.shutdownTimeoutMs / 1000} s is killed and reported as "did not exit". Median of ${c.shutdownRounds} rounds.`,
    `- **Footprint**: import time is measured inside fresh \`node\` processes (\`performance.now()\` around \`await import()\`), median of ${c.importRuns}, interleaved; "added to the app" imports the framework the package plugs into first (untimed). Installed dependencies are walked from the installed tree (\`dependencies\` + \`optionalDependencies\`, recursively, deduplicated by name@version; peer dependencies excluded — the app has them already); size is the bytes on disk of the package and those dependencies (for our workspace packages, the files they publish: \`dist\` including source maps and both ESM and CJS builds, README, package.json). Built size: esbuild bundle of \`@health/core\`’s \`dist\` entry, minified, then gzip -9.`,
    '',
  ];
}

function machine(results: BenchResults): string[] {
  const m = results.machine;
  const v = Object.entries(results.versions)
    .map(([name, version]) => `\`${name}\` ${version}`)
    .join(', ');
  const busy = results.load.median > m.cores * 0.5;
  return [
    '## Machine and versions',
    '',
    `- ${m.cores}× ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}; ${m.wrk}.`,
    `- Run: ${results.startedAt} → ${results.finishedAt} (${Math.round(results.seconds / 60)} min ${results.seconds % 60} s).`,
    `- **How busy the machine was**: 1-minute load average ${results.load.min.toFixed(2)} / ${results.load.median.toFixed(2)} / ${results.load.max.toFixed(2)} (min / median / max, sampled every 5 s) on ${m.cores} cores.${busy ? ' The machine was shared with other work during this run, so absolute numbers are low and noisy; ratios within a group (interleaved rounds) are the meaningful figures, and a re-run on a quiet machine should replace these tables.' : ''}`,
    `- Versions: ${v}.`,
    '',
  ];
}

function throughput(results: BenchResults): string[] {
  const groups = results.throughput;
  if (!groups?.length) return [];
  const lines = [
    '## 1. Probe throughput and latency',
    '',
    'Readiness endpoint, healthy service, one cached check. Ratios are against the same framework’s bare route in the same run: by req/s (what the issue asks), and by the server’s own CPU time per probe (user + system, read from the server process around each measurement), which other work on a shared machine disturbs far less — a CPU-bound server’s req/s ratio on a quiet machine is that CPU ratio.',
    '',
  ];
  for (const g of groups) {
    lines.push(
      `### ${FRAMEWORK_LABELS[g.framework]}`,
      '',
      '| server | req/s | vs bare (req/s) | server CPU per probe | vs bare (CPU) | p50 | p99 | errors |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const r of g.rows) {
      lines.push(
        `| ${r.kind === 'ours' ? `**${r.label}**` : r.label} | ${int(r.rps)} | ${x(r.ratio)} | ${Number.isFinite(r.cpuUs) ? `${r.cpuUs.toFixed(1)} µs` : 'n/a'} | ${x(r.cpuRatio)} | ${us(r.p50Us)} | ${us(r.p99Us)} | ${r.errors} |`,
      );
    }
    for (const p of g.oursVsPeers) {
      const label = (id: string) => g.rows.find((r) => r.id === id)?.label ?? id;
      lines.push(
        ``,
        `${label(p.ours)} serves **${x(p.ratio)}** the probes/s of ${label(p.peer)} (rounds ${x(p.low)}–${x(p.high)}), and uses ${x(p.cpuRatio === undefined ? Number.NaN : 1 / p.cpuRatio)} its CPU per probe.`,
      );
    }
    lines.push('');
  }
  return lines;
}

function amplification(results: BenchResults): string[] {
  const rows = results.amplification;
  if (!rows?.length) return [];
  const c = results.config;
  return [
    '## 2. Check amplification',
    '',
    `One check taking ${c.ampCheckMs} ms that counts its runs; ${c.ampConnections} connections probe readiness for ${c.ampDuration} s.`,
    '',
    '| library | probes answered | check runs | runs per probe | probes/s | probe p50 | probe p99 | failed probes |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.kind === 'ours' ? `**${r.label}**` : r.label} | ${int(r.probes)} | ${int(r.checkRuns)} | ${perProbe(r.runsPerProbe)} | ${int(r.rps)} | ${us(r.p50Us)} | ${us(r.p99Us)} | ${r.failedProbes} |`,
    ),
    '',
    'lightship is not in this table: its probes report state the app pushes (`signalReady()`), no check runs on a probe.',
    '',
  ];
}

function shutdown(results: BenchResults): string[] {
  const rows = results.shutdown;
  if (!rows?.length) return [];
  const failures = (r: (typeof rows)[number]) => {
    const kinds: Record<string, number> = {};
    for (const s of r.samples)
      for (const [k, n] of Object.entries(s.failures)) kinds[k] = (kinds[k] ?? 0) + n;
    return Object.entries(kinds)
      .map(([k, n]) => `${k} ×${n}`)
      .join(', ');
  };
  return [
    '## 3. Shutdown cost',
    '',
    'SIGTERM with requests in flight on keep-alive connections (medians over rounds; "failure kinds" sums all rounds).',
    '',
    '| library | SIGTERM → exit | how it exited | in flight at SIGTERM | answered after SIGTERM | failed | refused (listener closed) | failure kinds |',
    '|---|---:|---|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.kind === 'ours' ? `**${r.label}**` : r.label} | ${r.exitMs === undefined ? `did not exit (killed after ${results.config.shutdownTimeoutMs / 1000} s)` : `${ms(r.exitMs)}${r.hung ? ` (${r.hung} round(s) did not exit)` : ''}`} | ${r.exits.join(', ')} | ${int(r.inFlight)} | ${int(r.served)} | ${int(r.failed)} | ${int(r.refused)} | ${failures(r) || '—'} |`,
    ),
    '',
    'A server that keeps serving its keep-alive connections after SIGTERM without asking clients to close them never becomes idle, so `server.close()` never completes: the platform kills it after the grace period and the requests in flight then are lost. Ours mark every response from SIGTERM on — those already in flight included — with `Connection: close`, keep sockets that are idle at that moment open for the keep-alive window the server advertised (a pooled client may still send on them), then stop accepting and exit 0 once the last response is written. `@godaddy/terminus` (through `stoppable`) ends each socket right after its in-flight response without telling the client, which is already sending its next request on it; Fastify’s `close()` answers requests arriving while it closes with 503 (`return503OnClosing`).',
    '',
  ];
}

function footprint(results: BenchResults): string[] {
  const f = results.footprint;
  if (!f) return [];
  const lines = [
    '## 4. Footprint',
    '',
    '### Import time',
    '',
    '| package | kind | import alone | added to an app that already loads its framework |',
    '|---|---|---:|---:|',
    ...f.imports.map(
      (r) =>
        `| ${r.kind === 'ours' ? `**${r.label}**` : r.label} | ${r.kind} | ${ms(r.aloneMs, 1)} | ${r.preload.length ? `${ms(r.overFrameworkMs, 1)} (after ${r.preload.filter((p) => p !== 'reflect-metadata').join(' + ')})` : '—'} |`,
    ),
    '',
    '### Installed dependencies',
    '',
    '| package | version | runtime dependencies installed with it | installed size (itself + those) | of which JavaScript | direct dependencies |',
    '|---|---|---:|---:|---:|---|',
    ...f.deps.map(
      (d) =>
        `| ${d.kind === 'ours' ? `**${d.name}**` : d.name} | ${d.version} | ${d.dependencies} | ${kib(d.bytes)} | ${d.jsBytes === undefined ? 'n/a' : kib(d.jsBytes)} | ${d.direct.map((n) => `\`${n}\``).join(', ') || '—'} |`,
    ),
    '',
  ];
  if (f.coreSize) {
    lines.push(
      '### Built size of `@health/core`',
      '',
      '| entry | bundled | minified | min+gzip |',
      '|---|---:|---:|---:|',
    );
    for (const e of f.coreSize.entries)
      lines.push(
        `| \`${e.entry}\` | ${int(e.rawBytes)} B | ${int(e.minBytes)} B | **${int(e.gzipBytes)} B** |`,
      );
    lines.push('');
  }
  if (f.skippedImports.length) {
    lines.push(
      `Not measured: ${f.skippedImports.map((s) => `${s.id} (${s.note})`).join('; ')}.`,
      '',
    );
  }
  return lines;
}

export function renderMarkdown(results: BenchResults): string {
  const skipped = results.skipped.length
    ? [
        '## Skipped scenarios',
        '',
        ...results.skipped.map((s) => `- **${s.label}** (\`${s.id}\`): ${s.note}`),
        '',
      ]
    : [];
  return [
    '# Benchmarks',
    '',
    `What a health probe costs a service with @health, side by side with the bare framework route and with the libraries a user would otherwise pick. Generated by the benchmark suite in [\`bench/\`](bench/) from its own numbers ([\`bench/results/latest.json\`](bench/results/latest.json)); do not edit by hand.`,
    '',
    '```sh',
    'pnpm bench                                   # full run (~10 min): measures, then rewrites this file, the chart and bench/results/latest.json',
    'pnpm --filter @health/bench bench:report     # re-render this file and the chart from bench/results/latest.json',
    'pnpm --filter @health/bench bench:smoke      # ~1-2 s per scenario, writes bench/results/raw/smoke.json only',
    'ROUNDS=7 DURATION=5 pnpm bench               # longer runs; see bench/README.md for every setting',
    '```',
    '',
    '![Benchmark chart: probe throughput vs bare route, check runs per probe, shutdown time, import cost](bench/results/chart.svg)',
    '',
    ...summary(results),
    ...skipped,
    ...method(results),
    ...machine(results),
    ...throughput(results),
    ...amplification(results),
    ...shutdown(results),
    ...footprint(results),
  ].join('\n');
}
