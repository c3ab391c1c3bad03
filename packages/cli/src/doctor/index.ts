/** `health doctor`: the manifest's probe and shutdown timing against the service's health settings. */
import { readFile } from 'node:fs/promises';
import { CliError, INVALID_OPTION } from '../errors.js';
import { type K8sObject, parseManifest, schemaErrors } from './manifest.js';
import { checkContainer, type Finding } from './rules.js';
import { defaultDescription, fromModule, fromUrl, type Settings } from './settings.js';

export type { Finding } from './rules.js';

export interface DoctorOptions {
  /** URL of the service's describePath (`http://127.0.0.1:3000/health/config`). */
  from?: string;
  /** Module exporting a Health (or its description), or a description JSON file. */
  config?: string;
  /** Load balancer deregistration delay in ms, added to the drain delay needed. */
  lbDeregistration?: number;
  /** Drain delay in ms when neither from nor config is given (core's default is 0). */
  drainDelay?: number;
}

export interface DoctorReport {
  ok: boolean;
  source: string;
  findings: Finding[];
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

export async function doctor(
  manifestFile: string,
  options: DoctorOptions = {},
): Promise<DoctorReport> {
  if (options.from && options.config)
    throw new CliError(INVALID_OPTION, '--from', 'and --config are exclusive: give one');
  const text = await readFile(manifestFile, 'utf8').catch((error: Error) => {
    throw new CliError(INVALID_OPTION, '<manifest>', `cannot be read: ${error.message}`);
  });
  const objects = parseManifest(text, manifestFile);
  const settings: Settings = options.from
    ? await fromUrl(options.from)
    : options.config
      ? await fromModule(options.config)
      : { description: defaultDescription(options.drainDelay ?? 0), source: 'defaults' };
  if (options.drainDelay !== undefined && settings.source !== 'defaults')
    settings.description = {
      ...settings.description,
      shutdown: { ...settings.description.shutdown, drainDelay: options.drainDelay },
    };
  const ctx = {
    description: settings.description,
    defaults: settings.source === 'defaults',
    lbDeregistration: options.lbDeregistration ?? 0,
  };
  const findings: Finding[] = [];
  for (const object of objects) findings.push(...(await checkObject(object, ctx)));
  if (!objects.some((o) => WORKLOADS.has(o.kind ?? '')))
    findings.push({
      rule: 'workload',
      ok: false,
      target: manifestFile,
      reason: 'no Deployment, StatefulSet or DaemonSet in the file',
      fix: 'pass the file holding the workload',
    });
  return { ok: findings.every((f) => f.ok), source: settings.source, findings };
}

async function checkObject(
  object: K8sObject,
  ctx: Parameters<typeof checkContainer>[3],
): Promise<Finding[]> {
  const target = `${object.kind}/${object.metadata?.name ?? '?'}`;
  const errors = await schemaErrors(object);
  if (errors)
    return [
      {
        rule: 'schema',
        ok: false,
        target,
        reason: errors,
        fix: 'fix the manifest (validated against the Kubernetes OpenAPI schema)',
      },
    ];
  const schema: Finding = {
    rule: 'schema',
    ok: true,
    target,
    reason: `valid ${object.apiVersion} ${object.kind}`,
  };
  if (!WORKLOADS.has(object.kind ?? '')) return [schema];
  const pod = object.spec?.template?.spec ?? {};
  const findings = [schema];
  for (const container of pod.containers ?? []) {
    if (!container.readinessProbe && !container.livenessProbe && !container.startupProbe) continue;
    findings.push(...checkContainer(pod, container, `${target} container/${container.name}`, ctx));
  }
  return findings;
}

/** One line per finding: `✓ rule target: reason` or `✗ rule target: reason — fix: ...`. */
export function formatReport(report: DoctorReport): string {
  const lines = report.findings.map((f) =>
    f.ok
      ? `ok   ${f.rule} ${f.target}: ${f.reason}`
      : `FAIL ${f.rule} ${f.target}: ${f.reason} — fix: ${f.fix}`,
  );
  const failed = report.findings.filter((f) => !f.ok).length;
  lines.push(
    `${failed === 0 ? 'all rules hold' : `${failed} rule(s) failed`} (service settings: ${report.source})`,
  );
  return lines.join('\n');
}
