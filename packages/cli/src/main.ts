/**
 * Argument parsing for the `health` bin. The doctor is imported only for `health doctor`, and
 * `@health/dashboard` only for `health dashboard`.
 */
import { parseArgs } from 'node:util';
import { CliError, INVALID_OPTION } from './errors.js';
import { probe } from './probe.js';

const USAGE = `usage:
  health probe <http(s)://...|grpc://host:port[/service]> [--timeout ms] [--expect-status code] [--insecure]
  health doctor <manifest.yaml> [--from url | --config module] [--drain-delay ms] [--lb-deregistration ms] [--json]
  health dashboard --target name=url ... | --config fleet.json [--port n] [--interval ms] [--history n]  (needs @health/dashboard)`;

function ms(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new CliError(INVALID_OPTION, `--${name}`, `must be a number of ms, got ${value}`);
  return n;
}

/** Runs the CLI; resolves to the exit code (0 healthy/all rules hold, 1 not, 2 usage error). */
export async function main(
  argv: string[],
  out = process.stdout,
  err = process.stderr,
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'probe') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          timeout: { type: 'string' },
          'expect-status': { type: 'string' },
          insecure: { type: 'boolean' },
        },
      });
      if (positionals.length !== 1)
        throw new CliError(INVALID_OPTION, '<url>', 'is required (one URL)');
      const result = await probe(positionals[0] as string, {
        timeout: ms('timeout', values.timeout),
        expectStatus: ms('expect-status', values['expect-status']),
        insecure: values.insecure,
      });
      (result.ok ? out : err).write(`${result.ok ? 'healthy' : 'unhealthy'}: ${result.reason}\n`);
      return result.ok ? 0 : 1;
    }
    if (command === 'doctor') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          from: { type: 'string' },
          config: { type: 'string' },
          'drain-delay': { type: 'string' },
          'lb-deregistration': { type: 'string' },
          json: { type: 'boolean' },
        },
      });
      if (positionals.length !== 1)
        throw new CliError(INVALID_OPTION, '<manifest>', 'is required (one file)');
      const { doctor, formatReport } = await import('./doctor/index.js');
      const report = await doctor(positionals[0] as string, {
        from: values.from,
        config: values.config,
        drainDelay: ms('drain-delay', values['drain-delay']),
        lbDeregistration: ms('lb-deregistration', values['lb-deregistration']),
      });
      out.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
      return report.ok ? 0 : 1;
    }
    if (command === 'dashboard') {
      const { dashboardCommand } = await import('./dashboard.js');
      return await dashboardCommand(rest, out, err);
    }
    err.write(`${USAGE}\n`);
    return 2;
  } catch (error) {
    err.write(`${(error as Error).message}\n`);
    return error instanceof CliError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
      ? 2
      : 1;
  }
}
