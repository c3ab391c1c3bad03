// Listen first, initialise, then markReady(): STARTING is observable on the real process.
import { fileURLToPath } from 'node:url';
import { runStartingContract } from '../../shared-checks/test/starting.js';

runStartingContract('nestjs example', fileURLToPath(new URL('../src/main.ts', import.meta.url)));
