/**
 * Lints .github/workflows/*.yml with action-validator (a real schema-based workflow linter from
 * npm), and checks the two properties the release pipeline depends on.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const workflows = join(root, '.github', 'workflows');
const validator = fileURLToPath(new URL('../node_modules/.bin/action-validator', import.meta.url));
const run = promisify(execFile);

describe('CI workflows', () => {
  const files = readdirSync(workflows).filter((f) => f.endsWith('.yml'));

  it('has ci.yml and release.yml', () => {
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'release.yml']));
  });

  it.each(files)('%s passes action-validator', async (file) => {
    const { stdout, stderr } = await run(validator, [join(workflows, file)]).catch((err) => {
      throw new Error(`action-validator rejected ${file}:\n${err.stdout}${err.stderr}`);
    });
    expect(`${stdout}${stderr}`).not.toMatch(/"errors"/);
  });

  it('the linter really rejects a broken workflow', async () => {
    const bad = join(root, 'node_modules', '.cache', 'bad-workflow.yml');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
    writeFileSync(bad, 'on: push\njobs:\n  x:\n    runs-on: 1\n    stepz: []\n');
    await expect(run(validator, [bad])).rejects.toThrow();
  });

  it('ci.yml runs the README test command; release.yml can mint provenance', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain('pnpm test');
    expect(readFileSync(join(workflows, 'ci.yml'), 'utf8')).toMatch(/run: pnpm test\n/);
    const release = readFileSync(join(workflows, 'release.yml'), 'utf8');
    expect(release).toMatch(/id-token: write/);
    expect(release).toMatch(/changesets\/action@v1/);
    expect(release).toMatch(/publish: pnpm release/);
  });
});
