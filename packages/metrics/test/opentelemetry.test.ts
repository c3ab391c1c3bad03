// OpenTelemetry through a real SDK: a MeterProvider with a PeriodicExportingMetricReader and an
// InMemoryMetricExporter, reading the same series as the Prometheus back end.
import { createHealth, type Health } from '@health/core';
import { OPENTELEMETRY_NAMES } from '@health/metrics';
import { openTelemetryMetrics } from '@health/metrics/opentelemetry';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { probe } from './prom.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup(health: Health) {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // A long interval: the test collects explicitly, the exporter proves the export path.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const handle = openTelemetryMetrics(health, { meterProvider: provider });
  cleanups.push(
    () => provider.shutdown(),
    () => handle.stop(),
    () => health.close(),
  );
  const collect = async () => {
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  };
  return { reader, exporter, handle, collect };
}

/** `name{k=v,...} value` lines of one metric, sorted (histograms: count and sum). */
function lines(all: MetricData[], name: string): string[] {
  const metric = all.find((m) => m.descriptor.name === name);
  if (!metric) return [];
  return metric.dataPoints
    .map((point) => {
      const labels = Object.entries(point.attributes)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(',');
      const value =
        metric.dataPointType === DataPointType.HISTOGRAM
          ? `count=${(point.value as { count: number }).count}`
          : String(point.value);
      return `{${labels}} ${value}`;
    })
    .sort();
}

describe('openTelemetryMetrics', () => {
  it('exports status, runs, duration, last success, state and probe answers', async () => {
    let failing = false;
    const health = createHealth({
      checks: [
        { name: 'db', ttl: 0, check: () => !failing },
        { name: 'cache', critical: false, ttl: 60_000, check: () => true },
      ],
      startReady: true,
    });
    const { collect } = setup(health);
    await health.handle(probe('/health/ready'));
    await health.handle(probe('/health/ready'));
    let all = await collect();
    expect(lines(all, 'health.check.status')).toEqual([
      '{name=cache,probe=readiness,critical=false} 1',
      '{name=db,probe=readiness,critical=true} 1',
    ]);
    expect(lines(all, 'health.check.runs')).toEqual([
      '{name=cache,status=UP} 1', // cached the second time: not a run
      '{name=db,status=UP} 2',
    ]);
    expect(lines(all, 'health.check.duration')).toEqual([
      '{name=cache} count=1',
      '{name=db} count=2',
    ]);
    expect(lines(all, 'health.probe.requests')).toEqual(['{probe=readiness,code=200} 2']);
    expect(lines(all, 'health.state')).toContain('{state=UP} 1');
    expect(lines(all, 'health.state').filter((l) => l.endsWith(' 1'))).toHaveLength(1);

    failing = true;
    await health.handle(probe('/health/ready'));
    all = await collect();
    expect(lines(all, 'health.check.status')).toContain(
      '{name=db,probe=readiness,critical=true} 0',
    );
    expect(lines(all, 'health.check.runs')).toContain('{name=db,status=DOWN} 1');
    expect(lines(all, 'health.probe.requests')).toContain('{probe=readiness,code=503} 1');

    const duration = all.find((m) => m.descriptor.name === 'health.check.duration');
    expect(duration?.descriptor.unit).toBe('s');
    expect(
      all.find((m) => m.descriptor.name === 'health.check.last_success')?.descriptor.unit,
    ).toBe('s');
    const names = all.map((m) => m.descriptor.name).sort();
    expect(names).toEqual(Object.values(OPENTELEMETRY_NAMES).sort());
  });

  it('goes through the exporter, and observes nothing new after stop()', async () => {
    const health = createHealth({ checks: [{ name: 'db', check: () => true }], startReady: true });
    const { reader, exporter, handle, collect } = setup(health);
    await health.handle(probe('/health/ready'));
    await reader.forceFlush();
    const exported = exporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
    expect(lines(exported, 'health.check.status')).toEqual([
      '{name=db,probe=readiness,critical=true} 1',
    ]);
    expect(exporter.getMetrics()[0]?.scopeMetrics[0]?.scope.name).toBe('@health/metrics');
    handle.stop();
    await health.handle(probe('/health/ready'));
    // Cumulative: the SDK keeps the last observed values; nothing new is observed after stop().
    const after = await collect();
    expect(lines(after, 'health.probe.requests')).toEqual(['{probe=readiness,code=200} 1']);
    expect(lines(after, 'health.check.duration')).toEqual(['{name=db} count=1']);
  });

  it('rejects bad options with coded errors naming the option', () => {
    const health = createHealth();
    cleanups.push(() => health.close());
    expect(() => openTelemetryMetrics(health, { meter: {} as never })).toThrow(/option "meter"/);
    expect(() => openTelemetryMetrics(health, { meterProvider: {} as never })).toThrow(
      expect.objectContaining({ code: 'HEALTH_INVALID_OPTION' }),
    );
    expect(() => openTelemetryMetrics(health, { buckets: [0] })).toThrow(/option "buckets"/);
  });
});
