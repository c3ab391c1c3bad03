/**
 * Health groups (Spring Boot's health groups, SmallRye's `@HealthGroup`): a named set of checks,
 * chosen by name or tag, served on its own path(s) with its own status mapping.
 */

import type { NormalizedCheck } from './checks.js';
import { assertKnownKeys, describe, optionError, show } from './errors.js';
import { PROBES } from './state.js';

/** How a probe's or group's outcome maps to HTTP status codes, while the lifecycle allows 200. */
export interface StatusCodes {
  /** Every check passes. @default 200 */
  UP?: number;
  /** Only non-critical checks fail. @default 200 */
  DEGRADED?: number;
  /** A critical check fails. @default 503 */
  DOWN?: number;
}

export type ResolvedStatusCodes = Readonly<Required<StatusCodes>>;
export const DEFAULT_STATUS_CODES: ResolvedStatusCodes = Object.freeze({
  UP: 200,
  DEGRADED: 200,
  DOWN: 503,
});

/**
 * A named group of checks.
 * @example groups: { payments: { include: ['tag:payments', 'stripe'], paths: ['/health/payments'] } }
 */
export interface GroupOptions {
  /** Check names, `tag:<tag>`, or `*` for every check. Checks added later join when they match. */
  include: readonly string[];
  /** Check names or `tag:<tag>` to leave out of what `include` selected. */
  exclude?: readonly string[];
  /** Where the group is served. @default [`/health/<name>`] */
  paths?: readonly string[];
  /** HTTP codes for UP / DEGRADED / DOWN. @default { UP: 200, DEGRADED: 200, DOWN: 503 } */
  statusCodes?: StatusCodes;
}

export interface NormalizedGroup {
  readonly name: string;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly paths: readonly string[];
  readonly statusCodes: ResolvedStatusCodes;
}

const SCOPE = '@health/core';
const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
const SELECTOR = /^(\*|tag:[A-Za-z0-9_.:-]{1,64}|[A-Za-z0-9_.:-]{1,64})$/;

/** True when a selector (`name`, `tag:x`, `*`) picks the check. */
export function selects(selector: string, check: NormalizedCheck): boolean {
  if (selector === '*') return true;
  if (selector.startsWith('tag:')) return check.tags.includes(selector.slice(4));
  return selector === check.name;
}

export function groupMembers(group: NormalizedGroup, check: NormalizedCheck): boolean {
  return (
    group.include.some((s) => selects(s, check)) && !group.exclude.some((s) => selects(s, check))
  );
}

/** Validates a status mapping: integers 200-599, naming the option in the error. */
export function resolveStatusCodes(where: string, codes: unknown): ResolvedStatusCodes {
  if (codes === undefined) return DEFAULT_STATUS_CODES;
  assertKnownKeys(SCOPE, where, codes, ['UP', 'DEGRADED', 'DOWN']);
  const given = codes as StatusCodes;
  for (const key of ['UP', 'DEGRADED', 'DOWN'] as const) {
    const code = given[key];
    if (code !== undefined && (!Number.isInteger(code) || code < 200 || code > 599)) {
      throw optionError(
        SCOPE,
        `${where}.${key}`,
        `must be an HTTP status code from 200 to 599, got ${describe(code)}`,
      );
    }
  }
  return Object.freeze({ ...DEFAULT_STATUS_CODES, ...given });
}

export function normalizeGroups(groups: unknown): NormalizedGroup[] {
  if (groups === undefined) return [];
  if (groups === null || typeof groups !== 'object' || Array.isArray(groups)) {
    throw optionError(
      SCOPE,
      'groups',
      `must be an object of named groups, got ${describe(groups)}`,
    );
  }
  return Object.entries(groups as Record<string, GroupOptions>).map(([name, group]) => {
    const at = `groups.${name}`;
    if (!NAME.test(name) || (PROBES as readonly string[]).includes(name)) {
      throw optionError(
        SCOPE,
        at,
        `has an invalid name: use 1-64 characters of [A-Za-z0-9_.:-], not a probe name (${PROBES.join(', ')})`,
      );
    }
    assertKnownKeys(SCOPE, at, group, ['include', 'exclude', 'paths', 'statusCodes']);
    const list = (key: 'include' | 'exclude', value: unknown, required: boolean): string[] => {
      if (value === undefined && !required) return [];
      if (
        !Array.isArray(value) ||
        (required && value.length === 0) ||
        value.some((s) => typeof s !== 'string' || !SELECTOR.test(s))
      ) {
        throw optionError(
          SCOPE,
          `${at}.${key}`,
          `must be ${required ? 'a non-empty' : 'an'} array of check names, "tag:<tag>" or "*", got ${show(value)}`,
        );
      }
      return [...new Set(value as string[])];
    };
    const paths = group.paths ?? [`/health/${name}`];
    if (!Array.isArray(paths) || paths.length === 0) {
      throw optionError(
        SCOPE,
        `${at}.paths`,
        `must be a non-empty array of paths, got ${show(paths)}`,
      );
    }
    return {
      name,
      include: list('include', group.include, true),
      exclude: list('exclude', group.exclude, false),
      paths: [...paths],
      statusCodes: resolveStatusCodes(`${at}.statusCodes`, group.statusCodes),
    };
  });
}
