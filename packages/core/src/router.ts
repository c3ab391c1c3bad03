/**
 * Routing of the HTTP seam: which path is which probe, group, per-check route or extension route,
 * what the query asks (`?exclude=`, `?verbose`), who may see what, and the answer. Everything an
 * adapter passes on ends here; it only translates.
 */
import type { CheckRunner } from './engine.js';
import { type EvaluationTarget, evaluateTarget, type ProbeEvaluation } from './evaluate.js';
import type { NormalizedGroup, ResolvedStatusCodes } from './groups.js';
import type { HealthRequest, Visibility } from './options.js';
import { isPending } from './pending.js';
import type { CheckRegistry } from './registry.js';
import type { BodyFormat } from './response.js';
import {
  type Exposure,
  type HealthResponse,
  METHOD_NOT_ALLOWED,
  NOT_FOUND,
  ResponseBuilder,
} from './response.js';
import { type LifecycleState, type Probe, STATUS_TABLE } from './state.js';

/** What answered a request; one frozen object per route, handed to `onResponse` listeners. */
export interface RouteInfo {
  readonly kind: 'probe' | 'group' | 'check';
  /** The probe, group or check name. */
  readonly name: string;
  /** The probe or group the route belongs to (a check route's parent). */
  readonly probe: string;
}

/** A path core answers, for adapters whose framework routes (Fastify, Nest). */
export interface HealthRoute {
  readonly path: string;
  /** Core also answers `<path>/<check>` (per-check routes). */
  readonly subpaths: boolean;
}

/** A route added by a package on top of core (e.g. `@health/dashboard`'s page). */
export interface ExtensionRoute {
  /** Relative to where the probes are mounted, like the probe paths. */
  readonly path: string;
  handle(request: HealthRequest): HealthResponse | Promise<HealthResponse>;
}

interface CheckedRoute {
  readonly info: RouteInfo;
  /** The lifecycle table column: the probe itself, or readiness for groups. */
  readonly column: Probe;
  readonly codes: ResolvedStatusCodes;
  /** The last line of `?verbose` (`readyz check passed`). */
  readonly label: string;
  runners(): readonly CheckRunner[];
  /** Per-check routes under this one, by check name (made when first asked). */
  children?: Map<string, CheckedRoute> | undefined;
}

const VERBOSE: Record<Probe, string> = {
  readiness: 'readyz',
  liveness: 'livez',
  health: 'healthz',
  startup: 'startupz',
};

export interface RouterSetup {
  probePaths: ReadonlyMap<Probe, readonly string[]>;
  groups: readonly NormalizedGroup[];
  statusCodes: Partial<Record<Probe, ResolvedStatusCodes>>;
  defaultCodes: ResolvedStatusCodes;
  format: BodyFormat;
  showChecks: Visibility;
  showDetails: Visibility;
  probeDeadline: number;
}

export class Router {
  private readonly routes = new Map<string, CheckedRoute>();
  private readonly extensions = new Map<string, ExtensionRoute>();
  private readonly responses: ResponseBuilder;
  private readonly listeners = new Set<(route: RouteInfo, status: number) => void>();

  constructor(
    private readonly setup: RouterSetup,
    registry: CheckRegistry,
    private readonly state: () => LifecycleState,
  ) {
    this.responses = new ResponseBuilder(setup.format);
    for (const [probe, paths] of setup.probePaths) {
      const route = this.route({ kind: 'probe', name: probe, probe }, probe, VERBOSE[probe], () =>
        registry.forProbe(probe),
      );
      for (const path of paths) this.routes.set(path, route);
      // The combined endpoint is usually the parent of the others (`/health`): paths under it
      // stay the app's, so it has no per-check routes.
      if (probe === 'health') route.children = undefined;
    }
    for (const group of setup.groups) {
      const route = this.route(
        { kind: 'group', name: group.name, probe: group.name },
        'readiness',
        group.name,
        () => registry.forGroup(group.name),
        group.statusCodes,
      );
      for (const path of group.paths) this.routes.set(path, route);
    }
  }

  /** Every path answered, with whether per-check subpaths exist under it. */
  table(): HealthRoute[] {
    return [
      ...[...this.routes].map(([path, route]) => ({
        path,
        subpaths: route.children !== undefined,
      })),
      ...[...this.extensions.keys()].map((path) => ({ path, subpaths: false })),
    ];
  }

  has(path: string): boolean {
    return this.routes.has(path) || this.extensions.has(path);
  }

  addExtension(route: ExtensionRoute): void {
    this.extensions.set(route.path, route);
  }

  onResponse(listener: (route: RouteInfo, status: number) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Evaluates a probe or group by name. */
  evaluate(
    name: string,
    exclude?: readonly string[],
  ): ProbeEvaluation | Promise<ProbeEvaluation> | undefined {
    for (const route of this.routes.values())
      if (route.info.name === name) return this.evaluateRoute(route, exclude);
    return undefined;
  }

  respond(request: HealthRequest): HealthResponse | Promise<HealthResponse> | undefined {
    const raw = request.path;
    const q = raw.indexOf('?');
    const path = q === -1 ? raw : raw.slice(0, q);
    let route = this.routes.get(path);
    if (route === undefined) {
      const extension = this.extensions.get(path);
      if (extension !== undefined) return this.extension(extension, request);
      const slash = path.lastIndexOf('/');
      const parent =
        slash > 0 && slash < path.length - 1 ? this.routes.get(path.slice(0, slash)) : undefined;
      if (parent?.children === undefined) return undefined;
      // A path under a probe is ours: an unknown check is a 404 from core, never a pass-through.
      route = this.child(parent, path.slice(slash + 1));
      if (route === undefined) return NOT_FOUND;
    }
    const { method } = request;
    const head = method === 'HEAD' || (method !== 'GET' && method.toUpperCase() === 'HEAD');
    if (!head && method !== 'GET' && method.toUpperCase() !== 'GET') return METHOD_NOT_ALLOWED;
    const query = q === -1 && request.query === undefined ? undefined : readQuery(request, raw, q);
    const exposure = this.exposure(request);
    const shape = {
      exposure,
      head,
      http2: (request.httpVersionMajor ?? 1) >= 2,
      verbose: query?.verbose ? route.label : undefined,
    };
    const evaluation = this.evaluateRoute(route, query?.exclude);
    const info = route.info;
    if (!isPending(evaluation)) return this.answer(info, evaluation, shape);
    return evaluation.then((e) => this.answer(info, e, shape));
  }

  private answer(
    info: RouteInfo,
    evaluation: ProbeEvaluation,
    shape: Parameters<ResponseBuilder['build']>[2],
  ): HealthResponse {
    const response = this.responses.build(info, evaluation, shape);
    if (this.listeners.size > 0)
      for (const listener of this.listeners) {
        try {
          listener(info, response.status);
        } catch {
          // a metrics listener must never break a probe
        }
      }
    return response;
  }

  private evaluateRoute(route: CheckedRoute, exclude?: readonly string[]) {
    const state = this.state();
    const target: EvaluationTarget = {
      name:
        route.info.kind === 'check' ? `${route.info.probe}/${route.info.name}` : route.info.name,
      base: STATUS_TABLE[state][route.column],
      runners: route.runners(),
      codes: route.codes,
    };
    return evaluateTarget(target, state, this.setup.probeDeadline, exclude);
  }

  private extension(route: ExtensionRoute, request: HealthRequest) {
    try {
      return route.handle(request);
    } catch {
      return NOT_FOUND;
    }
  }

  private route(
    info: RouteInfo,
    column: Probe,
    label: string,
    runners: () => readonly CheckRunner[],
    codes?: ResolvedStatusCodes,
  ): CheckedRoute {
    return {
      info: Object.freeze(info),
      column,
      label,
      runners,
      codes:
        codes ??
        (info.kind === 'probe'
          ? (this.setup.statusCodes[column] ?? this.setup.defaultCodes)
          : this.setup.defaultCodes),
      children: new Map(),
    };
  }

  /** `<probe path>/<check>`: that one check, if the probe runs it. */
  private child(parent: CheckedRoute, name: string): CheckedRoute | undefined {
    const runner = parent.runners().find((r) => r.check.name === name);
    if (runner === undefined || !parent.children) return undefined;
    let child = parent.children.get(name);
    if (child === undefined || child.runners()[0] !== runner) {
      const only = [runner];
      child = {
        info: Object.freeze({ kind: 'check', name, probe: parent.info.name }),
        column: parent.column,
        codes: parent.codes,
        label: name,
        runners: () => only,
      };
      parent.children.set(name, child);
    }
    return child;
  }

  private exposure(request: HealthRequest): Exposure {
    const { showChecks, showDetails } = this.setup;
    if (showDetails === 'never' && showChecks === 'never') return 'status';
    if (allowed(showDetails, request)) return 'details';
    return allowed(showChecks, request) ? 'checks' : 'status';
  }
}

interface Query {
  exclude: string[];
  verbose: boolean;
}

/** The query's meaning for core: `exclude` (repeatable, or comma-separated) and `verbose`. */
function readQuery(request: HealthRequest, raw: string, q: number): Query | undefined {
  let exclude: string[] = [];
  let verbose = false;
  const given = request.query;
  if (given !== undefined) {
    const value = given.exclude;
    const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
    exclude = list.flatMap((v) => String(v).split(','));
    verbose = given.verbose !== undefined;
  } else {
    const params = new URLSearchParams(raw.slice(q + 1));
    exclude = params.getAll('exclude').flatMap((v) => v.split(','));
    verbose = params.has('verbose');
  }
  exclude = exclude.filter((name) => name !== '').slice(0, 64);
  if (exclude.length === 0 && !verbose) return undefined;
  return { exclude, verbose };
}

export function allowed(visibility: Visibility, request: HealthRequest): boolean {
  if (visibility === 'always') return true;
  if (visibility === 'never') return false;
  try {
    return visibility(request) === true;
  } catch {
    return false;
  }
}
