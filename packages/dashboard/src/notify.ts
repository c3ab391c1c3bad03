/**
 * Webhook notifications on check changes, with hysteresis: notify once a check is reported DOWN
 * after N failed runs in a row (core counts them: `consecutiveFailures`), at most one notification
 * per check per `minIntervalMs`, and a "restored" message when a notified check is UP again.
 * Deliveries never block a probe or each other: fire-and-forget, a timeout on every request,
 * bounded retries with back-off, a cap on pending deliveries.
 */
import diagnostics from 'node:diagnostics_channel';
import {
  CHECK_CHANNEL,
  type CheckResult,
  type CheckRunContext,
  type Health,
  type LifecycleState,
} from '@health/core';

/** What a notification says. JSON-safe; check messages only with `includeMessages`. */
export interface NotifyEvent {
  /** `down`: failing past the threshold; `restored`: UP again after a `down`; `state`: lifecycle. */
  readonly event: 'down' | 'restored' | 'state';
  /** `WebhookOptions.service`, when set. */
  readonly service?: string;
  /** The check's name (`lifecycle` for `state`). */
  readonly name: string;
  /** `UP` / `DOWN`, or the lifecycle state. */
  readonly status: string;
  /** ISO time of the result (or transition) that triggered it. */
  readonly at: string;
  /** `down`: failed runs in a row when it was sent. */
  readonly consecutiveFailures?: number;
  /** `restored`: how long since the `down` notification, in ms. */
  readonly downForMs?: number;
  /** `state`: the previous lifecycle state. */
  readonly from?: string;
  /** The check's message (already redacted by core), only with `includeMessages: true`. */
  readonly message?: string;
}

export interface WebhookOptions {
  /** Where to POST. */
  url: string | URL;
  /**
   * `json` (default): the {@link NotifyEvent} plus a `text` line. `slack`: `{"text": "..."}`,
   * which Slack, Mattermost, Rocket.Chat and Teams' Slack-compatible hooks accept.
   * @default 'json'
   */
  preset?: 'json' | 'slack';
  /**
   * The text: a string with `{name}`, `{status}`, `{event}`, `{service}`, `{at}`,
   * `{consecutiveFailures}`, `{downForMs}`, `{message}` placeholders, or a function of the event
   * returning the text, or an object sent as the whole JSON body.
   */
  template?: string | ((event: NotifyEvent) => string | Record<string, unknown>);
  /**
   * Notify only once a check has failed this many runs in a row (and is reported DOWN).
   * @default 3
   */
  failureThreshold?: number;
  /**
   * Minimum time between two notifications for one check. A change inside the interval is sent
   * at its end if it still holds (the receiver converges on the current status).
   * @default 60000
   */
  minIntervalMs?: number;
  /** Send a `restored` message when a check that was notified DOWN is UP again. @default true */
  restored?: boolean;
  /** Also notify lifecycle transitions (`true`: all, or a list of target states). @default false */
  lifecycle?: boolean | readonly LifecycleState[];
  /** Include check messages in payloads (they may name hosts). @default false */
  includeMessages?: boolean;
  /** Only these checks (names or a predicate). Default: all. */
  checks?: readonly string[] | ((name: string) => boolean);
  /** Service name put in every event (`{service}`). */
  service?: string;
  /** Extra request headers (e.g. authorization). Never part of the payload. */
  headers?: Record<string, string>;
  /** Retries after a network error, a timeout, 408, 429 or 5xx. @default 2 */
  retries?: number;
  /** First retry delay; doubles each retry. @default 1000 */
  retryDelayMs?: number;
  /** Timeout of each request (AbortSignal.timeout). @default 5000 */
  timeoutMs?: number;
  /** Deliveries in flight or queued, beyond which new notifications are dropped. @default 100 */
  maxPending?: number;
  /** Called when a notification is given up (after its retries) or dropped. */
  onError?: (error: Error, event: NotifyEvent) => void;
}

export interface WebhookStats {
  /** Notifications delivered (2xx). */
  sent: number;
  /** Notifications given up after their retries, or refused with a 4xx. */
  failed: number;
  /** Notifications dropped because `maxPending` were pending. */
  dropped: number;
  /** HTTP requests made (first tries and retries). */
  requests: number;
}

export interface Webhook {
  readonly stats: Readonly<WebhookStats>;
  /** Resolves once every pending delivery has finished (sent or given up). */
  idle(): Promise<void>;
  /** Stops listening; pending deliveries finish (each within its timeout and retries). */
  close(): void;
}

const ASYNC_END = `tracing:${CHECK_CHANNEL}:asyncEnd`;

const DEFAULT_TEXT: Record<NotifyEvent['event'], string> = {
  down: '{name} is {status} ({consecutiveFailures} failed runs in a row)',
  restored: '{name} is UP again',
  state: 'lifecycle: {from} → {status}',
};
/** Optional fields: an absent one renders empty rather than as its placeholder. */
const FIELDS = new Set(['service', 'message', 'consecutiveFailures', 'downForMs', 'from']);

function fail(option: string, rule: string): never {
  throw new TypeError(`@health/dashboard: webhooks option "${option}" ${rule}`);
}

function count(options: WebhookOptions, key: keyof WebhookOptions, fallback: number, min: number) {
  const value = options[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    fail(key, `must be an integer >= ${min}, got ${String(value)}`);
  return value;
}

/** Fills `{field}` placeholders from the event; unknown ones stay as written. */
export function renderTemplate(template: string, event: NotifyEvent): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) => {
    const value = (event as unknown as Record<string, unknown>)[key];
    return value === undefined ? (FIELDS.has(key) ? '' : all) : String(value);
  });
}

/** The request body for one event (exported for tests and custom senders). */
export function payload(event: NotifyEvent, options: Pick<WebhookOptions, 'preset' | 'template'>) {
  const { template, preset = 'json' } = options;
  let text: string;
  if (typeof template === 'function') {
    const out = template(event);
    if (typeof out !== 'string') return out;
    text = out;
  } else {
    text = template
      ? renderTemplate(template, event)
      : `${event.service ? `${event.service}: ` : ''}${renderTemplate(DEFAULT_TEXT[event.event], event)}`;
  }
  return preset === 'slack' ? { text } : { ...event, text };
}

interface CheckState {
  /** The last notification sent for it was `down`. */
  notifiedDown: boolean;
  downAt: number;
  lastSentAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Deliveries for one check are sent in order (a `restored` never overtakes its `down`). */
  chain: Promise<void>;
}

/** What a source (core's results, fleet polls) says about one monitored thing right now. */
export interface Observation {
  /** Failing now (core's reported DOWN; a fleet service DOWN or UNREACHABLE). */
  failing: boolean;
  /** Failed runs/polls in a row. */
  failures: number;
  /** The status put in the `down` event (`DOWN`, `UNREACHABLE`). */
  status: string;
  at: number;
  message?: string;
}

/** The hysteresis, interval and delivery machinery, fed by any source. @internal */
export interface Notifier extends Webhook {
  /** The source's latest word on `name`. */
  observe(name: string, observation: Observation | undefined): void;
  /** Sends `event` as is (lifecycle events), in order with the other events of `key`. */
  send(key: string, event: NotifyEvent): void;
  /** `name`'s last notification was a `down`. */
  notifiedDown(name: string): boolean;
  readonly closed: boolean;
}

/**
 * Builds a notifier from validated options; `current(name)` re-reads a source at the end of a
 * minimum interval. Used by {@link webhooks} and fleet mode. @internal
 */
export function createNotifier(
  options: WebhookOptions,
  current: (name: string) => Observation | undefined,
): Notifier {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    fail('url', `must be an absolute http(s) URL, got ${String(options.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    fail('url', `must be an http(s) URL, got ${url.protocol}`);
  if (options.preset !== undefined && options.preset !== 'json' && options.preset !== 'slack')
    fail('preset', `must be "json" or "slack", got ${String(options.preset)}`);
  const threshold = count(options, 'failureThreshold', 3, 1);
  const minInterval = count(options, 'minIntervalMs', 60_000, 0);
  const retries = count(options, 'retries', 2, 0);
  const retryDelay = count(options, 'retryDelayMs', 1000, 0);
  const timeout = count(options, 'timeoutMs', 5000, 1);
  const maxPending = count(options, 'maxPending', 100, 1);
  const restored = options.restored ?? true;
  const only = Array.isArray(options.checks) ? new Set<string>(options.checks) : undefined;
  const wanted =
    typeof options.checks === 'function'
      ? options.checks
      : only
        ? (name: string) => only.has(name)
        : () => true;
  const headers = { 'content-type': 'application/json', ...options.headers };
  const stats: WebhookStats = { sent: 0, failed: 0, dropped: 0, requests: 0 };
  const states = new Map<string, CheckState>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  const state = (name: string): CheckState => {
    let s = states.get(name);
    if (!s) {
      s = {
        notifiedDown: false,
        downAt: 0,
        lastSentAt: Number.NEGATIVE_INFINITY,
        timer: undefined,
        chain: Promise.resolve(),
      };
      states.set(name, s);
    }
    return s;
  };

  const base = (name: string, status: string, at: number) => ({
    ...(options.service ? { service: options.service } : {}),
    name,
    status,
    at: new Date(at).toISOString(),
  });

  async function deliver(event: NotifyEvent): Promise<void> {
    const body = JSON.stringify(payload(event, options));
    let last: Error = new Error('not sent');
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(retryDelay * 2 ** (attempt - 1));
      stats.requests++;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(timeout),
        });
        await res.body?.cancel().catch(() => {});
        if (res.ok) {
          stats.sent++;
          return;
        }
        last = new Error(`webhook answered ${res.status}`);
        if (res.status < 500 && res.status !== 408 && res.status !== 429) break;
      } catch (error) {
        last = error instanceof Error ? error : new Error(String(error));
      }
    }
    stats.failed++;
    report(last, event);
  }

  function report(error: Error, event: NotifyEvent) {
    try {
      options.onError?.(error, event);
    } catch {
      // a throwing onError must not break anything
    }
  }

  /** Queues `event` behind the earlier deliveries for the same name; never awaited by a caller. */
  function enqueue(s: CheckState, event: NotifyEvent) {
    if (inFlight.size >= maxPending) {
      stats.dropped++;
      report(new Error(`more than ${maxPending} notifications pending`), event);
      return;
    }
    const p = s.chain.then(() => deliver(event));
    s.chain = p;
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }

  /** Decides whether a notification is due now for `name`. */
  function observe(name: string, o: Observation | undefined) {
    if (closed || !o || !wanted(name)) return;
    const s = state(name);
    const down = o.failing && (s.notifiedDown || o.failures >= threshold);
    if (down === s.notifiedDown) return;
    if (!down && !restored) {
      s.notifiedDown = false;
      return;
    }
    const now = Date.now();
    const wait = s.lastSentAt + minInterval - now;
    if (wait > 0) {
      if (!s.timer) {
        s.timer = setTimeout(() => {
          s.timer = undefined;
          observe(name, current(name));
        }, wait);
        s.timer.unref?.();
      }
      return;
    }
    s.lastSentAt = now;
    s.notifiedDown = down;
    const message =
      options.includeMessages && o.message !== undefined ? { message: o.message } : {};
    if (down) {
      s.downAt = now;
      enqueue(s, {
        event: 'down',
        ...base(name, o.status, o.at),
        consecutiveFailures: Math.max(o.failures, 1),
        ...message,
      });
    } else {
      enqueue(s, {
        event: 'restored',
        ...base(name, 'UP', o.at),
        downForMs: now - s.downAt,
        ...message,
      });
    }
  }

  return {
    stats,
    get closed() {
      return closed;
    },
    observe,
    send: (key, event) => {
      if (!closed) enqueue(state(`\0${key}`), event);
    },
    notifiedDown: (name) => states.get(name)?.notifiedDown === true,
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    close() {
      if (closed) return;
      closed = true;
      for (const s of states.values()) if (s.timer) clearTimeout(s.timer);
    },
  };
}

/**
 * POSTs a notification to `url` when a check fails past `failureThreshold` runs in a row, and
 * when it is restored. Returns a handle with delivery stats, `idle()` and `close()`.
 * @example
 * webhooks(health, { url: process.env.SLACK_WEBHOOK_URL, preset: 'slack', service: 'orders' });
 */
export function webhooks(health: Health, options: WebhookOptions): Webhook {
  const threshold = count(options, 'failureThreshold', 3, 1);
  const observation = (r: CheckResult | undefined): Observation | undefined =>
    r && {
      failing: r.status === 'DOWN',
      // A stale result (the background refresh is stuck) counts as past the threshold.
      failures: r.stale ? threshold : (r.consecutiveFailures ?? 0),
      status: 'DOWN',
      at: r.at,
      ...(r.message !== undefined ? { message: r.message } : {}),
    };
  const current = (name: string) =>
    observation(health.snapshot().checks.find((c) => c.name === name)?.result);
  const n = createNotifier(options, current);

  // Flips (the DOWN after core's own threshold, the UP) come as change events...
  const offCheck = health.onCheckChange(({ name, current: r }) => n.observe(name, observation(r)));
  // ...and a DOWN check's later failed runs (its count growing) only as runs on the tracing channel.
  const onRun = (message: unknown) => {
    const ctx = message as CheckRunContext;
    if (ctx.health !== health || ctx.result?.status !== 'DOWN' || n.notifiedDown(ctx.name)) return;
    // The engine applies thresholds and stores the result right after asyncEnd.
    queueMicrotask(() => n.observe(ctx.name, current(ctx.name)));
  };
  diagnostics.subscribe(ASYNC_END, onRun);
  const lifecycle = options.lifecycle ?? false;
  const offState = lifecycle
    ? health.onStateChange(({ from, to, at }) => {
        if (Array.isArray(lifecycle) && !lifecycle.includes(to)) return;
        n.send('lifecycle', {
          event: 'state',
          ...(options.service ? { service: options.service } : {}),
          name: 'lifecycle',
          status: to,
          at: new Date(at).toISOString(),
          from,
        });
      })
    : () => {};

  return {
    stats: n.stats,
    idle: () => n.idle(),
    close() {
      if (n.closed) return;
      n.close();
      offCheck();
      offState();
      diagnostics.unsubscribe(ASYNC_END, onRun);
    },
  };
}

function sleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());
}
