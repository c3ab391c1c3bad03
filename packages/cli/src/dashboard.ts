/**
 * `health dashboard ...`: fleet mode, delegated to `@health/dashboard` (an optional install)
 * through a dynamic import, so the CLI stays free of it; a clear error when it is missing.
 */
import { CliError } from './errors.js';

/** The part of `@health/dashboard` this command uses. */
interface DashboardModule {
  runFleet(
    argv: string[],
    out?: NodeJS.WritableStream,
    err?: NodeJS.WritableStream,
  ): Promise<number>;
}

export const DASHBOARD_MISSING = 'HEALTH_CLI_DASHBOARD_MISSING';
// A variable specifier: bundlers leave it to Node's resolution at run time.
const SPECIFIER = '@health/dashboard';

export async function dashboardCommand(
  argv: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  load: () => Promise<unknown> = () => import(SPECIFIER),
): Promise<number> {
  let mod: DashboardModule;
  try {
    mod = (await load()) as DashboardModule;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    throw new CliError(
      DASHBOARD_MISSING,
      'dashboard',
      'needs @health/dashboard next to @health/cli: npm install @health/dashboard',
    );
  }
  if (typeof mod.runFleet !== 'function')
    throw new CliError(
      DASHBOARD_MISSING,
      'dashboard',
      'needs a newer @health/dashboard (runFleet)',
    );
  return mod.runFleet(argv, out, err);
}
