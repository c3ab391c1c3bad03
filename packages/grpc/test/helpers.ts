// Test helpers: a real grpc-js server on 127.0.0.1:<random>, and a real grpc-js client built from
// the official `grpc-health-check` package's published service definition (not ours).
import * as grpc from '@grpc/grpc-js';
import { service as officialHealthService } from 'grpc-health-check';

export type Status = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

export async function listen(server: grpc.Server): Promise<string> {
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  return `127.0.0.1:${port}`;
}

const HealthClient = grpc.makeClientConstructor(officialHealthService, 'grpc.health.v1.Health');

export interface HealthClient {
  check(service: string, timeout?: number): Promise<Status>;
  list(timeout?: number): Promise<Record<string, { status: Status }>>;
  watch(service: string): Watch;
  raw: grpc.Client;
  close(): void;
}

export interface Watch {
  /** Messages received so far, with their arrival time (performance.now()). */
  readonly messages: { status: Status; at: number }[];
  /** The call's final status once it ended. */
  readonly ended: Promise<grpc.StatusObject>;
  next(
    predicate: (status: Status, index: number) => boolean,
    timeout?: number,
  ): Promise<{ status: Status; at: number }>;
  cancel(): void;
}

export function healthClient(address: string): HealthClient {
  // biome-ignore lint/suspicious/noExplicitAny: generated client methods
  const client = new HealthClient(address, grpc.credentials.createInsecure()) as any;
  const deadline = (ms: number) => ({ deadline: Date.now() + ms });
  return {
    raw: client,
    check: (service, timeout = 5_000) =>
      new Promise((resolve, reject) =>
        client.Check(
          { service },
          deadline(timeout),
          (error: Error | null, res: { status: Status }) =>
            error ? reject(error) : resolve(res.status),
        ),
      ),
    list: (timeout = 5_000) =>
      new Promise((resolve, reject) =>
        client.List(
          {},
          deadline(timeout),
          (error: Error | null, res: { statuses: Record<string, { status: Status }> }) =>
            error ? reject(error) : resolve(res.statuses),
        ),
      ),
    watch: (service) => {
      const call = client.Watch({ service }) as grpc.ClientReadableStream<{ status: Status }>;
      const messages: { status: Status; at: number }[] = [];
      const waiters = new Set<() => void>();
      call.on('data', (m: { status: Status }) => {
        messages.push({ status: m.status, at: performance.now() });
        for (const wake of waiters) wake();
      });
      call.on('error', () => {});
      const ended = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
      return {
        messages,
        ended,
        cancel: () => call.cancel(),
        next: (predicate, timeout = 10_000) =>
          new Promise((resolve, reject) => {
            let seen = 0;
            const check = () => {
              for (; seen < messages.length; seen++) {
                const m = messages[seen] as { status: Status; at: number };
                if (predicate(m.status, seen)) {
                  clearTimeout(timer);
                  waiters.delete(check);
                  resolve(m);
                  return;
                }
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              reject(
                new Error(
                  `no matching Watch message within ${timeout} ms; got ${JSON.stringify(messages)}`,
                ),
              );
            }, timeout);
            waiters.add(check);
            check();
          }),
      };
    },
    close: () => client.close(),
  };
}

/** Polls `probe` until `done` is true (bounded). */
export async function until<T>(
  probe: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeout = 10_000,
): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}
