/**
 * Free disk space on the volume holding a path (`fs.statfs`): bytes available to this process
 * (not to root), against a minimum in bytes and/or as a share of the volume.
 */
import { statfs } from 'node:fs/promises';
import { type CheckDefinition, down, up } from '@health/core';
import { assertRange, type CheckOptions, defineCheck, failure, mb, optionError } from './shared.js';

export interface DiskSpaceCheckOptions extends CheckOptions {
  /** Fail below this many free bytes. @default no byte minimum */
  minFreeBytes?: number;
  /** Fail below this free share of the volume (0–1). @default 0.05 */
  minFreeRatio?: number;
}

/**
 * Checks free space on the volume that holds `path`.
 * @example
 * diskSpaceCheck('/var/lib/app/uploads', { minFreeBytes: 1024 ** 3 }) // 1 GiB
 */
export function diskSpaceCheck(path: string, options: DiskSpaceCheckOptions = {}): CheckDefinition {
  if (typeof path !== 'string' || path === '')
    throw optionError('path', 'must be a non-empty string');
  assertRange('minFreeRatio', options.minFreeRatio, 0, 1);
  assertRange('minFreeBytes', options.minFreeBytes, 0, Number.MAX_SAFE_INTEGER);
  const minFreeRatio = options.minFreeRatio ?? 0.05;
  const minFreeBytes = options.minFreeBytes;
  return defineCheck({ name: 'disk', dependency: false }, options, async () => {
    let stats: Awaited<ReturnType<typeof statfs>>;
    try {
      stats = await statfs(path);
    } catch (error) {
      return failure('disk check failed', error, [path]);
    }
    const freeBytes = Number(stats.bavail) * Number(stats.bsize);
    const totalBytes = Number(stats.blocks) * Number(stats.bsize);
    const freeRatio = totalBytes > 0 ? Math.round((freeBytes / totalBytes) * 1000) / 1000 : 0;
    const details = {
      freeBytes,
      totalBytes,
      freeRatio,
      minFreeRatio,
      ...(minFreeBytes !== undefined ? { minFreeBytes } : {}),
    };
    if (minFreeBytes !== undefined && freeBytes < minFreeBytes) {
      return down(`free disk space ${mb(freeBytes)} MB is below ${mb(minFreeBytes)} MB`, details);
    }
    if (freeRatio < minFreeRatio) {
      return down(
        `free disk space ${Math.round(freeRatio * 1000) / 10}% is below ${minFreeRatio * 100}%`,
        details,
      );
    }
    return up(details);
  });
}
