/**
 * @health/metrics seen by a real Prometheus server: Debian's `prometheus` scrapes the Express
 * example's `/metrics` every second while the example's real PostgreSQL (@health/test-services)
 * is stopped and started again, then the example gets SIGTERM. Prometheus' HTTP API must then
 * show `health_check_status{name="database"}` going 1 → 0 → 1 and `health_state` reporting
 * STOPPING during the drain. `scripts/ensure-system-deps.mjs` installs prometheus; a missing
 * binary fails the test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PostgresHandle, startPostgres } from '@health/test-services';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Child, repoRoot, sleep, startTs } from './support/child.js';
import { get } from './support/http.js';
import { binary, freePorts } from './support/lb.js';

const DRAIN_MS = 4_000;
let postgres: PostgresHandle;
let service: Child;
let prometheus: ChildProcess | undefined;
let promUrl = '';
const dir = mkdtempSync(join(tmpdir(), 'health-prometheus-'));

beforeAll(async () => {
  const promBinary = binary('prometheus');
  postgres = await startPostgres();
  service = await startTs(join(repoRoot, 'examples/express/src/main.ts'), {
    cwd: join(repoRoot, 'examples/express'),
    env: { DATABASE_URL: postgres.url, DRAIN_DELAY_MS: String(DRAIN_MS) },
    listenTimeout: 60_000,
  });
  const [port = 0] = await freePorts(1);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 900ms',
      'scrape_configs:',
      '  - job_name: example',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${service.port}']`,
      '',
    ].join('\n'),
  );
  promUrl = `http://127.0.0.1:${port}`;
  prometheus = spawn(
    promBinary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  prometheus.stderr?.setEncoding('utf8').on('data', (c: string) => {
    log = (log + c).slice(-4_000);
  });
  const end = Date.now() + 30_000;
  const ready = () =>
    get(`${promUrl}/-/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
  while (!(await ready())) {
    if (Date.now() > end || prometheus.exitCode !== null)
      throw new Error(`prometheus did not become ready:\n${log}`);
    await sleep(200);
  }
}, 120_000);

afterAll(async () => {
  service?.kill('SIGKILL');
  prometheus?.kill('SIGKILL');
  await postgres?.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** One instant query through Prometheus' HTTP API: the value of the first series, if any. */
async function query(promql: string): Promise<number | undefined> {
  const { status, body } = await get(`${promUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  expect(status).toBe(200);
  const result = JSON.parse(body).data.result as { value: [number, string] }[];
  return result.length > 0 ? Number(result[0]?.value[1]) : undefined;
}

/** Waits until the query's value is `want`; returns how long it took (ms). */
async function until(promql: string, want: number, timeout: number): Promise<number> {
  const from = Date.now();
  for (;;) {
    const value = await query(promql);
    if (value === want) break;
    if (Date.now() - from > timeout)
      throw new Error(`${promql} was ${value}, not ${want}, after ${timeout} ms`);
    await sleep(200);
  }
  return Date.now() - from;
}

it('Prometheus sees health_check_status 1 → 0 → 1 across a PostgreSQL outage and STOPPING on SIGTERM', async () => {
  const began = Date.now() / 1000;
  const status = 'min(health_check_status{job="example",name="database"})';
  const figures: Record<string, number> = {};
  // The kubelet's part: readiness probed every 250 ms (checks run when probed, as in a pod).
  let probing = true;
  const kubelet = (async () => {
    while (probing) {
      await get(`${service.url}/health/ready`);
      await sleep(250);
    }
  })();
  try {
    figures.upSeen = await until(status, 1, 60_000);
    await sleep(2_000);
    await postgres.stop();
    figures.stopToDownScraped = await until(status, 0, 15_000);
    await sleep(2_000);
    await postgres.start();
    figures.startToUpScraped = await until(status, 1, 20_000);
    await sleep(2_000);
    service.kill('SIGTERM');
  } finally {
    probing = false;
    await kubelet;
  }
  figures.sigtermToStoppingScraped = await until(
    'health_state{job="example",state="STOPPING"}',
    1,
    DRAIN_MS,
  );
  expect(await query('health_state{job="example",state="UP"}')).toBe(0);
  const exit = await service.exited;
  expect(exit.code).toBe(0);

  // The whole story from Prometheus' storage: the 1 s samples, consecutive repeats folded.
  const ended = Date.now() / 1000;
  const range = await get(
    `${promUrl}/api/v1/query_range?query=${encodeURIComponent(status)}&start=${began}&end=${ended}&step=1`,
  );
  const values = (JSON.parse(range.body).data.result[0].values as [number, string][]).map(([, v]) =>
    Number(v),
  );
  const story = values.filter((v, i) => i === 0 || v !== values[i - 1]);
  expect(story).toEqual([1, 0, 1]);
  // Runs were counted both ways, and the probes' answers with their codes.
  expect(
    await query('sum(health_checks_total{job="example",name="database",status="DOWN"})'),
  ).toBeGreaterThan(0);
  expect(await query('sum(health_probe_requests_total{job="example",code="503"})')).toBeGreaterThan(
    0,
  );
  console.log(
    `prometheus scrape figures (ms): ${JSON.stringify({ ...figures, samples: values.length })}`,
  );
}, 120_000);
