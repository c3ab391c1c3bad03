/// <reference lib="dom" />
// The status page in a real headless Chromium (Debian's /usr/bin/chromium through puppeteer-core,
// no browser download) against a real service process with a check on a real Redis: UP; Redis
// stopped -> DOWN without a reload (timed); Redis back -> UP; SIGTERM -> STOPPING. Fails, never
// skips, without Chromium.
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RedisHandle, startRedis } from '@health/test-services';
import { killServices, type ServiceProcess, startService } from '@health/test-utils';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SERVICE = fileURLToPath(new URL('./fixtures/service.ts', import.meta.url));

let redis: RedisHandle | undefined;
let service: ServiceProcess | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: apt-get install -y chromium (scripts/ensure-system-deps.mjs lists it), or set CHROMIUM_PATH`,
    );
  [redis, browser] = await Promise.all([
    startRedis(),
    puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    }),
  ]);
  service = await startService(SERVICE, { env: { REDIS_URL: redis.url, DRAIN_DELAY_MS: '3000' } });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  killServices();
  await redis?.kill();
});

/** Waits until `#overall` reads `status`; returns how long it took (ms). */
async function shows(page: Page, status: string, timeout: number): Promise<number> {
  const started = Date.now();
  await page.waitForFunction(
    (s) => document.getElementById('overall')?.textContent?.includes(s) === true,
    { timeout, polling: 'mutation' },
    status,
  );
  return Date.now() - started;
}

it('shows UP, DOWN within 2 s of Redis stopping (no reload), UP again, then STOPPING on SIGTERM', {
  timeout: 45_000,
}, async () => {
  if (!browser || !service || !redis) throw new Error('setup failed');
  const page = await browser.newPage();
  await page.setViewport({ width: 900, height: 560 });
  await page.goto(`${service.baseUrl}/health/ui`, { waitUntil: 'domcontentloaded' });
  await shows(page, 'UP', 5000);
  await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'live', {
    timeout: 5000,
  });
  // Accessible: the status is text (not colour only) in a live region.
  expect(await page.$eval('[role=status]', (el) => el.getAttribute('aria-live'))).toBe('polite');
  expect(await page.$eval('tr[data-check="redis"] td', (el) => el.textContent)).toBe('✓ UP');
  // A marker that a reload would wipe.
  await page.evaluate(() => {
    (window as unknown as { marker: number }).marker = 42;
  });

  const stopCalled = Date.now();
  await redis.stop();
  const stopped = Date.now();
  const down = await shows(page, 'DOWN', 2000);
  const sinceCall = Date.now() - stopCalled;
  console.log(
    `browser: DOWN ${down} ms after Redis stopped (${sinceCall} ms after stop() was called; stop took ${stopped - stopCalled} ms)`,
  );
  expect(down).toBeLessThan(2000);
  expect(await page.$eval('tr[data-check="redis"] td', (el) => el.textContent)).toBe('✗ DOWN');
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  // Details for loopback callers: the failure message is in the row.
  expect(await page.$eval('tr[data-check="redis"]', (el) => el.children[4]?.textContent)).not.toBe(
    '',
  );

  const startCalled = Date.now();
  await redis.start();
  const up = await shows(page, 'UP', 5000);
  console.log(
    `browser: UP ${up} ms after Redis was back (start took ${Date.now() - startCalled - up} ms)`,
  );
  const timeline = await page.$$eval('#timeline li', (items) => items.map((li) => li.textContent));
  expect(timeline[0]).toMatch(/redis → UP$/);
  expect(timeline[1]).toMatch(/redis → DOWN/);
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

  const dir = await mkdtemp(join(tmpdir(), 'health-dashboard-'));
  const shot = join(dir, 'dashboard.png');
  await page.screenshot({ path: shot });
  console.log(`browser: screenshot ${shot}`);

  const term = Date.now();
  service.child.kill('SIGTERM');
  const stopping = await shows(page, 'STOPPING', 2000);
  console.log(`browser: STOPPING ${stopping} ms after SIGTERM (${Date.now() - term} ms)`);
  expect(await page.$eval('#state', (el) => el.textContent)).toBe('STOPPING');
  const { code } = await service.exited;
  expect(code, `${service.stdout()}\n${service.stderr()}`).toBe(0);

  // Without JavaScript the server-rendered table is the page.
  const plain = await browser.newPage();
  await plain.setJavaScriptEnabled(false);
  const fresh = await startService(SERVICE, { env: { REDIS_URL: redis.url } });
  // Ready first: its Redis connection is being opened, and the page renders what the checks say.
  for (let i = 0; i < 100 && (await fetch(`${fresh.baseUrl}/health/ready`)).status !== 200; i++)
    await new Promise((r) => setTimeout(r, 50));
  await plain.goto(`${fresh.baseUrl}/health/ui`);
  expect(await plain.$eval('tr[data-check="redis"] th', (el) => el.textContent)).toBe('redis');
  expect(await plain.$eval('#overall', (el) => el.textContent)).toMatch(/UP/);
  await fresh.stop();
});
