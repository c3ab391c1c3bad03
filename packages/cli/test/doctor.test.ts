// `health doctor`: the examples' manifests pass, each broken fixture fails with exactly its rule,
// and --from reads a real core service's describePath.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHealth } from '@health/core';
import { createNodeListener } from '@health/core/node';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { doctor, formatReport } from '../src/doctor/index.js';
import { schemaErrors } from '../src/doctor/manifest.js';
import { main } from '../src/main.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, 'fixtures');
const examples = join(here, '../../../examples');
const service = join(fixtures, 'service.json');
const failed = (report: Awaited<ReturnType<typeof doctor>>) => [
  ...new Set(report.findings.filter((f) => !f.ok).map((f) => f.rule)),
];

// Only example folders (examples/ also holds the shared Dockerfile) that ship manifests.
const manifests = readdirSync(examples, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .filter((name) => readdirSync(join(examples, name)).includes('k8s'))
  .flatMap((name) =>
    readdirSync(join(examples, name, 'k8s')).map((file) => join(examples, name, 'k8s', file)),
  );

describe('examples/*/k8s', () => {
  it('finds the example manifests', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(8);
  });

  it.each(manifests)('%s validates against the Kubernetes schemas', async (file) => {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8')) as unknown as {
      toJS(): never;
    }[])
      expect(await schemaErrors(doc.toJS())).toBe('');
  });

  it.each(manifests.filter((f) => f.endsWith('deployment.yaml')))(
    '%s passes the doctor',
    async (file) => {
      // The examples read DRAIN_DELAY_MS; the doctor does not parse env vars, so pass it on.
      const drain = readFileSync(file, 'utf8').match(/DRAIN_DELAY_MS\s+value: "(\d+)"/);
      expect(drain, 'the example sets DRAIN_DELAY_MS').not.toBeNull();
      const report = await doctor(file, { drainDelay: Number(drain?.[1]) });
      expect(failed(report), formatReport(report)).toEqual([]);
      expect(report.findings.map((f) => f.rule)).toEqual(
        expect.arrayContaining([
          'schema',
          'drain-delay',
          'grace-period',
          'liveness-dependency',
          'timeout',
          'probe-target',
        ]),
      );
    },
  );
});

const gallery: [file: string, rule: string, options?: Parameters<typeof doctor>[1]][] = [
  ['schema-type', 'schema'],
  ['schema-required', 'schema'],
  ['drain-delay', 'drain-delay'],
  ['drain-delay-lb', 'drain-delay', { config: service, lbDeregistration: 10_000 }],
  ['grace-period', 'grace-period'],
  ['grace-prestop', 'grace-period'],
  ['liveness-readiness', 'liveness-readiness'],
  ['liveness-dependency', 'liveness-dependency'],
  ['timeout', 'timeout', { config: join(fixtures, 'slow-checks.json') }],
  ['startup-budget', 'startup-budget', { config: join(fixtures, 'slow-start.json') }],
  ['probe-path', 'probe-target'],
  ['probe-port', 'probe-target'],
  ['probe-port-number', 'probe-target'],
  ['success-threshold', 'success-threshold'],
  ['seed-form', 'startup-probe'],
  ['no-workload', 'workload'],
  ['multi-document', 'grace-period'],
];

describe('gallery of broken manifests', () => {
  it('the base manifest passes', async () => {
    const report = await doctor(join(fixtures, 'good.yaml'), { config: service });
    expect(failed(report), formatReport(report)).toEqual([]);
  });

  it('covers every fixture file', () => {
    expect(readdirSync(join(fixtures, 'broken')).sort()).toEqual(
      gallery.map(([f]) => `${f}.yaml`).sort(),
    );
  });

  it.each(gallery)(
    '%s fails with exactly %s',
    async (file, rule, options = { config: service }) => {
      const report = await doctor(join(fixtures, 'broken', `${file}.yaml`), options);
      expect(failed(report), formatReport(report)).toEqual([rule]);
      const line = formatReport(report)
        .split('\n')
        .find((l) => l.startsWith(`FAIL ${rule}`));
      expect(line).toMatch(/ — fix: \S/);
    },
  );
});

describe('the bin', () => {
  it('prints one line per rule, --json, and exits 1 on a failure', async () => {
    let out = '';
    const sink = {
      write(s: string) {
        out += s;
        return true;
      },
    } as never;
    const args = ['doctor', join(fixtures, 'broken', 'grace-period.yaml'), '--config', service];
    expect(await main(args, sink, sink)).toBe(1);
    expect(out).toMatch(
      /^FAIL grace-period Deployment\/good container\/app: .* — fix: set terminationGracePeriodSeconds ≥ 20/m,
    );
    out = '';
    expect(await main([...args, '--json'], sink, sink)).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ ok: false, source: service });
  });

  it("without --from/--config: core's defaults, and says env vars are not parsed", async () => {
    const report = await doctor(join(fixtures, 'good.yaml'));
    expect(failed(report)).toEqual(['drain-delay']);
    expect(formatReport(report)).toContain('env vars such as DRAIN_DELAY_MS are not parsed');
  });

  it('--config imports a module exporting a Health', async () => {
    const config = join(fixtures, 'health.mjs');
    const report = await doctor(join(fixtures, 'good.yaml'), { config });
    expect(failed(report), formatReport(report)).toEqual([]);
    const live = await doctor(join(fixtures, 'broken', 'liveness-dependency.yaml'), { config });
    expect(failed(live)).toEqual(['liveness-dependency']);
  });

  it('a bad --config is a coded error naming the option', async () => {
    await expect(
      doctor(join(fixtures, 'good.yaml'), { config: join(fixtures, 'good.yaml') }),
    ).rejects.toMatchObject({
      code: 'HEALTH_CLI_INVALID_OPTION',
      message: expect.stringContaining('--config'),
    });
  });
});

describe('--from a running service', () => {
  let server: Server | undefined;
  afterAll(() => new Promise((r) => (server ? server.close(r) : r(undefined))));

  it("reads core's describePath (createHealth + createNodeListener)", async () => {
    const health = createHealth({
      describePath: '/health/config',
      checks: [{ name: 'db', check: () => true, timeout: 300, dependency: true }],
      shutdown: { drainDelay: { periodSeconds: 2, failureThreshold: 2 } },
    });
    health.markReady();
    server = createServer(createNodeListener(health));
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const from = `http://127.0.0.1:${port}/health/config`;
    const report = await doctor(join(fixtures, 'good.yaml'), { from });
    expect(failed(report), formatReport(report)).toEqual([]);
    expect(report.source).toBe(from);
    expect(report.findings.map((f) => f.rule)).toContain('startup-budget');
    const live = await doctor(join(fixtures, 'broken', 'liveness-dependency.yaml'), { from });
    expect(failed(live)).toEqual(['liveness-dependency']);
  });
});
