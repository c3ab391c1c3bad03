/**
 * Types for @cloudnative/health-connect, which ships its TypeScript *sources* without
 * declarations: `tsc` would type-check them as our code (and fail under verbatimModuleSyntax).
 * The root tsconfig maps the module here (`paths`); only what the benchmark uses is declared.
 */
import type { RequestHandler } from 'express';

declare namespace health {
  class HealthChecker {
    registerReadinessCheck(check: ReadinessCheck): void;
    registerLivenessCheck(check: unknown): void;
    registerShutdownCheck(check: ShutdownCheck): void;
  }
  class ReadinessCheck {
    constructor(name: string, check: () => Promise<unknown>);
  }
  class ShutdownCheck {
    constructor(name: string, check: () => Promise<void>);
  }
  function ReadinessEndpoint(checker: HealthChecker): RequestHandler;
  function LivenessEndpoint(checker: HealthChecker): RequestHandler;
  function HealthEndpoint(checker: HealthChecker): RequestHandler;
}

export default health;
