/**
 * Probe start time: process start-to-exit of `health probe <url>` (node + @health/cli's dist)
 * against `curl` and `wget` on the same local endpoint — what a Docker HEALTHCHECK or a
 * Kubernetes exec probe pays per run. Runs are interleaved (curl, wget, health, curl, ...) so
 * machine load hits each tool alike; medians and the ratio health/curl are reported.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { repoRoot } from '../paths.js';
import { median } from '../stats.js';

export interface ProbeStartRow {
  /** `node -e 0` is the floor: Node's own start, before any of the probe's code. */
  tool: 'health probe' | 'curl' | 'wget' | 'node -e 0';
  command: string;
  runs: number;
  medianMs: number;
  p90Ms: number;
  /** medianMs / curl's medianMs. */
  ratioToCurl: number;
}

function timeOnce(cmd: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`probe-start: ${cmd} ${args.join(' ')} exited ${code}`));
    });
  });
}

export async function runProbeStart(
  runs: number,
  log: (line: string) => void,
): Promise<ProbeStartRow[]> {
  const bin = `${repoRoot}packages/cli/dist/bin.js`;
  if (!existsSync(bin))
    throw new Error(`probe-start: ${bin} missing (pnpm --filter @health/cli build)`);
  for (const tool of ['curl', 'wget'])
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0)
      throw new Error(`probe-start: ${tool} is not installed (apt-get install ${tool})`);
  // The endpoint answers in-process; the tools are separate processes, so it never blocks them.
  const server = createServer((_req, res) => res.end('{"status":"UP"}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health/ready`;
  const tools = [
    { tool: 'curl', cmd: 'curl', args: ['-fsS', '-o', '/dev/null', url] },
    { tool: 'wget', cmd: 'wget', args: ['-q', '-O', '/dev/null', url] },
    { tool: 'health probe', cmd: process.execPath, args: [bin, 'probe', url] },
    { tool: 'node -e 0', cmd: process.execPath, args: ['-e', '0'] },
  ] as const;
  const samples = new Map<string, number[]>(tools.map((t) => [t.tool, []]));
  try {
    for (const t of tools) await timeOnce(t.cmd, t.args); // warm the page cache
    for (let i = 0; i < runs; i++)
      for (const t of tools) samples.get(t.tool)?.push(await timeOnce(t.cmd, t.args));
  } finally {
    await new Promise((r) => server.close(r));
  }
  const curl = median(samples.get('curl') ?? []);
  const rows = tools.map((t): ProbeStartRow => {
    const list = [...(samples.get(t.tool) ?? [])].sort((a, b) => a - b);
    const med = median(list);
    return {
      tool: t.tool,
      command: [
        t.cmd === process.execPath ? 'node' : t.cmd,
        ...t.args.map((a) => a.replace(repoRoot, '')),
      ].join(' '),
      runs,
      medianMs: Math.round(med * 10) / 10,
      p90Ms: Math.round((list[Math.floor(list.length * 0.9)] ?? med) * 10) / 10,
      ratioToCurl: Math.round((med / curl) * 100) / 100,
    };
  });
  for (const r of rows)
    log(
      `  ${r.tool.padEnd(13)} median ${r.medianMs} ms, p90 ${r.p90Ms} ms, ${r.ratioToCurl}x curl`,
    );
  return rows;
}
