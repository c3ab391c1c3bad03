// Both README quick starts run as written (only their ports are swapped for free ones on
// 127.0.0.1): real processes, probed over HTTP, their metrics read where the README says.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const TSX = pathToFileURL(require.resolve('tsx')).href;
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const README = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

const running: { child: ChildProcess; file: string }[] = [];
afterEach(() => {
  for (const { child, file } of running.splice(0)) {
    child.kill('SIGKILL');
    rmSync(file, { force: true });
  }
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

function quickStart(title: string): string {
  const code = new RegExp(`## Quick start: ${title}\\n\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(
    README,
  )?.[1];
  expect(code, `README section "Quick start: ${title}"`).toBeTypeOf('string');
  const lines = (code as string).split('\n').filter((l) => l && !l.startsWith('import '));
  expect(lines.length, 'quick start body lines').toBeLessThanOrEqual(10);
  return code as string;
}

/** Runs `code` from a file beside this test (so its imports resolve from this package). */
function run(name: string, code: string) {
  const file = fileURLToPath(new URL(`./.readme-${name}.ts`, import.meta.url));
  writeFileSync(file, code);
  const child = spawn(process.execPath, ['--import', TSX, file], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: `${ROOT}tsconfig.json` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  running.push({ child, file });
  return { stderr: () => stderr };
}

async function fetchUntil(url: string, ok: (status: number) => boolean, timeout = 20_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const res = await fetch(url).catch(() => undefined);
    if (res && ok(res.status)) return { status: res.status, body: await res.text() };
    if (Date.now() > end) throw new Error(`${url} did not answer in ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('Prometheus quick start: ready, and /metrics shows the check, state and probe answers', async () => {
  const port = await freePort();
  const code = quickStart('Prometheus');
  expect(code).toContain('app.listen(3000,');
  const proc = run(
    'prometheus',
    code.replace('app.listen(3000,', `app.listen(${port}, '127.0.0.1',`),
  );
  const base = `http://127.0.0.1:${port}`;
  expect((await fetchUntil(`${base}/health/ready`, (s) => s === 200)).body).toBe('{"status":"UP"}');
  const metrics = await fetchUntil(`${base}/metrics`, (s) => s === 200);
  expect(metrics.body).toMatch(
    /^health_check_status\{name="disk",probe="readiness",critical="true"\} 1$/m,
  );
  expect(metrics.body).toMatch(/^health_checks_total\{name="disk",status="UP"\} 1$/m);
  expect(metrics.body).toContain('health_state{state="UP"} 1');
  expect(metrics.body).toMatch(/^health_probe_requests_total\{probe="readiness",code="200"\} 1$/m);
  expect(metrics.body).toMatch(/^health_check_duration_seconds_count\{name="disk"\} 1$/m);
  expect(proc.stderr()).toBe('');
}, 40_000);

it('OpenTelemetry quick start: ready, and the exporter shows the same series in the mapped names', async () => {
  const [port, exporterPort] = [await freePort(), await freePort()];
  const code = quickStart('OpenTelemetry');
  expect(code).toContain('{ port: 9464 }');
  const proc = run(
    'opentelemetry',
    code
      .replace('{ port: 9464 }', `{ port: ${exporterPort}, host: '127.0.0.1' }`)
      .replace('.listen(3000,', `.listen(${port}, '127.0.0.1',`),
  );
  await fetchUntil(`http://127.0.0.1:${port}/health/ready`, (s) => s === 200);
  const { body } = await fetchUntil(`http://127.0.0.1:${exporterPort}/metrics`, (s) => s === 200);
  // The README's mapping table, row by row.
  expect(body).toMatch(
    /^health_check_status\{name="disk",probe="readiness",critical="true",[^}]*\} 1$/m,
  );
  expect(body).toMatch(/^health_check_runs_total\{name="disk",status="UP",[^}]*\} 1$/m);
  expect(body).toMatch(/^health_check_duration_count\{name="disk",[^}]*\} 1$/m);
  expect(body).toMatch(/^health_check_last_success\{name="disk",[^}]*\} \d+/m);
  expect(body).toMatch(/^health_state\{state="UP",[^}]*\} 1$/m);
  expect(body).toMatch(/^health_probe_requests_total\{probe="readiness",code="200",[^}]*\} 1$/m);
  expect(proc.stderr()).toBe('');
}, 40_000);
