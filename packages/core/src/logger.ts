/** A pluggable logger. `console` fits; so do pino and winston (message first, fields second). */
export interface HealthLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const noop = () => {};

/** Silent for info, `console.error` for warnings and errors: loud only when something is wrong. */
export const defaultLogger: HealthLogger = {
  info: noop,
  warn: (message, fields) => console.error(`[health] ${message}`, ...(fields ? [fields] : [])),
  error: (message, fields) => console.error(`[health] ${message}`, ...(fields ? [fields] : [])),
};

export const silentLogger: HealthLogger = { info: noop, warn: noop, error: noop };

export function resolveLogger(logger: HealthLogger | false | undefined): HealthLogger {
  if (logger === false) return silentLogger;
  return logger ?? defaultLogger;
}
