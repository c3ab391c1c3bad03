/** The machine and versions a run was measured on, and how busy the machine was meanwhile. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchRoot } from './paths.js';
import { wrkBinary } from './wrk.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  wrk: string;
  pinning: string;
}

export function machineInfo(
  serverCpu: string | undefined,
  loadCpu: string | undefined,
): MachineInfo {
  let wrk = 'not found';
  const bin = wrkBinary();
  if (bin) {
    try {
      execFileSync(bin, ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      // `wrk -v` prints its version and exits 1.
      const out = `${(error as { stdout?: string }).stdout ?? ''}`;
      wrk = out.split('\n')[0]?.trim() || 'wrk';
    }
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${release()} ${arch()}`,
    node: process.version,
    wrk,
    pinning:
      serverCpu === undefined
        ? 'none (fewer than 2 cores, or BENCH_PIN=0)'
        : `servers on CPU ${serverCpu}, wrk and clients on CPU ${loadCpu} (taskset)`,
  };
}

/** Installed versions of the packages measured. */
export function versions(names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    try {
      out[name] = (
        JSON.parse(readFileSync(join(benchRoot, 'node_modules', name, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
    } catch {
      // not installed
    }
  }
  return out;
}

/** Samples the 1-minute load average every `everyMs` until stopped. */
export function loadSampler(everyMs = 5000): {
  stop(): { min: number; median: number; max: number; samples: number[] };
} {
  const samples = [loadavg()[0] as number];
  const timer = setInterval(() => samples.push(loadavg()[0] as number), everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      samples.push(loadavg()[0] as number);
      const sorted = [...samples].sort((a, b) => a - b);
      return {
        min: sorted[0] as number,
        median: sorted[sorted.length >> 1] as number,
        max: sorted[sorted.length - 1] as number,
        samples,
      };
    },
  };
}
