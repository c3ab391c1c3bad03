/**
 * @health/dashboard's tests, through SWC (decorator metadata): the adapter test mounts the
 * dashboard in real Nest apps next to Express, Fastify and Koa; the other tests run the same.
 */
import { defineProject } from 'vitest/config';
import { healthProject } from '../../vitest.shared.js';

export default defineProject(
  healthProject('dashboard', ['packages/dashboard/test/**/*.test.ts'], { decorators: true }),
);
