/**
 * The chart in BENCHMARKS.md, drawn by hand as SVG from a results file (no charting
 * dependency): probe throughput vs the bare route, check runs per probe, SIGTERM -> exit, and
 * import cost. Ours in blue, peers in grey, bare routes are the 1.00× line.
 */
import type { BenchResults } from '../results.js';
import { FRAMEWORK_LABELS } from '../scenarios.js';
import { ADAPTER_TARGET, perProbe, x } from './targets.js';

const WIDTH = 1000;
const LABEL_W = 300;
const BAR_X = LABEL_W + 10;
/** Room on the right for the value text of a full-length bar. */
const BAR_W = WIDTH - BAR_X - 230;
const ROW_H = 22;
const COLORS = {
  ours: '#2563eb',
  peer: '#9ca3af',
  bare: '#d1d5db',
  target: '#dc2626',
  grid: '#e5e7eb',
  text: '#111827',
  muted: '#6b7280',
};

interface Bar {
  label: string;
  value: number;
  text: string;
  kind: 'ours' | 'peer' | 'bare';
  /** Drawn hatched in red (did not exit). */
  bad?: boolean;
  /** 95 % interval drawn as a whisker over the bar. */
  low?: number;
  high?: number;
}

interface Panel {
  title: string;
  subtitle: string;
  bars: Bar[];
  scale: 'linear' | 'log';
  domain: [number, number];
  /** Vertical reference lines. */
  marks?: {
    at: number;
    label: string;
    color: string;
    dashed?: boolean;
    anchor?: 'start' | 'end';
  }[];
  ticks: number[];
  tickFormat: (v: number) => string;
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function position(panel: Panel, value: number): number {
  const [lo, hi] = panel.domain;
  const v = Math.min(Math.max(value, lo), hi);
  const t =
    panel.scale === 'log'
      ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))
      : (v - lo) / (hi - lo);
  return BAR_X + t * BAR_W;
}

function drawPanel(panel: Panel, top: number): { svg: string; height: number } {
  const parts: string[] = [];
  parts.push(
    `<text x="16" y="${top + 18}" font-size="15" font-weight="600" fill="${COLORS.text}">${esc(panel.title)}</text>`,
  );
  parts.push(
    `<text x="16" y="${top + 36}" font-size="11.5" fill="${COLORS.muted}">${esc(panel.subtitle)}</text>`,
  );
  const y0 = top + 64;
  const plotH = Math.max(panel.bars.length, 1) * ROW_H;
  for (const tick of panel.ticks) {
    const px = position(panel, tick);
    parts.push(
      `<line x1="${px.toFixed(1)}" y1="${y0}" x2="${px.toFixed(1)}" y2="${y0 + plotH}" stroke="${COLORS.grid}"/>`,
    );
    parts.push(
      `<text x="${px.toFixed(1)}" y="${y0 + plotH + 14}" font-size="10.5" fill="${COLORS.muted}" text-anchor="middle">${esc(panel.tickFormat(tick))}</text>`,
    );
  }
  for (const mark of panel.marks ?? []) {
    const px = position(panel, mark.at);
    parts.push(
      `<line x1="${px.toFixed(1)}" y1="${y0 - 4}" x2="${px.toFixed(1)}" y2="${y0 + plotH}" stroke="${mark.color}" stroke-width="1.5"${mark.dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
    );
    const anchor = mark.anchor ?? 'middle';
    const tx = anchor === 'end' ? px - 3 : anchor === 'start' ? px + 3 : px;
    parts.push(
      `<text x="${tx.toFixed(1)}" y="${y0 - 7}" font-size="10.5" fill="${mark.color}" text-anchor="${anchor}">${esc(mark.label)}</text>`,
    );
  }
  panel.bars.forEach((bar, i) => {
    const y = y0 + i * ROW_H;
    const end = position(panel, bar.value);
    const color = bar.bad ? 'url(#hatch)' : COLORS[bar.kind];
    parts.push(
      `<text x="${LABEL_W}" y="${y + 15}" font-size="12" fill="${COLORS.text}" text-anchor="end">${esc(bar.label)}</text>`,
    );
    if (Number.isFinite(bar.value)) {
      parts.push(
        `<rect x="${BAR_X}" y="${y + 4}" width="${Math.max(end - BAR_X, 1).toFixed(1)}" height="${ROW_H - 8}" fill="${color}" rx="2"/>`,
      );
    }
    if (Number.isFinite(bar.low) && Number.isFinite(bar.high)) {
      const a = position(panel, bar.low as number).toFixed(1);
      const b = position(panel, bar.high as number).toFixed(1);
      const m = y + ROW_H / 2;
      parts.push(
        `<path d="M${a} ${m}H${b}M${a} ${m - 4}V${m + 4}M${b} ${m - 4}V${m + 4}" stroke="${COLORS.text}" stroke-width="1.2" fill="none"/>`,
      );
    }
    parts.push(
      `<text x="${(Number.isFinite(bar.value) ? end : BAR_X) + 5}" y="${y + 15}" font-size="11.5" fill="${COLORS.text}" stroke="#ffffff" stroke-width="3" paint-order="stroke">${esc(bar.text)}</text>`,
    );
  });
  return { svg: parts.join('\n'), height: 64 + plotH + 34 };
}

function throughputPanel(results: BenchResults): Panel | undefined {
  const bars: Bar[] = (results.throughput ?? []).flatMap((g) =>
    g.rows
      .filter((r) => r.kind !== 'bare')
      .map((r) => ({
        label: `${FRAMEWORK_LABELS[g.framework].split(' (')[0]}: ${r.label}`,
        value: r.ratio,
        low: r.ratioCI?.low ?? Number.NaN,
        high: r.ratioCI?.high ?? Number.NaN,
        text: Number.isFinite(r.cpuRatio) ? `${x(r.ratio)}  (CPU ${x(r.cpuRatio)})` : x(r.ratio),
        kind: r.kind,
      })),
  );
  if (!bars.length) return undefined;
  const top = Math.max(
    1.25,
    Math.ceil(Math.max(...bars.map((b) => (Number.isFinite(b.value) ? b.value : 0))) * 4 + 0.5) / 4,
  );
  return {
    title:
      'Readiness probe throughput, relative to the same framework’s bare {"status":"UP"} route',
    subtitle: `req/s ÷ bare route req/s, median of ${results.config.rounds} interleaved rounds (${results.config.connections} connections, wrk), whisker: 95 % CI; in brackets: by server CPU time per probe. Target: adapters ≥ ${ADAPTER_TARGET.toFixed(2)}×.`,
    bars,
    scale: 'linear',
    domain: [0, top],
    ticks: Array.from({ length: Math.round(top / 0.25) + 1 }, (_, i) => i * 0.25),
    tickFormat: (v) => `${v.toFixed(2)}×`,
    marks: [
      { at: 1, label: 'bare route = 1.00×', color: COLORS.muted, anchor: 'start' },
      {
        at: ADAPTER_TARGET,
        label: `target ${ADAPTER_TARGET.toFixed(2)}×`,
        color: COLORS.target,
        dashed: true,
        anchor: 'end',
      },
    ],
  };
}

function amplificationPanel(results: BenchResults): Panel | undefined {
  const rows = results.amplification ?? [];
  if (!rows.length) return undefined;
  return {
    title: 'Check runs per probe (log scale; lower is better)',
    subtitle: `one check taking ${results.config.ampCheckMs} ms, ${results.config.ampConnections} connections probing readiness for ${results.config.ampDuration} s; 1.0 = the check runs on every probe`,
    bars: rows.map((r) => ({
      label: r.label,
      value:
        Number.isFinite(r.runsPerProbe) && r.runsPerProbe !== null
          ? Math.max(r.runsPerProbe, 1e-5)
          : Number.NaN,
      text: `${perProbe(r.runsPerProbe)} (${r.checkRuns.toLocaleString('en-US')} runs / ${r.probes.toLocaleString('en-US')} probes)`,
      kind: r.kind === 'bare' ? 'peer' : r.kind,
    })),
    scale: 'log',
    domain: [1e-5, 10],
    ticks: [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10],
    tickFormat: (v) => (v >= 1 ? String(v) : v.toExponential(0)),
    marks: [{ at: 1, label: 'every probe', color: COLORS.target, dashed: true }],
  };
}

function shutdownPanel(results: BenchResults): Panel | undefined {
  const rows = results.shutdown ?? [];
  if (!rows.length) return undefined;
  const limit = results.config.shutdownTimeoutMs;
  return {
    title: 'SIGTERM → process exit under keep-alive load (lower is better), and requests lost',
    subtitle: `${results.config.shutdownWorkers} keep-alive connections sending ${results.config.shutdownSlowMs} ms requests; drain delay ${results.config.drainMs} ms for all; hatched = did not exit, killed after ${limit / 1000} s`,
    bars: rows.map((r) => ({
      label: r.label,
      value: r.exitMs ?? limit,
      text: `${r.exitMs === undefined ? 'did not exit' : `${Math.round(r.exitMs)} ms`} · ${r.exits.join('/')} · ${r.failed} failed`,
      kind: r.kind === 'bare' ? 'bare' : r.kind,
      bad: r.exitMs === undefined || r.hung > 0,
    })),
    scale: 'linear',
    domain: [0, limit],
    ticks: Array.from({ length: Math.floor(limit / 1000) + 1 }, (_, i) => i * 1000),
    tickFormat: (v) => `${v / 1000} s`,
  };
}

function importPanel(results: BenchResults): Panel | undefined {
  const rows = (results.footprint?.imports ?? []).filter(
    (r) => r.kind !== 'framework' && r.id !== '@health/core/node',
  );
  if (!rows.length) return undefined;
  const top = Math.max(...rows.map((r) => r.overFrameworkMs));
  const step = top > 200 ? 50 : top > 50 ? 10 : 5;
  const hi = Math.ceil((top * 1.05) / step) * step;
  return {
    title: 'Import cost added to the app (ms; lower is better)',
    subtitle: `median of ${results.config.importRuns} fresh node processes; measured after the framework the package plugs into is loaded (node:http for @health/core, terminus and lightship)`,
    bars: rows.map((r) => ({
      label: r.label,
      value: r.overFrameworkMs,
      text: `${r.overFrameworkMs.toFixed(1)} ms`,
      kind: r.kind === 'ours' ? 'ours' : 'peer',
    })),
    scale: 'linear',
    domain: [0, hi],
    ticks: Array.from({ length: Math.floor(hi / step) + 1 }, (_, i) => i * step).filter(
      (_, i, a) => a.length <= 12 || i % 2 === 0,
    ),
    tickFormat: (v) => `${v}`,
  };
}

export function renderChart(results: BenchResults): string {
  const panels = [
    throughputPanel(results),
    amplificationPanel(results),
    shutdownPanel(results),
    importPanel(results),
  ].filter((p): p is Panel => p !== undefined);
  const parts: string[] = [];
  let y = 52;
  for (const panel of panels) {
    const { svg, height } = drawPanel(panel, y);
    parts.push(svg);
    y += height + 16;
  }
  const when = results.startedAt.slice(0, 16).replace('T', ' ');
  const load = `load average ${results.load.min.toFixed(1)}–${results.load.max.toFixed(1)} on ${results.machine.cores} cores`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y + 10}" viewBox="0 0 ${WIDTH} ${y + 10}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif">
<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fecaca"/><line x1="0" y1="0" x2="0" y2="6" stroke="${COLORS.target}" stroke-width="2"/></pattern></defs>
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="16" y="24" font-size="18" font-weight="700" fill="${COLORS.text}">@health benchmarks</text>
<text x="16" y="42" font-size="11.5" fill="${COLORS.muted}">${esc(`${when} UTC · Node.js ${results.machine.node} · ${results.machine.cores}× ${results.machine.cpu} · ${load} · `)}<tspan fill="${COLORS.ours}">■ @health</tspan> <tspan fill="${COLORS.peer}">■ other libraries</tspan></text>
${parts.join('\n')}
</svg>
`;
}
