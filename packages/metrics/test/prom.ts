// Reading series back from a real prom-client registry, by name and exact labels.
import type { Registry } from 'prom-client';

type Labels = Record<string, string>;

const same = (a: Record<string, unknown>, b: Labels) =>
  Object.keys(a).length === Object.keys(b).length &&
  Object.entries(b).every(([k, v]) => String(a[k]) === v);

/** The value of one series (undefined when it has no sample). */
export async function sample(
  registry: Registry,
  name: string,
  labels: Labels = {},
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`${name} is not registered`);
  const { values } = await metric.get();
  return values.find((v) => same(v.labels, labels))?.value;
}

/** Every sample of a metric as `labels => value` lines, sorted (for whole-set assertions). */
export async function samples(registry: Registry, name: string): Promise<string[]> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`${name} is not registered`);
  const { values } = await metric.get();
  return values
    .map((v) => {
      const labels = Object.entries(v.labels)
        .map(([k, x]) => `${k}=${x}`)
        .join(',');
      return `${(v as { metricName?: string }).metricName ?? name}{${labels}} ${v.value}`;
    })
    .sort();
}

export const probe = (path: string) => ({ method: 'GET', path, headers: {} });
