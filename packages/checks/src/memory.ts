/**
 * Memory: V8 heap used against the heap limit (`v8.getHeapStatistics`), and the resident set
 * size against a byte limit (by default 90% of the container's memory limit, else of RAM).
 */
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { type CheckDefinition, down, up } from '@health/core';
import { assertRange, type CheckOptions, defineCheck, mb } from './shared.js';

export interface HeapCheckOptions extends CheckOptions {
  /** Used heap / heap limit (0–1) above which the check fails. @default 0.9 */
  threshold?: number;
}

/**
 * Fails when the V8 heap is close to its limit (`--max-old-space-size`).
 * @example
 * heapCheck({ threshold: 0.85 })
 */
export function heapCheck(options: HeapCheckOptions = {}): CheckDefinition {
  assertRange('threshold', options.threshold, 0, 1);
  const threshold = options.threshold ?? 0.9;
  return defineCheck({ name: 'heap', dependency: false }, options, () => {
    const stats = getHeapStatistics();
    const ratio = Math.round((stats.used_heap_size / stats.heap_size_limit) * 1000) / 1000;
    const details = {
      usedBytes: stats.used_heap_size,
      limitBytes: stats.heap_size_limit,
      ratio,
      threshold,
    };
    if (ratio > threshold) {
      return down(
        `heap used ${mb(stats.used_heap_size)} MB is ${Math.round(ratio * 100)}% of the ${mb(stats.heap_size_limit)} MB limit (threshold ${Math.round(threshold * 100)}%)`,
        details,
      );
    }
    return up(details);
  });
}

export interface RssCheckOptions extends CheckOptions {
  /**
   * Resident set size in bytes above which the check fails.
   * @default 90% of the cgroup memory limit (`process.constrainedMemory()`), else of total RAM
   */
  maxBytes?: number;
}

/** The memory the process may use: the container's limit when there is one, else total RAM. */
function memoryLimit(): { bytes: number; source: 'cgroup' | 'totalmem' } {
  const total = totalmem();
  const constrained = (
    process as { constrainedMemory?: () => number | undefined }
  ).constrainedMemory?.();
  if (constrained && constrained > 0 && constrained < total)
    return { bytes: constrained, source: 'cgroup' };
  return { bytes: total, source: 'totalmem' };
}

/**
 * Fails when the process's resident set size exceeds `maxBytes`.
 * @example
 * rssCheck({ maxBytes: 450 * 1024 * 1024 }) // a 512 MiB container
 */
export function rssCheck(options: RssCheckOptions = {}): CheckDefinition {
  assertRange('maxBytes', options.maxBytes, 1, Number.MAX_SAFE_INTEGER);
  const limit = memoryLimit();
  const maxBytes = options.maxBytes ?? Math.floor(limit.bytes * 0.9);
  return defineCheck({ name: 'rss', dependency: false }, options, () => {
    const rss = process.memoryUsage.rss();
    const details = {
      rssBytes: rss,
      maxBytes,
      ...(options.maxBytes === undefined ? { limitSource: limit.source } : {}),
    };
    if (rss > maxBytes) {
      return down(`rss ${mb(rss)} MB exceeds ${mb(maxBytes)} MB`, details);
    }
    return up(details);
  });
}
