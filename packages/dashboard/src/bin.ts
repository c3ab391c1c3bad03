#!/usr/bin/env node
/** `health-dashboard`: fleet mode (see `health-dashboard --help`). Exit 2 on bad input. */
import { runFleet } from './fleet-cli.js';

runFleet(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`health-dashboard: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
