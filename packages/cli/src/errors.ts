/** A usage or setup error of the CLI: coded, naming the option at fault. Exit code 2. */
export class CliError extends Error {
  readonly code: string;
  constructor(code: string, option: string, message: string) {
    super(`@health/cli: ${option} ${message}`);
    this.name = 'CliError';
    this.code = code;
  }
}

export const INVALID_OPTION = 'HEALTH_CLI_INVALID_OPTION';
export const MANIFEST_INVALID = 'HEALTH_CLI_MANIFEST_INVALID';
