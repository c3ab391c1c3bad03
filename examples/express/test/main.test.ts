// Runs the example as a real process and holds it to the example contract (@health/test-utils):
// probes, business route, SIGTERM drain, exit 0.
import { fileURLToPath } from 'node:url';
import { runExampleContract } from '@health/test-utils';
import { expect } from 'vitest';

runExampleContract('express example', {
  entry: fileURLToPath(new URL('../src/main.ts', import.meta.url)),
  business: {
    path: '/api/greeting',
    body: { greeting: 'Hello from Express', postgres: expect.any(String) },
  },
});
