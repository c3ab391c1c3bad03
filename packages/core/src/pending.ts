/** True for a promise-like answer of `health.respond()` (vs. a synchronous response). */
export function isPending<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
