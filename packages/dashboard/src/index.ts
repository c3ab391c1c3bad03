/**
 * @health/dashboard: a status page and an SSE stream of changes, mounted through core's
 * extension routes. Off by default: nothing is registered until `dashboard(health)` is called.
 */
import type { Health, HealthRequest, HealthResponse, StreamSink } from '@health/core';

export interface DashboardOptions {
  /** Mount path of the page (the SSE stream is `<path>/events`). Default `/health/ui`. */
  path?: string;
  /** Who sees check messages/details; a public view shows states only. Default `never`. */
  showDetails?: 'never' | 'always' | ((request: HealthRequest) => boolean);
  /** Size of the change ring buffer replayed on `Last-Event-ID`. Default 200. */
  historySize?: number;
  /** Heartbeat comment interval (ms). Default 15000. */
  heartbeatMs?: number;
}

interface Change {
  id: number;
  at: number;
  kind: 'state' | 'check';
  name: string;
  status: string;
  message?: string;
  duration?: number;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function allowed(opt: DashboardOptions['showDetails'], req: HealthRequest): boolean {
  if (opt === 'always') return true;
  if (typeof opt !== 'function') return false;
  try {
    return opt(req);
  } catch {
    return false; // a throwing visibility function counts as "no"
  }
}

/** Registers the page and its event stream on `health`; returns a function that stops feeding it. */
export function dashboard(health: Health, options: DashboardOptions = {}): () => void {
  const base = options.path ?? '/health/ui';
  const size = options.historySize ?? 200;
  const ring: Change[] = [];
  const sinks = new Set<{ sink: StreamSink; details: boolean }>();
  let nextId = 1;

  const publish = (c: Omit<Change, 'id'>) => {
    const change = { ...c, id: nextId++ };
    ring.push(change);
    if (ring.length > size) ring.shift();
    for (const s of sinks) s.sink.write(frame('change', change, s.details));
  };
  const offState = health.onStateChange((s) =>
    publish({ kind: 'state', name: 'lifecycle', status: s.to, at: s.at }),
  );
  const offCheck = health.onCheckChange(({ name, current }) =>
    publish({
      kind: 'check',
      name,
      status: current.status,
      at: current.at,
      duration: current.duration,
      ...(current.message ? { message: current.message } : {}),
    }),
  );

  const view = (details: boolean) => {
    const snap = health.snapshot();
    return {
      state: snap.state,
      at: snap.at,
      checks: snap.checks.map((c) => ({
        name: c.name,
        status: c.result?.status ?? 'UNKNOWN',
        duration: c.result?.duration,
        since: c.since,
        ...(details && c.result?.message ? { message: c.result.message } : {}),
      })),
      history: ring.map((c) => strip(c, details)),
    };
  };

  health.addRoute({
    path: base,
    handle: (req) => page(view(allowed(options.showDetails, req)), `${base}/events`),
  });
  health.addRoute({
    path: `${base}/events`,
    handle: (req) => events(req),
  });

  function events(req: HealthRequest): HealthResponse {
    const details = allowed(options.showDetails, req);
    const last = Number(req.headers?.['last-event-id']);
    return {
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' },
      body: '',
      stream: (sink) => {
        const entry = { sink, details };
        if (Number.isInteger(last) && ring.length && last >= ring[0]!.id - 1) {
          for (const c of ring) if (c.id > last) sink.write(frame('change', c, details));
        } else {
          sink.write(`event: snapshot\ndata: ${JSON.stringify(view(details))}\n\n`);
        }
        sinks.add(entry);
        const beat = setInterval(() => sink.write(': heartbeat\n\n'), options.heartbeatMs ?? 15000);
        beat.unref();
        sink.onClose(() => {
          clearInterval(beat);
          sinks.delete(entry);
        });
      },
    };
  }

  return () => {
    offState();
    offCheck();
    for (const s of sinks) s.sink.end();
  };
}

function strip(c: Change, details: boolean): Change {
  if (details || c.message === undefined) return c;
  const { message: _m, ...rest } = c;
  return rest;
}

function frame(event: string, c: Change, details: boolean): string {
  return `id: ${c.id}\nevent: ${event}\ndata: ${JSON.stringify(strip(c, details))}\n\n`;
}

type View = {
  state: string;
  checks: { name: string; status: string; duration?: number; since?: number; message?: string }[];
  history: Change[];
};

function page(v: View, eventsPath: string): HealthResponse {
  const rows = v.checks
    .map(
      (c) =>
        `<tr data-check="${esc(c.name)}"><td>${esc(c.name)}</td><td class="s ${esc(c.status)}">${esc(c.status)}</td><td>${c.duration ?? ''}</td><td>${c.since ? new Date(c.since).toISOString() : ''}</td><td>${esc(c.message ?? '')}</td></tr>`,
    )
    .join('');
  const timeline = v.history
    .slice(-50)
    .reverse()
    .map((c) => `<li>${new Date(c.at).toISOString()} ${esc(c.name)} → ${esc(c.status)}</li>`)
    .join('');
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Health</title>
<style>.UP{color:#065f46;background:#d1fae5}.DOWN{color:#991b1b;background:#fee2e2}.STOPPING,.STARTING{background:#fef3c7}td,th{padding:.3em .6em}</style></head>
<body><h1>Service: <span id="state" class="s ${esc(v.state)}" aria-live="polite">${esc(v.state)}</span></h1>
<table><thead><tr><th>Check</th><th>Status</th><th>Latency (ms)</th><th>Last change</th><th>Message</th></tr></thead><tbody id="checks">${rows}</tbody></table>
<h2>Recent changes</h2><ol id="timeline" aria-live="polite">${timeline}</ol>
<script>(function(){var es=new EventSource(${JSON.stringify(eventsPath)});function set(el,s){el.textContent=s;el.className='s '+s}
es.addEventListener('change',function(e){var c=JSON.parse(e.data);if(c.kind==='state'){set(document.getElementById('state'),c.status)}else{var r=document.querySelector('tr[data-check="'+CSS.escape(c.name)+'"]');if(r){set(r.children[1],c.status);r.children[2].textContent=c.duration==null?'':c.duration;r.children[3].textContent=new Date(c.at).toISOString()}}
var li=document.createElement('li');li.textContent=new Date(c.at).toISOString()+' '+c.name+' → '+c.status;var t=document.getElementById('timeline');t.insertBefore(li,t.firstChild)});
es.addEventListener('snapshot',function(e){var v=JSON.parse(e.data);set(document.getElementById('state'),v.state);v.checks.forEach(function(c){var r=document.querySelector('tr[data-check="'+CSS.escape(c.name)+'"]');if(r)set(r.children[1],c.status)})})})();</script></body></html>`;
  return {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body,
  };
}
