/**
 * @health/grpc's tests, through SWC (decorator metadata) so the NestJS microservice recipe test
 * runs as Nest apps really are built; the other tests need no decorators and run the same.
 */
import { defineProject } from 'vitest/config';
import { healthProject } from '../../vitest.shared.js';

export default defineProject(
  healthProject('grpc', ['packages/grpc/test/**/*.test.ts'], { decorators: true }),
);
