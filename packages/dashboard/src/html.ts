/**
 * What the service page (index.ts) and the fleet page (fleet-page.ts) render alike: escaping,
 * times, the status marks (status by text and mark, never by colour alone) and the CSP hash of
 * their static scripts.
 */
import { createHash } from 'node:crypto';

export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
export const iso = (t: number | undefined) => (t === undefined ? '' : new Date(t).toISOString());

/** The mark shown before each status, on the server and in the browser. */
export const MARK: Readonly<Record<string, string>> = Object.freeze({
  UP: '✓',
  DOWN: '✗',
  DEGRADED: '!',
  UNREACHABLE: '⚠',
  STARTING: '…',
  STOPPING: '…',
  PENDING: '…',
  ERRORED: '✗',
});

/** `var M={…};` for the pages' scripts: the same marks, ASCII-only (\u escapes). */
export const MARKS_SCRIPT = `var M=${JSON.stringify(MARK).replace(
  /[\u0080-\uffff]/g,
  (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
)};`;

export const badge = (status: string) =>
  `<span class="s ${esc(status)}">${MARK[status] ?? '?'} ${esc(status)}</span>`;

/** The CSP source that allows exactly this inline script. */
export const cspHash = (script: string) =>
  `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
