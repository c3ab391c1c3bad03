// The core README's API table lists every public export: values found at run time, types read
// from the entry's export lists. A new export without a row fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import * as node from '../src/node.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const api = readme.slice(readme.indexOf('## API'), readme.indexOf('## License'));
const listed = (name: string) => new RegExp(`\`${name}[\`(]`).test(api);

/** Every name in the `export { ... }` / `export type { ... }` lists of a source file. */
function exportedNames(file: string): string[] {
  const source = readFileSync(new URL(file, import.meta.url), 'utf8');
  const names: string[] = [];
  for (const [, list] of source.matchAll(/export (?:type )?\{([^}]*)\}/g))
    for (const item of (list ?? '').split(','))
      names.push(
        item
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)
          .pop() ?? '',
      );
  return names.filter((name) => name !== '');
}

describe('core README API table', () => {
  it('lists every export of @health/core and @health/core/node', () => {
    const names = new Set([
      ...Object.keys(core),
      ...Object.keys(node),
      ...exportedNames('../src/index.ts'),
      'NodeRequest',
      'NodeResponse',
    ]);
    const missing = [...names].filter((name) => !listed(name));
    expect(missing).toEqual([]);
    expect(names.size).toBeGreaterThan(60);
  });
});

describe("adapter READMEs' options tables", () => {
  // Every key of HealthOptions, read from its interface.
  const source = readFileSync(new URL('../src/options.ts', import.meta.url), 'utf8');
  const body = source.slice(source.indexOf('export interface HealthOptions {'));
  const keys = [...body.slice(0, body.indexOf('\n}')).matchAll(/^ {2}(\w+)\?:/gm)].map((m) => m[1]);

  it.each(['express', 'fastify', 'koa', 'nestjs'])('%s lists every core option', (adapter) => {
    const readme = readFileSync(new URL(`../../${adapter}/README.md`, import.meta.url), 'utf8');
    expect(keys.length).toBeGreaterThan(10);
    expect(keys.filter((key) => !readme.includes(`\`${key}\``))).toEqual([]);
  });
});
