/**
 * The check registry: the runners by name, which of them each probe and group evaluates, and the
 * check change events (`onCheckChange`) that metrics, gRPC Watch and dashboards build on.
 */
import { type CheckDefinition, type NormalizedCheck, normalizeCheck } from './checks.js';
import { type CheckResult, CheckRunner } from './engine.js';
import { healthError } from './errors.js';
import { groupMembers, type NormalizedGroup } from './groups.js';
import type { HealthLogger } from './logger.js';
import { type CheckProbe, PROBE_CHECKS, PROBES, type Probe } from './state.js';

/** A check's reported status changed (or it has its first result: `previous` is undefined). */
export interface CheckChange {
  readonly name: string;
  readonly previous: CheckResult | undefined;
  readonly current: CheckResult;
}

/** One check as {@link Health.snapshot} shows it: its setup and its last result (never a new run). */
export interface CheckSnapshot {
  readonly name: string;
  readonly tags: readonly string[];
  readonly probes: readonly CheckProbe[];
  /** The groups it belongs to. */
  readonly groups: readonly string[];
  readonly critical: boolean;
  /** The last reported result; absent until the check has run once. */
  readonly result?: CheckResult;
  /** `Date.now()` of the last status change. */
  readonly since?: number;
}

const EMPTY: readonly CheckRunner[] = Object.freeze([]);

export class CheckRegistry {
  readonly runners = new Map<string, CheckRunner>();
  private readonly byProbe = new Map<Probe, readonly CheckRunner[]>();
  private readonly byGroup = new Map<string, readonly CheckRunner[]>();
  private readonly listeners = new Set<(change: CheckChange) => void>();

  constructor(
    private readonly owner: object,
    readonly groups: readonly NormalizedGroup[],
    private readonly logger: HealthLogger,
  ) {
    this.index();
  }

  add(definition: CheckDefinition, where: string): void {
    const check = normalizeCheck(definition, where);
    if (this.runners.has(check.name)) {
      throw healthError(
        'HEALTH_DUPLICATE_CHECK',
        `@health/core: a check named "${check.name}" is already registered; check names must be unique`,
      );
    }
    const runner = new CheckRunner(check, this.owner, (previous, current) =>
      this.emit({ name: check.name, previous, current }),
    );
    this.runners.set(check.name, runner);
    this.index();
    runner.start();
  }

  remove(name: string): boolean {
    const runner = this.runners.get(name);
    if (!runner) return false;
    runner.close();
    this.runners.delete(name);
    this.index();
    return true;
  }

  forProbe(probe: Probe): readonly CheckRunner[] {
    return this.byProbe.get(probe) ?? EMPTY;
  }

  forGroup(group: string): readonly CheckRunner[] {
    return this.byGroup.get(group) ?? EMPTY;
  }

  onChange(listener: (change: CheckChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  snapshot(): CheckSnapshot[] {
    return [...this.runners.values()].map((runner) => {
      const { check } = runner;
      const entry: { -readonly [K in keyof CheckSnapshot]: CheckSnapshot[K] } = {
        name: check.name,
        tags: check.tags,
        probes: check.probes,
        groups: this.groups.filter((g) => groupMembers(g, check)).map((g) => g.name),
        critical: check.critical,
      };
      if (runner.current) entry.result = runner.current;
      if (runner.since !== undefined) entry.since = runner.since;
      return entry;
    });
  }

  /** Names a group includes explicitly that no registered check has (a typo, or not added yet). */
  unmatchedIncludes(): string[] {
    return this.groups.flatMap((g) =>
      g.include
        .filter((s) => s !== '*' && !s.startsWith('tag:') && !this.runners.has(s))
        .map((s) => `${g.name}: ${s}`),
    );
  }

  closeAll(): void {
    for (const runner of this.runners.values()) runner.close();
  }

  private emit(change: CheckChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.error('a check change listener threw', { error: String(error) });
      }
    }
  }

  private index(): void {
    const all = [...this.runners.values()];
    const on = (wanted: readonly CheckProbe[]) => (r: CheckRunner) =>
      r.check.probes.some((p) => wanted.includes(p));
    for (const probe of PROBES) this.byProbe.set(probe, all.filter(on(PROBE_CHECKS[probe])));
    for (const group of this.groups) {
      this.byGroup.set(
        group.name,
        all.filter((r) => groupMembers(group, r.check as NormalizedCheck)),
      );
    }
  }
}
