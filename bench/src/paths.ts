/** Where things are: the bench package, the repo root, the compiled servers, the results. */
import { fileURLToPath } from 'node:url';

/** bench/ (this file is bench/src/paths.ts or its compiled bench/dist/paths.js). */
export const benchRoot = fileURLToPath(new URL('..', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const serversDir = `${benchRoot}dist/servers/`;
export const loadDir = `${benchRoot}dist/load/`;
export const resultsDir = `${benchRoot}results/`;
