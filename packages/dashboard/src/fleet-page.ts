/**
 * The fleet page: a server-rendered table of services (works without JavaScript, refreshing
 * itself every few seconds), kept live by the `/events` stream; every "last heard" ticks in the
 * browser, and the page says when its own stream went quiet.
 */
import type { FleetChange, ServiceView } from './fleet.js';
import { badge, cspHash, esc, iso, MARKS_SCRIPT } from './html.js';

export interface FleetSnapshot {
  title: string;
  now: number;
  intervalMs: number;
  services: Omit<ServiceView, 'history'>[];
  history: FleetChange[];
}

/** "12 s ago", "3 min ago", "never". */
export function ago(then: number | undefined, now: number): string {
  if (then === undefined) return 'never';
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:64rem;padding:0 1rem;color:#111;background:#fff}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
.s{font-weight:600;padding:.1rem .4rem;border-radius:.25rem;white-space:nowrap}
.UP{color:#065f46;background:#d1fae5}.DEGRADED,.STARTING,.STOPPING,.PENDING{color:#78350f;background:#fef3c7}
.DOWN,.ERRORED{color:#991b1b;background:#fee2e2}.UNREACHABLE{color:#fff;background:#991b1b}
.checks{font-size:.9em}.quiet{color:#555;font-size:.9em}#conn.lost{color:#991b1b;font-weight:600}
@media (prefers-color-scheme:dark){body{color:#eee;background:#111}th,td{border-color:#333}.quiet{color:#aaa}}`;

const SCRIPT = `(function(){var d=document,b=d.body,skew=0,lastEvent=Date.now(),iv=+b.dataset.interval||2000;
${MARKS_SCRIPT}
function ago(t,now){if(!t)return 'never';var s=Math.max(0,Math.round((now-t)/1000));return s<120?s+' s ago':s<7200?Math.round(s/60)+' min ago':Math.round(s/3600)+' h ago'}
function badge(el,s){el.textContent='';var x=d.createElement('span');x.className='s '+s;x.textContent=(M[s]||'?')+' '+s;el.appendChild(x)}
function row(v){var r=d.querySelector('tr[data-service="'+CSS.escape(v.name)+'"]');if(!r)return;
r.dataset.status=v.status;r.dataset.heard=v.lastHeard||'';badge(r.children[1],v.status);
r.children[3].textContent=v.error?v.error:(v.httpStatus?'HTTP '+v.httpStatus:'');
r.children[4].textContent=(v.checks||[]).map(function(c){return c.name+' '+c.status}).join(', ')}
function tick(){var now=Date.now()+skew;d.querySelectorAll('tr[data-service]').forEach(function(r){r.children[2].textContent=ago(+r.dataset.heard||0,now)});
var c=d.getElementById('conn'),quiet=Date.now()-lastEvent>Math.max(3*iv,20000);c.className=quiet?'lost':'';c.textContent=quiet?'dashboard stream lost '+ago(lastEvent,Date.now()):'live'}
function line(c){var ol=d.getElementById('timeline'),li=d.createElement('li');li.textContent=new Date(c.at).toISOString()+' '+c.service+(c.kind==='check'?' / '+c.name:'')+' \\u2192 '+c.status;ol.insertBefore(li,ol.firstChild);while(ol.children.length>200)ol.removeChild(ol.lastChild)}
var es=new EventSource(b.dataset.events);
es.addEventListener('snapshot',function(e){var v=JSON.parse(e.data);lastEvent=Date.now();skew=v.now-Date.now();v.services.forEach(row);tick()});
es.addEventListener('service',function(e){var v=JSON.parse(e.data);lastEvent=Date.now();skew=v.now-Date.now();row(v);tick()});
es.addEventListener('change',function(e){lastEvent=Date.now();line(JSON.parse(e.data))});
es.onerror=function(){tick()};setInterval(tick,1000)})();`;

const CSP = `default-src 'none'; style-src ${cspHash(STYLE)}; script-src ${cspHash(SCRIPT)}; connect-src 'self'; base-uri 'none'; form-action 'none'`;

export function fleetPage(v: FleetSnapshot): { body: string; csp: string } {
  const rows = v.services
    .map(
      (s) =>
        `<tr data-service="${esc(s.name)}" data-status="${esc(s.status)}" data-heard="${s.lastHeard ?? ''}">` +
        `<th scope="row"><a href="${esc(s.url)}">${esc(s.name)}</a></th><td>${badge(s.status)}</td>` +
        `<td><time datetime="${iso(s.lastHeard)}">${ago(s.lastHeard, v.now)}</time></td>` +
        `<td class="quiet">${esc(s.error ?? (s.httpStatus ? `HTTP ${s.httpStatus}` : ''))}</td>` +
        `<td class="checks">${esc((s.checks ?? []).map((c) => `${c.name} ${c.status}`).join(', '))}</td></tr>`,
    )
    .join('');
  const timeline = v.history
    .slice()
    .reverse()
    .map(
      (c) =>
        `<li>${iso(c.at)} ${esc(c.service)}${c.kind === 'check' ? ` / ${esc(c.name)}` : ''} → ${esc(c.status)}</li>`,
    )
    .join('');
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(v.title)}</title><noscript><meta http-equiv="refresh" content="${Math.max(2, Math.round(v.intervalMs / 1000))}"></noscript><style>${STYLE}</style></head>
<body data-events="events" data-interval="${v.intervalMs}"><main><h1>${esc(v.title)}</h1>
<p class="quiet">Polling every ${v.intervalMs} ms · rendered ${iso(v.now)} · <span id="conn" aria-live="polite">live</span></p>
<table><thead><tr><th scope="col">Service</th><th scope="col">Status</th><th scope="col">Last heard</th><th scope="col">Answer</th><th scope="col">Checks</th></tr></thead>
<tbody id="services" aria-live="polite">${rows}</tbody></table>
<h2>Recent changes</h2><ol id="timeline">${timeline}</ol></main><script>${SCRIPT}</script></body></html>`;
  return { body, csp: CSP };
}
