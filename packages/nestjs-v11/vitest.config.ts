/**
 * NestJS 11 (the previous major): @health/nestjs's sources and shared tests run with every
 * `@nestjs/*` import pointed at the v11 packages installed here under npm aliases.
 */
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { healthAliases, healthProject } from '../../vitest.shared.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const project = healthProject('nestjs-v11', ['packages/nestjs-v11/test/**/*.test.ts'], {
  decorators: true,
});

export default defineProject({
  ...project,
  resolve: {
    alias: [
      {
        find: /^@nestjs\/(common|core|platform-express|platform-fastify|terminus)$/,
        replacement: `${here}node_modules/@nestjs/$1-v11`,
      },
      ...healthAliases,
    ],
  },
});
