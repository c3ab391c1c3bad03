/**
 * Test helpers: a throwaway Verdaccio on 127.0.0.1, a publish token for it, and a bounded
 * `exec` that fails with the command's output (never a silent non-zero exit).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const releaseDir = fileURLToPath(new URL('../', import.meta.url));
export const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);
export const yarnBin = join(releaseDir, 'node_modules', '@yarnpkg', 'cli-dist', 'bin', 'yarn.js');
const verdaccioBin = join(releaseDir, 'node_modules', 'verdaccio', 'bin', 'verdaccio');

export interface ExecOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeout?: number;
}

/**
 * The parent environment without npm's `npm_config_*` settings: run under `npx pnpm test` or
 * `npm run`, npm exports e.g. `npm_config_userconfig=~/.npmrc` and `npm_config_registry`, which
 * beat the test's own `NPM_CONFIG_USERCONFIG` (the publish then has no token: 401).
 */
function parentEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_config_/i.test(key)),
  );
}

/** Runs a command; rejects with its stdout+stderr on failure or timeout. */
export function exec(cmd: string, args: string[], opts: ExecOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        cwd: opts.cwd,
        env: { ...parentEnv(), FORCE_COLOR: '0', NO_COLOR: '1', ...opts.env },
        timeout: opts.timeout ?? 180_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        if (err)
          reject(
            new Error(
              `${cmd} ${args.join(' ')} (in ${opts.cwd}) failed: ${err.message}\n${stdout}${stderr}`,
            ),
          );
        else resolve(`${stdout}${stderr}`);
      },
    );
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns true or the deadline passes (then throws `what`). */
export async function waitFor(what: string, deadlineMs: number, probe: () => Promise<boolean>) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
}

export interface Registry {
  url: string;
  /** An .npmrc with the registry's auth token (scoped registry for @health only). */
  npmrc: string;
  token: string;
  stop(): Promise<void>;
}

/** Starts Verdaccio with its own storage/config under `dir`; only @health/* is stored there. */
export async function startVerdaccio(dir: string): Promise<Registry> {
  if (!existsSync(verdaccioBin))
    throw new Error(`verdaccio not installed at ${verdaccioBin}: run pnpm install`);
  await mkdir(join(dir, 'storage'), { recursive: true });
  const config = join(dir, 'config.yaml');
  await writeFile(
    config,
    [
      'storage: ./storage',
      'auth:',
      '  htpasswd:',
      '    file: ./htpasswd',
      '    max_users: 10',
      'uplinks: {}',
      'packages:',
      "  '@health/*':",
      '    access: $all',
      '    publish: $authenticated',
      '    unpublish: $authenticated',
      'web:',
      '  enable: false',
      'log: { type: stdout, format: json, level: warn }',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const child: ChildProcess = spawn(
    process.execPath,
    [verdaccioBin, '--config', config, '--listen', `127.0.0.1:${port}`],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitFor('verdaccio /-/ping', 30_000, async () => {
      if (child.exitCode !== null) throw new Error(`verdaccio exited: ${log}`);
      return (await fetch(`${url}-/ping`)).ok;
    });
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\nverdaccio log:\n${log}`);
  }
  // Creating a user on an htpasswd registry answers a bearer token, as `npm adduser` does.
  const res = await fetch(`${url}-/user/org.couchdb.user:release`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'release', password: 'release-test-pw', type: 'user', roles: [] }),
  });
  const body = (await res.json()) as { token?: string };
  if (!res.ok || !body.token)
    throw new Error(`verdaccio adduser failed: ${res.status} ${JSON.stringify(body)}`);
  const npmrc = join(dir, '.npmrc');
  await writeFile(
    npmrc,
    `@health:registry=${url}\n//127.0.0.1:${port}/:_authToken=${body.token}\n`,
  );
  return {
    url,
    npmrc,
    token: body.token,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface PublishedPackage {
  name: string;
  dir: string;
  version: string;
  readme: string;
}

/** Every non-private packages/* package (so packages added later are published automatically). */
export function publishedPackages(root = repoRoot, includePrivate = false): PublishedPackage[] {
  const dir = join(root, 'packages');
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'package.json')))
    .map((name) => ({
      dir: join(dir, name),
      manifest: JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')),
    }))
    .filter(({ manifest }) => includePrivate || !manifest.private)
    .map(({ dir: pkgDir, manifest }) => ({
      name: manifest.name as string,
      dir: pkgDir,
      version: manifest.version as string,
      readme: existsSync(join(pkgDir, 'README.md'))
        ? readFileSync(join(pkgDir, 'README.md'), 'utf8')
        : '',
    }));
}

/**
 * A Node.js binary of `major` from npm's `node` package, cached outside the repo
 * (~/.cache/health-node/<major>); installed on first use.
 */
export async function nodeBinary(major: number): Promise<string> {
  const prefix = join(homedir(), '.cache', 'health-node', String(major));
  const binary = join(prefix, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(binary)) {
    await mkdir(prefix, { recursive: true });
    await exec(
      'npm',
      ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `node@${major}`],
      { cwd: prefix, timeout: 300_000 },
    );
  }
  const version = (await exec(binary, ['--version'], { cwd: prefix })).trim();
  if (!version.startsWith(`v${major}.`))
    throw new Error(`${binary} is ${version}, expected Node ${major}`);
  return binary;
}
