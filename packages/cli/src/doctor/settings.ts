/**
 * What the doctor knows about the service: its health description (`health.describe()`), read from
 * `--from <url>`, `--config <module|json>`, or built from core's defaults when neither is given.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HealthDescription } from '@health/core';
import { CHECK_DEFAULTS, DEFAULT_PATHS, PROBE_DEADLINE, SHUTDOWN_DEFAULTS } from '@health/core';
import { CliError, INVALID_OPTION } from '../errors.js';

export interface Settings {
  description: HealthDescription;
  /** Where it came from: 'defaults', the URL or the module path. */
  source: string;
}

/** Core's defaults: what a `createHealth()` with no options serves (drain delay 0). */
export function defaultDescription(drainDelay = 0): HealthDescription {
  return {
    version: 1,
    state: 'STARTING',
    startedAt: 0,
    paths: {
      health: [DEFAULT_PATHS.health],
      liveness: [DEFAULT_PATHS.liveness],
      readiness: [DEFAULT_PATHS.readiness],
      startup: [DEFAULT_PATHS.startup],
    },
    groups: {},
    checks: [],
    probeDeadline: PROBE_DEADLINE,
    shutdown: {
      signals: ['SIGTERM'],
      drainDelay,
      serverCloseTimeout: SHUTDOWN_DEFAULTS.serverCloseTimeout,
      hookTimeout: SHUTDOWN_DEFAULTS.hookTimeout,
    },
  };
}

/** Slowest timeout a check may take when none is described (core's default). */
export const DEFAULT_CHECK_TIMEOUT: number = CHECK_DEFAULTS.timeout;

function asDescription(value: unknown, source: string): HealthDescription {
  const candidate =
    value && typeof (value as { describe?: unknown }).describe === 'function'
      ? (value as { describe(): unknown }).describe()
      : value;
  const d = candidate as Partial<HealthDescription> | undefined;
  if (d?.version !== 1 || typeof d.paths !== 'object' || typeof d.shutdown !== 'object')
    throw new CliError(
      INVALID_OPTION,
      source,
      'is not a Health or a health.describe() description (version 1)',
    );
  return d as HealthDescription;
}

export async function fromUrl(url: string, timeout = 3000): Promise<Settings> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeout) });
  } catch (error) {
    throw new CliError(
      INVALID_OPTION,
      '--from',
      `could not fetch ${url}: ${(error as Error).message}`,
    );
  }
  if (response.status !== 200)
    throw new CliError(
      INVALID_OPTION,
      '--from',
      `${url} answered ${response.status}; enable createHealth({ describePath: '/health/config' }) and call it from 127.0.0.1`,
    );
  return { description: asDescription(await response.json(), '--from'), source: url };
}

export async function fromModule(path: string): Promise<Settings> {
  const file = resolve(path);
  if (file.endsWith('.json'))
    return {
      description: asDescription(JSON.parse(await readFile(file, 'utf8')), '--config'),
      source: path,
    };
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new CliError(
      INVALID_OPTION,
      '--config',
      `could not import ${path}: ${(error as Error).message}`,
    );
  }
  const value = mod.health ?? mod.default ?? mod.description;
  return { description: asDescription(value, '--config'), source: path };
}
