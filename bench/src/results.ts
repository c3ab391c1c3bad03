/**
 * The shape of a results file (bench/results/latest.json): what the run writes and the report
 * reads. Types only, so report/* depends on this and never on run.ts (which imports report/*).
 */
import type { BenchConfig } from './config.js';
import type { MachineInfo } from './machine.js';
import type { AmplificationRow } from './suites/amplification.js';
import type { FootprintResult } from './suites/footprint.js';
import type { ProbeStartRow } from './suites/probe-start.js';
import type { ShutdownRow } from './suites/shutdown.js';
import type { ThroughputGroup } from './suites/throughput.js';

export interface BenchResults {
  schema: 1;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  smoke: boolean;
  config: Omit<BenchConfig, 'only'> & { only: string | undefined };
  machine: MachineInfo;
  /** 1-minute load average sampled during the run. */
  load: { min: number; median: number; max: number; samples: number[] };
  versions: Record<string, string>;
  skipped: { id: string; label: string; note: string }[];
  throughput?: ThroughputGroup[];
  amplification?: AmplificationRow[];
  shutdown?: ShutdownRow[];
  footprint?: FootprintResult;
  probeStart?: ProbeStartRow[];
}
