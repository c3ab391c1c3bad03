/**
 * A TCP dependency: opens a connection (node:net) and closes it as soon as it is established.
 * Proves the port accepts connections — not that the service behind it answers.
 */
import { connect } from 'node:net';
import type { CheckDefinition } from '@health/core';
import { type DependencyCheckOptions, defineCheck, measure } from './shared.js';

export type TcpCheckOptions = DependencyCheckOptions;

/**
 * Checks that `host:port` accepts a TCP connection.
 * @example
 * tcpCheck('smtp.internal', 25, { name: 'smtp' })
 */
export function tcpCheck(
  host: string,
  port: number,
  options: TcpCheckOptions = {},
): CheckDefinition {
  return defineCheck({ name: 'tcp', dependency: true }, options, (context) =>
    measure(
      'tcp connect failed',
      context,
      () => [host, ...(options.secrets ?? [])],
      () =>
        new Promise<undefined>((resolve, reject) => {
          const socket = connect({ host, port });
          const onAbort = () => {
            socket.destroy();
            reject(context.signal.reason);
          };
          context.signal.addEventListener('abort', onAbort, { once: true });
          socket.once('connect', () => {
            context.signal.removeEventListener('abort', onAbort);
            socket.destroy();
            resolve(undefined);
          });
          socket.once('error', (error) => {
            context.signal.removeEventListener('abort', onAbort);
            socket.destroy();
            reject(error);
          });
        }),
    ),
  );
}
