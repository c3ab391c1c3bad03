/**
 * The shared checks on both databases openDatabase() can give: embedded PGlite, and a real
 * PostgreSQL through DATABASE_URL (stopped and restarted underneath the service).
 */
import { createHealth, type Health } from '@health/core';
import { openDatabase, serviceChecks } from '@health/example-shared-checks';
import { startPostgres } from '@health/test-services';
import { describe, expect, it } from 'vitest';

async function detailed(health: Health, path = '/health') {
  const response = await health.handle({ method: 'GET', path, headers: { 'x-internal': 'yes' } });
  if (!response) throw new Error(`${path} is not a health route`);
  return {
    status: response.status,
    body: JSON.parse(response.body) as {
      checks: { name: string; status: string; details?: Record<string, unknown> }[];
    },
  };
}

const options = { startReady: true, logger: false as const, showDetails: 'always' as const };

describe('serviceChecks', () => {
  it('embedded PGlite: database on readiness, event-loop on liveness', async () => {
    const db = await openDatabase('');
    const health = createHealth({ ...options, checks: serviceChecks({ db }) });
    try {
      const ready = await detailed(health, '/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.checks).toEqual([
        expect.objectContaining({
          name: 'database',
          status: 'UP',
          details: expect.objectContaining({ kind: 'pglite', latencyMs: expect.any(Number) }),
        }),
      ]);
      const live = await detailed(health, '/health/live');
      expect(live.body.checks).toEqual([
        expect.objectContaining({ name: 'event-loop', status: 'UP' }),
      ]);
    } finally {
      health.close();
      await db.close();
    }
  });

  it('real PostgreSQL via DATABASE_URL: DOWN while the server is stopped, UP again after', async () => {
    const postgres = await startPostgres();
    const db = await openDatabase(postgres.url);
    const health = createHealth({
      ...options,
      // Same checks, no caching, so each probe sees the database as it is now.
      checks: serviceChecks({ db }).map((check) => ({ ...check, ttl: 0, failureTtl: 0 })),
    });
    try {
      expect((await detailed(health)).body.checks[0]).toMatchObject({
        status: 'UP',
        details: { kind: 'postgres' },
      });
      await postgres.stop();
      const down = await detailed(health);
      expect(down.status).toBe(503);
      expect(JSON.stringify(down.body)).not.toContain(postgres.password);
      // Liveness does not depend on the database.
      expect((await detailed(health, '/health/live')).status).toBe(200);
      await postgres.start();
      expect((await detailed(health)).status).toBe(200);
    } finally {
      health.close();
      await db.close();
      await postgres.kill();
    }
  });
});
