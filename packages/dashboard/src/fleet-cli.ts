/**
 * `health-dashboard` (and `health dashboard`): argument and config-file parsing for fleet mode.
 * Bad input is a usage error: a message naming the option, exit code 2.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type FleetOptions, type FleetTarget, startFleet } from './fleet.js';

export const FLEET_USAGE = `usage: health-dashboard --target name=url [--target name=url ...] [options]
       health-dashboard --config fleet.json [options]

  --target name=url   a service's health endpoint (a bare origin gets /health); repeatable
  --config file       JSON: { "targets": [{ "name", "url" }] | { name: url }, "port", "host",
                      "intervalMs", "timeoutMs", "historySize", "title" }
  --port n            listen port (default 3300; 0 picks a free one)
  --host addr         listen address (default 127.0.0.1)
  --interval ms       poll period per service (default 2000)
  --timeout ms        timeout of one poll (default min(interval, 2000))
  --history n         changes kept per service (default 100)
  --title text        page title
  --webhook url       POST a notification when a service is DOWN/UNREACHABLE for
                      --failure-threshold polls in a row (default 3), and when restored; repeatable
  --webhook-preset p  json (default) or slack
  --min-interval ms   per service, between two notifications (default 60000)`;

export class UsageError extends Error {}

function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(value)}`);
  return n;
}

function target(spec: string): FleetTarget {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1)
    throw new UsageError(`--target must be name=url, got ${JSON.stringify(spec)}`);
  return { name: spec.slice(0, eq), url: spec.slice(eq + 1) };
}

async function config(file: string): Promise<Partial<FleetOptions>> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--config ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`--config ${file}: not valid JSON (${(error as Error).message})`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new UsageError(`--config ${file}: must be a JSON object`);
  const known = [
    'targets',
    'port',
    'host',
    'intervalMs',
    'timeoutMs',
    'historySize',
    'title',
    'webhooks',
  ];
  const extra = Object.keys(json).filter((k) => !known.includes(k));
  if (extra.length) throw new UsageError(`--config ${file}: unknown key(s) ${extra.join(', ')}`);
  const { targets, ...rest } = json;
  const list = Array.isArray(targets)
    ? (targets as FleetTarget[])
    : targets && typeof targets === 'object'
      ? Object.entries(targets as Record<string, string>).map(([name, url]) => ({ name, url }))
      : undefined;
  if (targets !== undefined && !list)
    throw new UsageError(`--config ${file}: "targets" must be a list or an object`);
  if (rest.webhooks !== undefined && !Array.isArray(rest.webhooks))
    throw new UsageError(`--config ${file}: "webhooks" must be a list of { url, ... }`);
  return { ...(rest as Partial<FleetOptions>), ...(list ? { targets: list } : {}) };
}

/** Parses argv into fleet options (command line over config file). Throws UsageError. */
export async function parseFleetArgs(argv: string[]): Promise<FleetOptions | 'help'> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: false }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const fromFile = v.config ? await config(v.config) : {};
  const targets = v.target?.length ? v.target.map(target) : fromFile.targets;
  if (!targets?.length)
    throw new UsageError('at least one --target name=url (or --config) is needed');
  const pick = <T>(cli: T | undefined, file: T | undefined) => cli ?? file;
  const options: FleetOptions = { targets };
  const set = <K extends keyof FleetOptions>(key: K, value: FleetOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set('port', pick(int('port', v.port), fromFile.port));
  set('host', pick(v.host, fromFile.host));
  set('intervalMs', pick(int('interval', v.interval), fromFile.intervalMs));
  set('timeoutMs', pick(int('timeout', v.timeout), fromFile.timeoutMs));
  set('historySize', pick(int('history', v.history), fromFile.historySize));
  set('title', pick(v.title, fromFile.title));
  const preset = v['webhook-preset'] as 'json' | 'slack' | undefined;
  if (preset !== undefined && preset !== 'json' && preset !== 'slack')
    throw new UsageError(`--webhook-preset must be json or slack, got ${JSON.stringify(preset)}`);
  const threshold = int('failure-threshold', v['failure-threshold']);
  const minInterval = int('min-interval', v['min-interval']);
  const hooks = [
    ...(fromFile.webhooks ?? []),
    ...(v.webhook ?? []).map((url) => ({
      url,
      ...(preset ? { preset } : {}),
      ...(threshold !== undefined ? { failureThreshold: threshold } : {}),
      ...(minInterval !== undefined ? { minIntervalMs: minInterval } : {}),
    })),
  ];
  if (!v.webhook?.length && (preset || threshold !== undefined || minInterval !== undefined))
    throw new UsageError('--webhook-preset, --failure-threshold and --min-interval need --webhook');
  if (hooks.length) options.webhooks = hooks;
  return options;
}

const OPTIONS = {
  target: { type: 'string', multiple: true },
  config: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  interval: { type: 'string' },
  timeout: { type: 'string' },
  history: { type: 'string' },
  title: { type: 'string' },
  webhook: { type: 'string', multiple: true },
  'webhook-preset': { type: 'string' },
  'failure-threshold': { type: 'string' },
  'min-interval': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Runs fleet mode from argv: resolves to an exit code (2 for bad input) or, once listening,
 * never (the server runs until SIGINT/SIGTERM, then resolves 0).
 */
export async function runFleet(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  let options: FleetOptions | 'help';
  try {
    options = await parseFleetArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err.write(`health-dashboard: ${error.message}\n${FLEET_USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    out.write(`${FLEET_USAGE}\n`);
    return 0;
  }
  let fleet: Awaited<ReturnType<typeof startFleet>>;
  try {
    fleet = await startFleet(options);
  } catch (error) {
    const e = error as { code?: string; message?: string };
    err.write(`health-dashboard: ${e.message ?? String(error)}\n`);
    return e.code === 'HEALTH_FLEET_INVALID_OPTION' ? 2 : 1;
  }
  out.write(`listening on ${fleet.url} (${options.targets.length} services)\n`);
  return new Promise<number>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void fleet.close().then(() => resolve(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
