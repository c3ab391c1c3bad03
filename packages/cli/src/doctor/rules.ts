/** The doctor's rules over one container of a workload, given what the service is configured to do. */
import type { HealthDescription } from '@health/core';
import { DEFAULT_CHECK_TIMEOUT } from './settings.js';

export interface Finding {
  rule: string;
  ok: boolean;
  /** Where: `Deployment/name container/app`. */
  target: string;
  reason: string;
  fix?: string;
}

export interface RuleContext {
  description: HealthDescription;
  /** True when the description is core's defaults (nothing read from the service). */
  defaults: boolean;
  lbDeregistration: number;
}

// biome-ignore lint/suspicious/noExplicitAny: manifest objects already passed the schema
type Any = any;
type Kind = 'readiness' | 'liveness' | 'startup';
const K8S = { periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 1 };

const sec = (ms: number) => `${+(ms / 1000).toFixed(3)} s`;

function num(probe: Any, key: keyof typeof K8S): number {
  return typeof probe?.[key] === 'number' ? probe[key] : K8S[key];
}

function preStopMs(container: Any): number {
  const pre = container.lifecycle?.preStop;
  if (typeof pre?.sleep?.seconds === 'number') return pre.sleep.seconds * 1000;
  const cmd: string[] = pre?.exec?.command ?? [];
  const match = cmd.join(' ').match(/\bsleep\s+(\d+(?:\.\d+)?)/);
  return match ? Number(match[1]) * 1000 : 0;
}

/** Paths that answer each probe, and which of them run dependency checks. */
function served(d: HealthDescription) {
  const byPath = new Map<string, string>();
  for (const [probe, list] of Object.entries(d.paths))
    for (const p of list ?? []) byPath.set(p, probe);
  for (const [group, g] of Object.entries(d.groups)) for (const p of g.paths) byPath.set(p, group);
  return byPath;
}

function runsDependencies(d: HealthDescription, ctx: RuleContext, probe: string): boolean {
  if (probe === 'liveness')
    return d.checks.some((c) => c.dependency && c.probes.includes('liveness'));
  if (probe === 'startup') return false;
  // readiness, health and groups run the dependency checks (with defaults: assume they do).
  if (ctx.defaults) return probe !== 'startup';
  if (probe in d.groups) {
    const names = new Set(d.groups[probe]?.checks);
    return d.checks.some((c) => c.dependency && names.has(c.name));
  }
  return d.checks.some(
    (c) => c.dependency && (probe === 'health' || c.probes.includes(probe as never)),
  );
}

export function checkContainer(
  pod: Any,
  container: Any,
  target: string,
  ctx: RuleContext,
): Finding[] {
  const d = ctx.description;
  const out: Finding[] = [];
  const add = (rule: string, ok: boolean, reason: string, fix?: string) =>
    out.push({ rule, ok, target, reason, ...(ok ? {} : { fix }) });
  const probes: Partial<Record<Kind, Any>> = {
    readiness: container.readinessProbe,
    liveness: container.livenessProbe,
    startup: container.startupProbe,
  };
  const byPath = served(d);
  const ready = probes.readiness;
  const envNote = ctx.defaults
    ? " (core's default; env vars such as DRAIN_DELAY_MS are not parsed: pass --drain-delay, --from or --config)"
    : '';

  // 1. drain delay covers the time until the endpoints controller removes the pod.
  if (ready) {
    const need =
      num(ready, 'periodSeconds') * num(ready, 'failureThreshold') * 1000 +
      1000 +
      ctx.lbDeregistration;
    const lb = ctx.lbDeregistration ? ` + ${sec(ctx.lbDeregistration)} LB deregistration` : '';
    add(
      'drain-delay',
      d.shutdown.drainDelay >= need,
      `drainDelay ${sec(d.shutdown.drainDelay)}${d.shutdown.drainDelay >= need ? '' : envNote} vs readiness periodSeconds×failureThreshold ${num(ready, 'periodSeconds')}×${num(ready, 'failureThreshold')} + 1 s margin${lb} = ${sec(need)}`,
      `set shutdown.drainDelay ≥ ${need} ms (or { periodSeconds: ${num(ready, 'periodSeconds')}, failureThreshold: ${num(ready, 'failureThreshold')} }), or lower the readiness period`,
    );
  }

  // 2. the grace period outlasts the whole shutdown.
  const grace =
    (typeof pod.terminationGracePeriodSeconds === 'number'
      ? pod.terminationGracePeriodSeconds
      : 30) * 1000;
  const pre = preStopMs(container);
  const total =
    pre + d.shutdown.drainDelay + d.shutdown.serverCloseTimeout + d.shutdown.hookTimeout;
  add(
    'grace-period',
    grace >= total,
    `terminationGracePeriodSeconds ${sec(grace)} vs preStop ${sec(pre)} + drain ${sec(d.shutdown.drainDelay)} + serverCloseTimeout ${sec(d.shutdown.serverCloseTimeout)} + hookTimeout ${sec(d.shutdown.hookTimeout)} = ${sec(total)}`,
    `set terminationGracePeriodSeconds ≥ ${Math.ceil(total / 1000)} (the kubelet SIGKILLs after it)`,
  );

  // 3. liveness: its own path, no dependency checks.
  const path = (p: Any): string | undefined => p?.httpGet?.path;
  const live = probes.liveness;
  if (live && path(live) !== undefined) {
    if (ready && path(ready) === path(live))
      add(
        'liveness-readiness',
        false,
        `liveness and readiness both probe ${path(live)}: a dependency outage restarts every pod`,
        `point livenessProbe at ${d.paths.liveness?.[0] ?? '/health/live'}`,
      );
    else {
      const probe = byPath.get(path(live) as string);
      const bad = probe !== undefined && runsDependencies(d, ctx, probe);
      add(
        'liveness-dependency',
        !bad,
        bad
          ? `liveness probes ${path(live)} (${probe}), which runs dependency checks: a database blip restarts every pod`
          : `liveness probes ${path(live)}, no dependency checks`,
        `point livenessProbe at ${d.paths.liveness?.[0] ?? '/health/live'} and keep dependencies on readiness`,
      );
    }
  }

  // 3b. the same for a grpc: liveness probe (@health/grpc: service "" is readiness, a probe or
  // group name is that probe or group).
  const service = (p: Any): string | undefined =>
    p?.grpc ? (typeof p.grpc.service === 'string' ? p.grpc.service : '') : undefined;
  if (live && service(live) !== undefined) {
    const probe = service(live) || 'readiness';
    if (ready && service(ready) !== undefined && (service(ready) || 'readiness') === probe)
      add(
        'liveness-readiness',
        false,
        `liveness and readiness both probe gRPC service "${service(live)}": a dependency outage restarts every pod`,
        'set livenessProbe.grpc.service: liveness',
      );
    else {
      const bad = runsDependencies(d, ctx, probe);
      add(
        'liveness-dependency',
        !bad,
        bad
          ? `liveness probes gRPC service "${probe}", which runs dependency checks: a database blip restarts every pod`
          : `liveness probes gRPC service "${probe}", no dependency checks`,
        'set livenessProbe.grpc.service: liveness and keep dependencies on readiness',
      );
    }
  }

  // 4. the kubelet waits longer than the probe can take to answer.
  for (const [kind, p] of Object.entries(probes) as [Kind, Any][]) {
    if (!p?.httpGet && !p?.grpc && !p?.exec) continue;
    const probe = byPath.get(path(p) ?? '') ?? kind;
    const slowest = Math.max(
      0,
      ...d.checks
        .filter((c) => probe === 'health' || c.probes.includes(probe as never))
        .map((c) => c.timeout),
    );
    const answer = Math.min(
      d.probeDeadline,
      Math.max(slowest, d.checks.length ? 0 : DEFAULT_CHECK_TIMEOUT),
    );
    const ms = num(p, 'timeoutSeconds') * 1000;
    add(
      'timeout',
      ms > answer,
      `${kind} timeoutSeconds ${sec(ms)} vs answer within ${sec(answer)} (probeDeadline ${sec(d.probeDeadline)}, slowest check ${sec(slowest)})`,
      `set ${kind}Probe.timeoutSeconds ≥ ${Math.floor(answer / 1000) + 1} or lower probeDeadline / check timeouts`,
    );
  }

  // 5. startup budget vs the observed start.
  if (d.readyAt !== undefined && d.startedAt > 0) {
    const observed = d.readyAt - d.startedAt;
    const s = probes.startup ?? ready;
    const budget = s
      ? ((s.initialDelaySeconds ?? 0) + num(s, 'periodSeconds') * num(s, 'failureThreshold')) * 1000
      : 0;
    const which = probes.startup ? 'startupProbe' : 'readinessProbe';
    add(
      'startup-budget',
      budget >= observed * 1.5,
      `${which} budget initialDelaySeconds + periodSeconds×failureThreshold = ${sec(budget)} vs observed start ${sec(observed)} (want ≥ 1.5×)`,
      `raise ${which}.failureThreshold to ≥ ${Math.ceil((observed * 1.5) / 1000 / num(s, 'periodSeconds'))}`,
    );
  }

  // 6. probe paths and ports exist.
  const ports: Any[] = container.ports ?? [];
  for (const [kind, p] of Object.entries(probes) as [Kind, Any][]) {
    const act = p?.httpGet ?? p?.tcpSocket ?? p?.grpc;
    if (!act) continue;
    const port = act.port;
    const found =
      typeof port === 'string'
        ? ports.some((q) => q.name === port)
        : ports.length === 0 || ports.some((q) => q.containerPort === port);
    const p2 = p.httpGet?.path;
    const base = p2?.split('?')[0] ?? '';
    const pathOk =
      p2 === undefined ||
      byPath.has(base) ||
      (d.paths.readiness ?? []).some((r) => base.startsWith(`${r}/`));
    const ok = found && pathOk;
    add(
      'probe-target',
      ok,
      ok
        ? `${kind} ${p2 ?? ''} port ${port} exists`
        : !found
          ? `${kind} port ${port} is not a containerPort of ${container.name} (${ports.map((q) => q.name ?? q.containerPort).join(', ') || 'none'})`
          : `${kind} path ${p2} is not served (${[...byPath.keys()].join(', ')})`,
      !found ? `use one of the container's ports` : `probe one of ${[...byPath.keys()].join(', ')}`,
    );
  }

  // 7. successThreshold must be 1 for liveness and startup (the API server rejects anything else).
  for (const kind of ['liveness', 'startup'] as const) {
    const p = probes[kind];
    if (p && num(p, 'successThreshold') !== 1)
      add(
        'success-threshold',
        false,
        `${kind}Probe.successThreshold is ${p.successThreshold}; Kubernetes only accepts 1`,
        `remove ${kind}Probe.successThreshold or set it to 1`,
      );
  }

  // 8. the seed's form: no startup probe, probes delayed by minutes instead.
  if (!probes.startup) {
    const delays = [ready, live].map((p) => p?.initialDelaySeconds ?? 0);
    if (Math.max(...delays) >= 60)
      add(
        'startup-probe',
        false,
        `no startupProbe; readiness/liveness wait initialDelaySeconds ${delays.join('/')} (the seed's 120/130 form): every start is unready for minutes and a slower start is still killed`,
        'add a startupProbe on the startup path with periodSeconds×failureThreshold covering the start, and set the other initialDelaySeconds to 0',
      );
  }
  return out;
}
