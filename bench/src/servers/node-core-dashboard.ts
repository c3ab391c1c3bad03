/**
 * `node-core` with `dashboard(health)` from @health/dashboard, and 100 EventSource-like clients
 * (`load/sse-clients.ts`, a child process on the load CPU) holding `/health/ui/events` open while
 * the readiness probe is measured; announced only once every stream got its snapshot. The probe
 * must cost what it does without them (target ≥ 0.97× `node-core`, same run).
 */
import { fork } from 'node:child_process';
import { createHealth } from '@health/core';
import { dashboard } from '@health/dashboard';
import { announce, HOST } from './common.js';
import { coreOptions, serveNodeCore } from './node-core-common.js';

export const SSE_CLIENTS = Number(process.env.BENCH_SSE_CLIENTS ?? 100);

const health = createHealth(coreOptions);
dashboard(health);
serveNodeCore(health, {
  ready: (port) => {
    const cpu = process.env.BENCH_LOAD_CPU;
    const clients = fork(new URL('../load/sse-clients.js', import.meta.url), [], {
      env: {
        ...process.env,
        BENCH_URL: `http://${HOST}:${port}/health/ui/events`,
        BENCH_SSE_CLIENTS: String(SSE_CLIENTS),
      },
      // On the load CPU, so the clients' own work never counts as (or competes with) the server's.
      ...(cpu ? { execPath: 'taskset', execArgv: ['-c', cpu, process.execPath] } : {}),
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const timer = setTimeout(() => {
      process.stderr.write(
        `node-core-dashboard: ${SSE_CLIENTS} SSE clients not connected in 20 s\n`,
      );
      process.exit(1);
    }, 20_000);
    clients.on('message', (message) => {
      if (message === 'connected') {
        clearTimeout(timer);
        announce({ port });
      } else {
        process.stderr.write(`node-core-dashboard: SSE client ${String(message)}\n`);
        process.exit(1);
      }
    });
  },
});
