/**
 * README doc tests. The runnable block of a README is the first ```ts block under its first
 * "Quick start" heading ("Quick start: Prometheus" counts), read when the test runs (READMEs change in parallel; nothing is copied).
 *
 * What the test adds around the block, and nothing else:
 *   - STAND_INS: a prelude for free identifiers the snippet assumes the reader already has
 *     (`pool`, `redis`, `router`), prepended only when the snippet uses them and does not declare them;
 *   - the literal port 3000 becomes a free port (several runs share one machine);
 *   - a snippet that mounts no server (e.g. @health/checks) gets EVALUATE_EPILOGUE, which prints the
 *     readiness evaluation of its `health` instance after markReady().
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, waitFor } from './registry.js';

export const STAND_INS: Record<string, string> = {
  // A pg-Pool-shaped stand-in: the quick starts only call query() (pg's Result shape).
  pool: "const pool = { query: async (..._args: unknown[]) => ({ rows: [{ '?column?': 1 }], rowCount: 1 }), totalCount: 1, idleCount: 1, waitingCount: 0 };",
  redis: "const redis = { status: 'ready', ping: async () => 'PONG' };",
  router: "import Router from '@koa/router';\nconst router = new Router();",
};

const EVALUATE_EPILOGUE = `
health.markReady(); // what mounting it in an adapter does once the server listens
const evaluation = await health.evaluate('readiness');
console.log('DOCTEST-READINESS ' + evaluation.status + ' ' + JSON.stringify(evaluation.results));
process.exit(0);
`;

export function quickStart(readme: string): string | undefined {
  const section = /^#{2,3} Quick start(?::[^\n]*)?\s*$([\s\S]*?)(?=^#{1,3} |(?![\s\S]))/im.exec(
    readme,
  )?.[1];
  return section ? /```ts\n([\s\S]*?)\n```/.exec(section)?.[1] : undefined;
}

export function prepare(snippet: string, port: number): { code: string; serves: boolean } {
  const prelude = Object.entries(STAND_INS)
    .filter(([name, _]) => new RegExp(`\\b${name}\\b`).test(snippet))
    .filter(
      ([name, _]) =>
        !new RegExp(`\\b(const|let|var|import)\\s+(\\{[^}]*\\b)?${name}\\b`).test(snippet),
    )
    .map(([, code]) => code);
  const serves = /\blisten\(/.test(snippet);
  const body = snippet.replace(/\b3000\b/g, String(port));
  // The prelude goes first (its consts are used at top level); ESM hoists the snippet's imports anyway.
  return { code: `${prelude.join('\n')}\n${body}\n${serves ? '' : EVALUATE_EPILOGUE}`, serves };
}

/** Runs the snippet with tsx from `project` (its node_modules) and asserts readiness 200. */
export async function runQuickStart(
  project: string,
  file: string,
  code: string,
  serves: boolean,
  port: number,
) {
  const path = join(project, file);
  await writeFile(path, code);
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path],
    // Its own process group: tsx runs the snippet in a child node process, which a kill of tsx
    // alone would leave running (and serving) after the test.
    { cwd: project, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    if (serves) {
      let status = 0;
      const died = exited.then(() => {
        throw new Error(`exited early (code ${child.exitCode})`);
      });
      const ready = waitFor(`GET /health/ready = 200 from ${file}`, 45_000, async () => {
        if (child.exitCode !== null) return false;
        status = (await fetch(`http://127.0.0.1:${port}/health/ready`)).status;
        return status === 200;
      });
      died.catch(() => {}); // after success the kill below ends it: not an error then
      await Promise.race([ready, died]).catch((err) => {
        throw new Error(
          `${file}: ${(err as Error).message} (last status ${status}, exit ${child.exitCode})\n${output}`,
        );
      });
    } else {
      await exited;
      if (!/DOCTEST-READINESS 200/.test(output))
        throw new Error(`${file}: readiness not 200\n${output}`);
    }
  } finally {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL'); // the group is already gone
    }
    await exited;
  }
}
