/**
 * BENCHMARKS.md, rendered from a results file: summary of targets (met / missed, why, and what
 * would close it), method, machine and versions, then one table per suite.
 */
import type { BenchResults } from '../results.js';
import { FRAMEWORK_LABELS } from '../scenarios.js';
import {
  ADAPTER_TARGET,
  ci,
  evaluateTargets,
  perProbe,
  type TargetLine,
  type Verdict,
  x,
} from './targets.js';

/** `0.99× [0.97, 1.01]`: mean and 95 % interval of per-round ratios. */
const short = (i: { mean: number; low: number; high: number } | undefined): string =>
  i && Number.isFinite(i.low)
    ? `${x(i.mean)} [${i.low.toFixed(2)}, ${i.high.toFixed(2)}]`
    : x(i?.mean);
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
const word: Record<Verdict, string> = {
  met: '✅ met',
  'not shown': '⚠️ not shown',
  missed: '❌ missed',
  'n/a': 'n/a',
};
const mark = (t: TargetLine): string => {
  if (t.verdict === undefined) return t.met ? '✅' : '❌';
  return t.cpuVerdict === undefined
    ? word[t.verdict]
    : `req/s ${word[t.verdict]} · CPU ${word[t.cpuVerdict]}`;
};

function summary(results: BenchResults): string[] {
  const t = evaluateTargets(results);
  const lines: string[] = [
    '## Targets',
    '',
    'A ratio target counts as met only when the lower bound of its 95 % confidence interval (a t-interval over the paired per-round ratios) clears it; "not shown" means the interval straddles the target: this run cannot tell.',
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
  add(
    `Each adapter ≥ ${ADAPTER_TARGET}× its framework’s bare route (req/s and server CPU per probe)`,
    t.adapterThroughput,
  );
  add('Ahead of every peer (same framework, same run; req/s and CPU per probe)', t.aheadOfPeers);
  add(
    'Features cost the probe (almost) nothing vs plain @health/core: groups and thresholds, metrics on, dashboard SSE clients connected',
    t.variants,
  );
  add('Check runs ≤ 1 per cache interval, whatever the probe rate', t.runsPerProbe);
  add('`@health/core`: zero runtime dependencies', t.coreDependencies);
  add('`@health/core` imports faster than every peer', t.coreImport);
  add('SIGTERM under keep-alive load: no failed request, exit 0 (DESIGN.md)', t.shutdown);
  lines.push('');
  const open = Object.values(t)
    .flat()
    .filter((r) => !r.met || (r.cpuVerdict !== undefined && r.cpuVerdict !== 'met'));
  const measured = Object.values(t).some((rows) => rows.length > 0);
  if (open.length === 0) {
    lines.push(
      measured
        ? 'Every target measured in this run was met.'
        : 'No target was measured in this run.',
      '',
    );
    return lines;
  }
  lines.push('### Not met or not shown in this run', '');
  for (const m of open) lines.push(`- **${m.subject}** — ${m.value}: ${mark(m)}.`);
  lines.push(
    '',
    'A "not shown" interval narrows with more rounds (`ROUNDS=…`, see bench/README.md for how many give ±2 % here); a "missed" one is a real gap.',
    '',
  );
  return lines;
}

function method(results: BenchResults): string[] {
  const c = results.config;
  return [
    '## Method',
    '',
    `- **Servers under test** run as separate child processes (one per scenario, \`bench/src/servers/<id>.ts\`, compiled with SWC so Nest gets decorator metadata, run on plain \`node\` with \`NODE_ENV=production\`), listening on 127.0.0.1. Pinning: ${results.machine.pinning}. Load only ever targets 127.0.0.1 (lightship binds its own probe server to 0.0.0.0, which it does not let you change; it is still only probed on 127.0.0.1).`,
    '- **Every library is set up as its README recommends**, with the same check: one function that counts its runs (resolving at once for throughput, taking 20 ms for amplification). Ours (`@health/*`) load their built `dist`, as users do. Bare routes answer `{"status":"UP"}` the framework’s idiomatic way (`res.json`, returning an object, `ctx.body`, a Nest controller).',
    `- **Probe throughput and latency**: per framework, all its servers start together; after a ${c.warmup} s warm-up each, ${c.rounds} rounds of \`wrk -t1 -c${c.connections} -d${c.duration}s\` on the readiness endpoint interleave them (A B C, B C A, …), so drift in the machine’s load hits all alike. Reported: medians of req/s, of server CPU per probe and of p50/p99 latency; every ratio is the mean over rounds of the per-round ratio (req/s ÷ the bare route’s req/s in the same round; CPU per probe bare ÷ ours) with its 95 % t-interval over those paired rounds, and a target is met only when the interval’s lower bound clears it. Server CPU per probe is the server process’s user + system CPU time (\`process.cpuUsage()\`, read over IPC before and after each measurement) divided by the probes answered. On a quiet machine a CPU-bound server’s req/s ratio equals its CPU ratio; on a shared one, req/s also measures who got the CPU, so the CPU ratio is the steadier figure.`,
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
      '| server | req/s | vs bare (req/s, 95 % CI) | server CPU per probe | vs bare (CPU, 95 % CI) | p50 | p99 | errors |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const r of g.rows) {
      lines.push(
        `| ${r.kind === 'ours' ? `**${r.label}**` : r.label} | ${int(r.rps)} | ${r.kind === 'bare' ? '1' : short(r.ratioCI)} | ${Number.isFinite(r.cpuUs) ? `${r.cpuUs.toFixed(1)} µs` : 'n/a'} | ${r.kind === 'bare' ? '1' : short(r.cpuRatioCI)} | ${us(r.p50Us)} | ${us(r.p99Us)} | ${r.errors} |`,
      );
    }
    for (const p of g.oursVsPeers) {
      const label = (id: string) => g.rows.find((r) => r.id === id)?.label ?? id;
      lines.push(
        ``,
        `${label(p.ours)} vs ${label(p.peer)}: req/s ours ÷ theirs ${ci(p.ci)}; CPU per probe theirs ÷ ours ${ci(p.cpuCI)}.`,
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
    'pnpm bench                                   # full run (~10 min): measures, then rewrites this file and bench/results/latest.json',
    'pnpm --filter @health/bench bench:report     # re-render this file from bench/results/latest.json',
    'pnpm --filter @health/bench bench:smoke      # ~1-2 s per scenario, writes bench/results/raw/smoke.json only',
    'ROUNDS=12 DURATION=3 pnpm bench              # more rounds, tighter intervals; see bench/README.md',
    '```',
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
