#!/usr/bin/env node
/**
 * Verifies every published (non-private) package under packages/* *as published*:
 *
 *   1. `publint --strict` (warnings fail too) on the package directory;
 *   2. `attw --profile strict` (node10, node16 CJS/ESM, bundler) on the tarball `pnpm pack` produced (the exact bytes we publish);
 *   3. a smoke test in ONE scratch project in os.tmpdir() that npm-installs all tarballs
 *      together, then for every `exports` key:
 *        (a) `import()`s it from an .mjs file and asserts it resolves to a non-.cjs file,
 *        (b) `require()`s it from a .cjs file and asserts `require.resolve()` ends in `.cjs`
 *            (Node 20 can require() ESM, so a passing require() alone proves nothing),
 *        (c) type-checks an .mts (ESM) and a .cts (CJS) importer with TypeScript 5.9.3,
 *            `module: nodenext`, `skipLibCheck: false`;
 *      (a) and (b) run on this Node and on Node 22 and 24 (npm's `node` package, cached in
 *      ~/.cache/health-node/<major> like the release tests' runtime matrix): users run those lines.
 *
 * Why `--profile strict` for attw: it includes `node10` resolution, which ignores `exports`;
 * TypeScript 5.x projects on `moduleResolution: "node"` are still common, so every subpath export
 * (e.g. `@health/core/node`) also has a `typesVersions` entry, and node10 must be green too.
 *
 * Run after `pnpm build`. Usage: node scripts/check-packages.mjs [package-dir-name ...]
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const TYPESCRIPT = '5.9.3';
const keep = process.env.HEALTH_KEEP_SCRATCH === '1';
/** The Node lines the packed entries are also imported and required on. */
const OTHER_NODE_MAJORS = [22, 24];

/** Runs a command; resolves { ok, out } and never rejects. */
function run(cmd, args, opts = {}) {
  return new Promise((done) => {
    execFile(
      cmd,
      args,
      {
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
        ...opts,
      },
      (err, stdout, stderr) => {
        done({ ok: !err, out: `${stdout}${stderr}`.trim() });
      },
    );
  });
}

/** Runs async tasks with a small concurrency limit (the CI box has 2 cores). */
async function pool(items, limit, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function listPackages(only) {
  const dirs = await readdir(join(root, 'packages'), { withFileTypes: true });
  const pkgs = [];
  for (const d of dirs) {
    if (!d.isDirectory()) continue;
    if (only.length > 0 && !only.includes(d.name)) continue;
    const dir = join(root, 'packages', d.name);
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(await readFile(file, 'utf8'));
    if (manifest.private) continue;
    const entries = Object.keys(manifest.exports ?? { '.': null })
      .filter((key) => !key.endsWith('.json') && !key.includes('*'))
      .map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.replace(/^\.\//, '')}`));
    pkgs.push({ dir, name: manifest.name, manifest, entries, problems: [], notes: [] });
  }
  return pkgs.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Consumer-side typings the smoke project needs for skipLibCheck:false (e.g. @types/express), and
 * the optional peers a built entry imports at runtime (npm installs only required peers), e.g.
 * prom-client for `@health/metrics/prometheus`: a user of that entry installs it too.
 */
async function consumerTypes(pkgs) {
  const deps = { typescript: TYPESCRIPT, '@types/node': '^20' };
  for (const pkg of pkgs) {
    const optional = Object.keys(pkg.manifest.peerDependenciesMeta ?? {});
    if (optional.length > 0) {
      const dist = join(pkg.dir, 'dist');
      const files = (await readdir(dist)).filter((f) => /\.(c?js)$/.test(f));
      const code = (await Promise.all(files.map((f) => readFile(join(dist, f), 'utf8')))).join(
        '\n',
      );
      for (const name of optional) {
        const quoted = `["']${name.replace(/[/.]/g, '\\$&')}["']`;
        if (!new RegExp(`(from |require\\()${quoted}`).test(code)) continue;
        const spec = pkg.manifest.devDependencies?.[name] ?? pkg.manifest.peerDependencies[name];
        deps[name] ??= /^(workspace|npm|file|link):/.test(spec)
          ? pkg.manifest.peerDependencies[name]
          : spec;
      }
    }
    for (const [name, spec] of Object.entries(pkg.manifest.devDependencies ?? {})) {
      if (!name.startsWith('@types/') || name === '@types/node') continue;
      if (/^(workspace|npm|file|link):/.test(spec)) continue;
      deps[name] ??= spec;
    }
  }
  return deps;
}

async function main() {
  const pkgs = await listPackages(process.argv.slice(2));
  if (pkgs.length === 0) {
    console.log('check-packages: no published packages found under packages/*');
    return;
  }
  for (const pkg of pkgs) {
    const missing = ['main', 'types'].filter(
      (f) => pkg.manifest[f] && !existsSync(join(pkg.dir, pkg.manifest[f])),
    );
    if (missing.length > 0) {
      console.error(
        `check-packages: ${pkg.name} is not built (${missing.join(', ')} missing); run \`pnpm build\` first`,
      );
      process.exit(1);
    }
  }

  const scratch = await mkdtemp(join(tmpdir(), 'health-check-packages-'));
  const tarballs = join(scratch, 'tarballs');
  const project = join(scratch, 'project');
  await mkdir(tarballs);
  await mkdir(project);

  try {
    // 1 + 2: pack, publint and attw, per package (limited parallelism).
    await pool(pkgs, 2, async (pkg) => {
      const dest = join(tarballs, basename(pkg.dir));
      await mkdir(dest);
      const packed = await run('pnpm', ['pack', '--pack-destination', dest], { cwd: pkg.dir });
      const tgz = (await readdir(dest)).find((f) => f.endsWith('.tgz'));
      if (!packed.ok || !tgz) {
        pkg.problems.push(`pnpm pack failed:\n${packed.out}`);
        return;
      }
      pkg.tarball = join(dest, tgz);
      const [lint, types] = await Promise.all([
        run(bin('publint'), ['run', pkg.dir, '--strict', '--pack', 'pnpm'], { cwd: pkg.dir }),
        run(
          bin('attw'),
          [
            pkg.tarball,
            '--profile',
            'strict',
            '--no-definitely-typed',
            '--format',
            'table-flipped',
            '--no-emoji',
          ],
          { cwd: pkg.dir },
        ),
      ]);
      // publint prints suggestions with exit 0; --strict turns warnings into errors.
      if (!lint.ok) pkg.problems.push(`publint:\n${lint.out}`);
      else pkg.notes.push('publint ok');
      if (!types.ok) pkg.problems.push(`attw (profile strict):\n${types.out}`);
      else pkg.notes.push('attw ok');
    });

    // 3: one scratch project with every tarball, overrides pin inter-package deps to tarballs.
    const packed = pkgs.filter((p) => p.tarball);
    const local = Object.fromEntries(packed.map((p) => [p.name, `file:${p.tarball}`]));
    const manifest = {
      name: 'health-smoke',
      private: true,
      version: '0.0.0',
      dependencies: { ...local, ...(await consumerTypes(packed)) },
      overrides: local,
    };
    await writeFile(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
    const install = await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--no-package-lock',
        '--loglevel=error',
      ],
      { cwd: project },
    );
    if (!install.ok) {
      for (const p of packed) p.problems.push(`npm install of tarballs failed:\n${install.out}`);
    } else {
      await smoke(project, packed);
    }
  } finally {
    if (keep) console.log(`check-packages: scratch kept at ${scratch}`);
    else await rm(scratch, { recursive: true, force: true });
  }

  let failed = 0;
  for (const pkg of pkgs) {
    const ok = pkg.problems.length === 0;
    if (!ok) failed++;
    console.log(
      `${ok ? 'PASS' : 'FAIL'} ${pkg.name} [${pkg.entries.join(', ')}] ${pkg.notes.join(' · ')}`,
    );
    for (const problem of pkg.problems) console.log(`  ${problem.replace(/\n/g, '\n    ')}`);
  }
  console.log(`check-packages: ${pkgs.length - failed}/${pkgs.length} packages green`);
  process.exit(failed > 0 ? 1 : 0);
}

/** A Node binary of that major from npm's `node` package (installed once into a cache folder). */
async function nodeBinary(major) {
  const prefix = join(homedir(), '.cache', 'health-node', String(major));
  const binary = join(prefix, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(binary)) {
    await mkdir(prefix, { recursive: true });
    const args = ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix];
    const installed = await run('npm', [...args, `node@${major}`], { cwd: prefix });
    if (!installed.ok) throw new Error(`installing node@${major} failed:\n${installed.out}`);
  }
  const version = await run(binary, ['--version']);
  if (!version.ok || !version.out.startsWith(`v${major}.`))
    throw new Error(`${binary} is ${version.out}, expected Node ${major}`);
  return binary;
}

async function smoke(project, pkgs) {
  const all = pkgs.flatMap((p) => p.entries);
  const esm = `const entries = ${JSON.stringify(all)};
const out = {};
for (const e of entries) {
  try {
    const url = import.meta.resolve(e);
    const ns = await import(e);
    out[e] = url.endsWith('.cjs') ? 'import() resolved to CJS ' + url : Object.keys(ns).length > 0 ? 'ok' : 'no exports';
  } catch (err) { out[e] = String(err && err.stack || err); }
}
console.log(JSON.stringify(out));
`;
  const cjs = `const entries = ${JSON.stringify(all)};
const out = {};
for (const e of entries) {
  try {
    const file = require.resolve(e);
    const mod = require(e);
    out[e] = !file.endsWith('.cjs') ? 'require.resolve() is not .cjs: ' + file : Object.keys(mod).length > 0 ? 'ok' : 'no exports';
  } catch (err) { out[e] = String(err && err.stack || err); }
}
console.log(JSON.stringify(out));
`;
  const importer = (kind) => {
    const lines = all.map(
      (e, i) =>
        `import * as m${i} from '${e}';\nexport const k${i}: string[] = Object.keys(m${i});`,
    );
    return [...lines, `export const kind = '${kind}';`, ''].join('\n');
  };
  const tsconfig = {
    compilerOptions: {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      types: ['node'],
    },
    files: ['esm.mts', 'cjs.cts'],
  };
  await Promise.all([
    writeFile(join(project, 'smoke.mjs'), esm),
    writeFile(join(project, 'smoke.cjs'), cjs),
    writeFile(join(project, 'esm.mts'), importer('esm')),
    writeFile(join(project, 'cjs.cts'), importer('cjs')),
    writeFile(join(project, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2)),
  ]);
  const tscBin = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
  const nodes = [{ label: process.version.split('.')[0], binary: process.execPath }];
  for (const major of OTHER_NODE_MAJORS) {
    if (nodes[0].label === `v${major}`) continue;
    try {
      nodes.push({ label: `v${major}`, binary: await nodeBinary(major) });
    } catch (err) {
      for (const pkg of pkgs) pkg.problems.push(`Node ${major}: ${err.message}`);
    }
  }
  const [tsc, ...runs] = await Promise.all([
    run(process.execPath, [tscBin, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: project }),
    ...nodes.flatMap(({ binary }) => [
      run(binary, ['smoke.mjs'], { cwd: project }),
      run(binary, ['smoke.cjs'], { cwd: project }),
    ]),
  ]);
  const parse = (r) => {
    try {
      return JSON.parse(r.out.split('\n').pop());
    } catch {
      return null;
    }
  };
  for (const pkg of pkgs) {
    const bad = [];
    nodes.forEach(({ label }, i) => {
      const [im, rq] = [runs[2 * i], runs[2 * i + 1]];
      const imports = parse(im);
      const requires = parse(rq);
      for (const e of pkg.entries) {
        if (imports?.[e] !== 'ok')
          bad.push(`Node ${label} import('${e}'): ${imports ? imports[e] : im.out}`);
        if (requires?.[e] !== 'ok')
          bad.push(`Node ${label} require('${e}'): ${requires ? requires[e] : rq.out}`);
      }
    });
    if (bad.length > 0) pkg.problems.push(...bad);
    else pkg.notes.push(`import + require (.cjs) ok on ${nodes.map((n) => n.label).join(', ')}`);
    // tsc reports errors with file paths; attribute them to packages by name where possible.
    if (!tsc.ok) {
      const mine = tsc.out
        .split('\n')
        .filter((l) => l.includes(pkg.name) || l.includes(`node_modules/${pkg.name}/`));
      pkg.problems.push(
        `tsc (nodenext, skipLibCheck:false, TS ${TYPESCRIPT}) failed:\n${(mine.length > 0 ? mine : tsc.out.split('\n')).join('\n')}`,
      );
    } else pkg.notes.push('tsc .mts+.cts ok');
  }
}

await main();
