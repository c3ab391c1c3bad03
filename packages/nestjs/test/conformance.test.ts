// The adapter conformance suite against real Nest apps on both platforms, over real HTTP.
// The suite drives the lifecycle itself, so the module must not mark the instance ready on bootstrap.
import { runAdapterConformance } from '@health/test-utils';
import { nestHarness } from './harness.js';

runAdapterConformance('nestjs express', nestHarness('express', { readyOnBootstrap: false }));
runAdapterConformance('nestjs fastify', nestHarness('fastify', { readyOnBootstrap: false }));
