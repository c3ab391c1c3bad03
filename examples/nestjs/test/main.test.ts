// Runs the example as a real process on both Nest platforms and holds it to the example
// contract (@health/test-utils): probes, business route, SIGTERM drain, exit 0.
import { fileURLToPath } from 'node:url';
import { runExampleContract } from '@health/test-utils';
import { describe, expect } from 'vitest';

for (const platform of ['express', 'fastify']) {
  describe(`NestJS example on ${platform}`, () => {
    runExampleContract(`nestjs (${platform})`, {
      entry: fileURLToPath(new URL('../src/main.ts', import.meta.url)),
      env: { PLATFORM: platform },
      business: {
        path: '/api/greeting',
        body: { greeting: 'Hello from NestJS', postgres: expect.any(String) },
      },
    });
  });
}
