/**
 * For adapter tests beyond the conformance suite, which build their own apps: a harness around a
 * plain node:http server (what Express's and Koa's `app.listen()` return), and one place that
 * closes whatever a test started, so a failed assertion never leaves a server or timers running.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Health } from '@health/core';
import { afterEach } from 'vitest';
import type { AdapterHarness } from './conformance.js';

/**
 * Wraps a server an app was just told to listen with (`app.listen(0, '127.0.0.1')`): registers it
 * with `health` as every adapter's README says and waits for it to listen. `close()` closes it
 * once, however often called, dropping keep-alive sockets so it never waits on an idle client.
 */
export async function serverHarness(server: Server, health: Health): Promise<AdapterHarness> {
  health.addServer(server);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}

/** What a test starts and must stop: a harness, a Nest app, a health instance. */
export interface Closable {
  close(): unknown;
}

/**
 * Registers an `afterEach` in the calling scope (file or `describe`) and returns `track`: whatever
 * is passed to it during a test is closed after that test, in the order it was tracked (a health
 * instance before its server, as an app's own shutdown would).
 */
export function closeAfterEach(): <T extends Closable>(closable: T) => T {
  const open: Closable[] = [];
  afterEach(async () => {
    for (const closable of open.splice(0)) await closable.close();
  });
  return (closable) => {
    open.push(closable);
    return closable;
  };
}

/** An app whose `listen(port, host)` returns its node:http server (Express, Koa). */
export interface ListeningApp {
  listen(port: number, host: string): Server;
}

/**
 * Registers an `afterEach` in the calling scope and returns `serve(app, health)`: listens `app` on
 * 127.0.0.1:0 with its server registered with `health` (see serverHarness) and resolves to the
 * base URL. After each test the health instance is closed, then its server.
 */
export function serveClosedAfterEach(): (app: ListeningApp, health: Health) => Promise<string> {
  const track = closeAfterEach();
  return async (app, health) => {
    track(health);
    return track(await serverHarness(app.listen(0, '127.0.0.1'), health)).baseUrl;
  };
}
