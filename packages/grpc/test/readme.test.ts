// The README's quick start runs as written (only its port is swapped for a free one): a real
// process, probed with `health probe grpc://` (@health/cli), stopped by SIGTERM with exit 0.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { probe } from '@health/cli';
import { afterAll, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const TSX = pathToFileURL(require.resolve('tsx')).href;
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const README = fileURLToPath(new URL('../README.md', import.meta.url));
const FILE = fileURLToPath(new URL('./.readme-quickstart.ts', import.meta.url));
afterAll(() => rmSync(FILE, { force: true }));

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

it('README quick start: SERVING after markReady, liveness SERVING, exits 0 on SIGTERM', async () => {
  const code = /## Quick start\n\n```ts\n([\s\S]*?)```/.exec(readFileSync(README, 'utf8'))?.[1];
  expect(code).toContain('addHealthService(server, health);');
  const port = await freePort();
  writeFileSync(FILE, (code as string).replace("'0.0.0.0:50051'", `'127.0.0.1:${port}'`));
  const child = spawn(process.execPath, ['--import', TSX, FILE], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: `${ROOT}tsconfig.json` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const url = `grpc://127.0.0.1:${port}`;
    const end = Date.now() + 20_000;
    let ready = await probe(url, { timeout: 2_000 });
    while (!ready.ok && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      ready = await probe(url, { timeout: 2_000 });
    }
    expect(ready).toMatchObject({ ok: true, status: 'SERVING' });
    expect((await probe(`${url}/liveness`, { timeout: 2_000 })).ok).toBe(true);
    child.kill('SIGTERM');
    const draining = await probe(url, { timeout: 2_000 });
    expect(draining.ok).toBe(false);
    expect(await exited).toBe(0);
  } finally {
    child.kill('SIGKILL');
  }
  expect(stderr).toBe('');
}, 40_000);
