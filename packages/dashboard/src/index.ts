/**
 * @health/dashboard: a status page and an SSE stream of changes, mounted through core's
 * extension routes, so every adapter serves them. Off by default: nothing is registered until
 * `dashboard(health)` is called.
 */
import type {
  CheckSnapshot,
  Health,
  HealthRequest,
  HealthResponse,
  LifecycleState,
  StreamSink,
  Visibility,
} from '@health/core';
// Core's 405 answer (Allow: GET, HEAD), the same as every health route gives.
import { METHOD_NOT_ALLOWED } from '@health/core';
import { badge, cspHash, esc, iso, MARKS_SCRIPT } from './html.js';

export interface DashboardOptions {
  /**
   * Mount path of the page, relative to where the probes are mounted; the SSE stream is
   * `<path>/events`.
   * @default '/health/ui'
   */
  path?: string;
  /**
   * Who sees check names, their statuses and when they last changed. Without it a caller sees
   * the overall status and the lifecycle state only. Mounting the dashboard is the opt-in to
   * showing names, hence the default (set `'never'` for a public page that shows states only).
   * @default 'always'
   */
  showChecks?: Visibility;
  /**
   * Who sees latencies and failure messages (implies `showChecks`), as core's `showDetails`
   * does for the JSON probes.
   * @default 'never'
   */
  showDetails?: Visibility;
  /** Changes kept in memory, shown in the timeline and replayed on `Last-Event-ID`. @default 200 */
  historySize?: number;
  /** Interval of the SSE heartbeat comment (keeps proxies from closing an idle stream). @default 15000 */
  heartbeatMs?: number;
  /** Page title and heading. @default 'Health' */
  title?: string;
}

/** The function that stops feeding the page (and ends its open streams), plus live figures. */
export interface DashboardHandle {
  (): void;
  /** Open SSE streams right now (a stream is dropped as soon as its client leaves). */
  readonly clients: number;
}

type Exposure = 'status' | 'checks' | 'details';
/** Overall status: the lifecycle state unless UP, then DOWN/DEGRADED/UP from the checks. */
type Overall = Exclude<LifecycleState, 'UP'> | 'UP' | 'DOWN' | 'DEGRADED';

interface Change {
  id: number;
  at: number;
  kind: 'state' | 'check';
  name: string;
  status: string;
  overall: Overall;
  state: LifecycleState;
  /** The overall status differs from the one before this change. */
  moved: boolean;
  duration?: number;
  message?: string;
}

interface Row {
  name: string;
  status: string;
  since?: number;
  duration?: number;
  message?: string;
}

interface View {
  state: LifecycleState;
  overall: Overall;
  at: number;
  checks?: Row[];
  history: Record<string, unknown>[];
}

function allowed(visibility: Visibility | undefined, request: HealthRequest): boolean {
  if (visibility === 'always') return true;
  if (typeof visibility !== 'function') return false;
  try {
    return visibility(request) === true;
  } catch {
    return false; // a throwing visibility function counts as "no", as in core
  }
}

function overallOf(state: LifecycleState, checks: readonly CheckSnapshot[]): Overall {
  if (state !== 'UP') return state;
  let degraded = false;
  for (const c of checks) {
    if (c.result?.status !== 'DOWN') continue;
    if (c.critical) return 'DOWN';
    degraded = true;
  }
  return degraded ? 'DEGRADED' : 'UP';
}

/**
 * Serves a live status page on `health` (through whatever adapter mounts it): GET `/health/ui`
 * (server-rendered, works without JavaScript) and GET `/health/ui/events` (Server-Sent Events fed
 * by core's state and check change events, `Last-Event-ID` replay). Call before mounting the
 * adapter (Fastify and Nest register routes at mount time).
 * @example
 * const health = createHealth({ checks: [dbCheck] });
 * dashboard(health, { showDetails: (req) => req.remoteAddress === '127.0.0.1' });
 * app.use(healthRouter(health)); // @health/express: /health/ui is served too
 */
export function dashboard(health: Health, options: DashboardOptions = {}): DashboardHandle {
  const base = options.path ?? '/health/ui';
  const size = Math.max(0, options.historySize ?? 200);
  const heartbeat = options.heartbeatMs ?? 15_000;
  const title = options.title ?? 'Health';
  const ring: Change[] = [];
  const sinks = new Set<{ sink: StreamSink; exposure: Exposure }>();
  // Ids start at the process's start time, so a browser still holding an id from the previous
  // process never gets a replay from this one (it gets a snapshot).
  let nextId = Date.now() * 1000;
  let last: Overall = overallOf(health.state, health.snapshot().checks);

  const exposureOf = (request: HealthRequest): Exposure =>
    allowed(options.showDetails, request)
      ? 'details'
      : allowed(options.showChecks ?? 'always', request)
        ? 'checks'
        : 'status';

  const publish = (c: Omit<Change, 'id' | 'moved'>) => {
    const change: Change = { ...c, id: nextId++, moved: c.overall !== last };
    last = c.overall;
    ring.push(change);
    if (ring.length > size) ring.shift();
    for (const s of sinks) {
      const text = frame(change, s.exposure);
      if (text) s.sink.write(text);
    }
  };
  const offState = health.onStateChange((s) => {
    publish({
      kind: 'state',
      name: 'lifecycle',
      status: s.to,
      at: s.at,
      state: s.to,
      overall: overallOf(s.to, health.snapshot().checks),
    });
  });
  const offCheck = health.onCheckChange(({ name, current }) => {
    const checks = health
      .snapshot()
      .checks.map((c) => (c.name === name ? { ...c, result: current } : c));
    publish({
      kind: 'check',
      name,
      status: current.status,
      at: current.at,
      duration: Math.round(current.duration),
      state: health.state,
      overall: overallOf(health.state, checks),
      ...(current.message !== undefined ? { message: current.message } : {}),
    });
  });

  const view = (exposure: Exposure): View => {
    const snap = health.snapshot();
    const v: View = {
      state: snap.state,
      overall: overallOf(snap.state, snap.checks),
      at: snap.at,
      history: ring.flatMap((c) => {
        const p = payload(c, exposure);
        return p ? [p] : [];
      }),
    };
    if (exposure !== 'status')
      v.checks = snap.checks.map((c) => {
        const row: Row = { name: c.name, status: c.result?.status ?? 'UNKNOWN' };
        if (c.since !== undefined) row.since = c.since;
        if (exposure === 'details' && c.result) {
          row.duration = Math.round(c.result.duration);
          if (c.result.message !== undefined) row.message = c.result.message;
        }
        return row;
      });
    return v;
  };

  health.addRoute({
    path: base,
    handle: (req) => {
      const head = isHead(req.method);
      if (!head && req.method.toUpperCase() !== 'GET') return METHOD_NOT_ALLOWED;
      const exposure = exposureOf(req);
      const body = page(
        view(exposure),
        exposure,
        title,
        `${base.slice(base.lastIndexOf('/') + 1)}/events`,
      );
      return {
        status: 200,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-length': String(Buffer.byteLength(body)),
          'content-security-policy': CSP,
          'x-content-type-options': 'nosniff',
        },
        body: head ? '' : body,
      };
    },
  });
  health.addRoute({ path: `${base}/events`, handle: (req) => events(req) });

  function events(req: HealthRequest): HealthResponse {
    const head = isHead(req.method);
    if (!head && req.method.toUpperCase() !== 'GET') return METHOD_NOT_ALLOWED;
    const headers = {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no', // nginx: do not buffer the stream
    };
    if (head) return { status: 200, headers, body: '' };
    const exposure = exposureOf(req);
    const from = lastEventId(req);
    return {
      status: 200,
      headers,
      body: '',
      stream: (sink) => {
        const first = ring[0];
        if (from !== undefined && first !== undefined && from >= first.id - 1 && from < nextId) {
          sink.write('retry: 1000\n\n');
          for (const c of ring) {
            const text = c.id > from ? frame(c, exposure) : undefined;
            if (text) sink.write(text);
          }
        } else {
          const newest = ring[ring.length - 1];
          const id = newest ? `id: ${newest.id}\n` : '';
          sink.write(
            `event: snapshot\nretry: 1000\n${id}data: ${JSON.stringify(view(exposure))}\n\n`,
          );
        }
        // Shutdown ends the open streams once, before servers close; one opened after that (an
        // EventSource reconnecting during the keep-alive window) would hold the server open.
        if (health.shuttingDown) return sink.end();
        const entry = { sink, exposure };
        sinks.add(entry);
        const beat = setInterval(() => sink.write(': heartbeat\n\n'), heartbeat);
        beat.unref();
        sink.onClose(() => {
          clearInterval(beat);
          sinks.delete(entry);
        });
      },
    };
  }

  const stop = () => {
    offState();
    offCheck();
    for (const s of [...sinks]) s.sink.end();
  };
  return Object.defineProperty(stop, 'clients', { get: () => sinks.size }) as DashboardHandle;
}

const isHead = (method: string) => method === 'HEAD' || method.toUpperCase() === 'HEAD';

/** `Last-Event-ID` (EventSource's reconnect), or `?lastEventId=` (a page re-creating its EventSource). */
function lastEventId(req: HealthRequest): number | undefined {
  const header = req.headers?.['last-event-id'];
  let raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined) {
    const q = req.path.indexOf('?');
    if (q !== -1) raw = new URLSearchParams(req.path.slice(q + 1)).get('lastEventId') ?? undefined;
  }
  const id = Number(raw);
  return raw && Number.isSafeInteger(id) ? id : undefined;
}

/** What a caller with `exposure` may see of a change (undefined: nothing, at `status` level). */
function payload(c: Change, exposure: Exposure): Record<string, unknown> | undefined {
  const { id, at, kind, name, status, overall, state } = c;
  if (exposure === 'status') {
    if (kind === 'check' && !c.moved) return undefined;
    return {
      id,
      at,
      kind: 'state',
      name: 'lifecycle',
      status: kind === 'state' ? status : overall,
      overall,
      state,
    };
  }
  const p: Record<string, unknown> = { id, at, kind, name, status, overall, state };
  if (exposure === 'details') {
    if (c.duration !== undefined) p.duration = c.duration;
    if (c.message !== undefined) p.message = c.message;
  }
  return p;
}

function frame(c: Change, exposure: Exposure): string | undefined {
  const p = payload(c, exposure);
  return p && `id: ${c.id}\nevent: change\ndata: ${JSON.stringify(p)}\n\n`;
}

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:60rem;padding:0 1rem;color:#111;background:#fff}
h1{font-size:1.4rem;margin:0 0 .5rem}table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{padding:.35rem .6rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}th{background:#f4f4f5}
.s{display:inline-block;padding:0 .45rem;border-radius:.3rem;font-weight:600;background:#e5e7eb;color:#111}
.UP{background:#d1fae5;color:#065f46}.DOWN,.ERRORED{background:#fee2e2;color:#991b1b}
.DEGRADED,.STARTING,.STOPPING{background:#fef3c7;color:#92400e}#conn{color:#555;font-size:.9em}
ol{padding-left:1.2rem;font-size:.92em}time{color:#444}.sr{position:absolute;left:-9999px}`;

/** Static: the page passes what varies in data attributes, so one hash allows it in the CSP. */
const SCRIPT = `(function(){var d=document,b=d.body,es,last=b.dataset.last||'',det=b.dataset.exposure==='details',retry=1000;
${MARKS_SCRIPT}
function $(i){return d.getElementById(i)}
function badge(el,s){el.innerHTML='';var x=d.createElement('span');x.className='s '+s;x.textContent=(M[s]||'?')+' '+s;el.appendChild(x)}
function t(n){var e=d.createElement('time');if(n){var v=new Date(n);e.dateTime=v.toISOString();e.textContent=v.toLocaleTimeString()}return e}
function cell(r,i,node){var c=r.children[i];c.textContent='';if(typeof node==='string')c.textContent=node;else c.appendChild(node)}
function row(c){var tb=$('checks');if(!tb)return;var r=tb.querySelector('tr[data-check="'+CSS.escape(c.name)+'"]');
if(!r){r=d.createElement('tr');r.dataset.check=c.name;var n=det?5:3;for(var i=0;i<n;i++)r.appendChild(d.createElement(i?'td':'th'));r.firstChild.scope='row';r.firstChild.textContent=c.name;tb.appendChild(r)}
badge(r.children[1],c.status);cell(r,2,t(c.since||c.at));if(det){cell(r,3,c.duration==null?'':String(c.duration));cell(r,4,c.message||'')}}
function top(v){badge($('overall'),v.overall);$('state').textContent=v.state;d.title=v.overall+' \\u00b7 '+d.title.replace(/^.* \\u00b7 /,'')}
function line(c,prepend){var ol=$('timeline'),li=d.createElement('li');li.appendChild(t(c.at));
li.appendChild(d.createTextNode(' '+c.name+' \\u2192 '+c.status+(c.message?' ('+c.message+')':'')));
if(prepend)ol.insertBefore(li,ol.firstChild);else ol.appendChild(li);while(ol.children.length>50)ol.removeChild(ol.lastChild)}
function conn(s){$('conn').textContent=s}
function open(){es=new EventSource(b.dataset.events+(last?'?lastEventId='+last:''));
es.onopen=function(){retry=1000;conn('live')};
es.onerror=function(){if(es.readyState===2){conn('disconnected, retrying');setTimeout(open,retry);retry=Math.min(retry*2,15000)}else conn('reconnecting\\u2026')};
es.addEventListener('snapshot',function(e){if(e.lastEventId)last=e.lastEventId;var v=JSON.parse(e.data);top(v);
var tb=$('checks');if(tb&&v.checks){tb.textContent='';v.checks.forEach(row)}var ol=$('timeline');ol.textContent='';v.history.slice().reverse().forEach(function(c){line(c)})});
es.addEventListener('change',function(e){last=e.lastEventId;var c=JSON.parse(e.data);top(c);if(c.kind==='check')row(c);line(c,true)})}
open()})();`;

const CSP = `default-src 'none'; style-src ${cspHash(STYLE)}; script-src ${cspHash(SCRIPT)}; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'`;

function page(v: View, exposure: Exposure, title: string, eventsUrl: string): string {
  const det = exposure === 'details';
  const newest = v.history[v.history.length - 1];
  const table = v.checks
    ? `<table><caption class="sr">Checks</caption><thead><tr><th scope="col">Check</th><th scope="col">Status</th><th scope="col">Last change</th>${det ? '<th scope="col">Latency (ms)</th><th scope="col">Message</th>' : ''}</tr></thead><tbody id="checks">${v.checks
        .map(
          (c) =>
            `<tr data-check="${esc(c.name)}"><th scope="row">${esc(c.name)}</th><td>${badge(c.status)}</td><td><time datetime="${iso(c.since)}">${iso(c.since)}</time></td>${det ? `<td>${c.duration ?? ''}</td><td>${esc(c.message ?? '')}</td>` : ''}</tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const timeline = v.history
    .slice(-50)
    .reverse()
    .map(
      (c) =>
        `<li><time datetime="${iso(c.at as number)}">${iso(c.at as number)}</time> ${esc(String(c.name))} → ${esc(String(c.status))}${c.message ? ` (${esc(String(c.message))})` : ''}</li>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(v.overall)} · ${esc(title)}</title><noscript><meta http-equiv="refresh" content="15"></noscript><style>${STYLE}</style></head>
<body data-events="${esc(eventsUrl)}" data-exposure="${exposure}" data-last="${newest ? newest.id : ''}"><main>
<h1>${esc(title)}</h1><p role="status" aria-live="polite" aria-atomic="true">Status: <strong id="overall">${badge(v.overall)}</strong> · Lifecycle: <span id="state">${esc(v.state)}</span> · <span id="conn">as of <time datetime="${iso(v.at)}">${iso(v.at)}</time></span></p>
${table}<h2>Recent changes</h2><ol id="timeline" aria-live="polite">${timeline}</ol></main>
<script>${SCRIPT}</script></body></html>`;
}

export {
  type Fleet,
  type FleetChange,
  type FleetCheck,
  type FleetOptions,
  type FleetStatus,
  type FleetTarget,
  normalizeTargets,
  readAnswer,
  type ServiceView,
  startFleet,
} from './fleet.js';
export { FLEET_USAGE, parseFleetArgs, runFleet } from './fleet-cli.js';
export {
  type NotifyEvent,
  payload,
  renderTemplate,
  type Webhook,
  type WebhookOptions,
  type WebhookStats,
  webhooks,
} from './notify.js';
