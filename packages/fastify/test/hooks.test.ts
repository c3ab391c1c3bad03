// Which of the user's Fastify hooks run on probe routes (what the README's "Hooks" section says),
// over real HTTP: hooks at the root (before and after registering the plugin) and in a sibling
// plugin (encapsulated), for a probe, a 405 and a prefixed probe.
import type { AddressInfo } from 'node:net';
import { createHealth } from '@health/core';
import { healthPlugin } from '@health/fastify';
import { httpRequest } from '@health/test-utils';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';

const open: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of open.splice(0)) await app.close();
});

const LIFECYCLE = [
  'onRequest',
  'preParsing',
  'preValidation',
  'preHandler',
  'onSend',
  'onResponse',
] as const;

/** Adds every request-lifecycle hook to `scope`, each recording `<tag>:<hook> <method> <url>`. */
function record(scope: FastifyInstance, tag: string, seen: string[]): void {
  for (const hook of LIFECYCLE) {
    const note = (request: { method: string; url: string }) =>
      seen.push(`${tag}:${hook} ${request.method} ${request.url}`);
    if (hook === 'onSend')
      scope.addHook('onSend', async (request, _reply, payload) => {
        note(request);
        return payload;
      });
    else
      scope.addHook(hook, async (request: { method: string; url: string }) => void note(request));
  }
  // Never on probes: core's body is a string, Fastify has nothing to serialize.
  scope.addHook('preSerialization', async (request, _reply, payload) => {
    seen.push(`${tag}:preSerialization ${request.method} ${request.url}`);
    return payload;
  });
}

async function app(prefix?: string) {
  const seen: string[] = [];
  const fastify = Fastify();
  record(fastify, 'root', seen);
  await fastify.register(async (sibling) => {
    record(sibling, 'sibling', seen);
    sibling.get('/sibling', async () => 'sibling');
  });
  await fastify.register(healthPlugin, {
    health: createHealth({ logger: false, startReady: true, shutdown: { exit: false } }),
    prefix,
  });
  // Added after the plugin was registered (and loaded, by the await): still the root context.
  record(fastify, 'late', seen);
  open.push(fastify);
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
  return { seen, base };
}

const all = (tag: string, method: string, url: string) =>
  LIFECYCLE.map((hook) => `${tag}:${hook} ${method} ${url}`);

describe("the user's hooks on probe routes", () => {
  it('root hooks (added before or after the plugin) run on probes, every stage but preSerialization; a sibling plugin’s do not', async () => {
    const { seen, base } = await app();
    const res = await httpRequest(`${base}/health/ready`);
    expect(res.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50)); // onResponse runs after the body
    expect(seen).toEqual([
      ...LIFECYCLE.flatMap((hook) => [
        `root:${hook} GET /health/ready`,
        `late:${hook} GET /health/ready`,
      ]),
    ]);
    expect(seen.filter((s) => s.startsWith('sibling:'))).toEqual([]);
  });

  it('the sibling plugin’s hooks run on its own routes only', async () => {
    const { seen, base } = await app();
    await httpRequest(`${base}/sibling`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.filter((s) => s.startsWith('sibling:'))).toEqual(all('sibling', 'GET', '/sibling'));
  });

  it('the same hooks run on a 405 and on a prefixed probe', async () => {
    const { seen, base } = await app('/ops');
    const res = await httpRequest(`${base}/ops/health/live`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    await httpRequest(`${base}/ops/health/live`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const [method, tag] of [
      ['DELETE', 'root'],
      ['DELETE', 'late'],
      ['GET', 'root'],
      ['GET', 'late'],
    ] as const)
      expect(seen).toEqual(expect.arrayContaining(all(tag, method, '/ops/health/live')));
    expect(seen.filter((s) => s.startsWith('sibling:'))).toEqual([]);
  });
});
