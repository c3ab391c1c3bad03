#!/usr/bin/env node
/**
 * Makes sure the Debian binaries our integration tests and benchmarks spawn are installed:
 * redis-server, PostgreSQL (initdb/pg_ctl), MariaDB (mariadbd/mariadb-install-db),
 * rabbitmq-server, haproxy, wrk, prometheus, chromium, python3-grpcio (an independent gRPC client), and openssl (throwaway TLS certificates for the HTTPS tests). Tests start their OWN instances on random ports, so this
 * script never starts a server; after an apt install it stops whatever the Debian postinst
 * would auto-start (policy-rc.d), and stops any that started anyway, to keep default ports free.
 *
 * Missing + root + apt-get: installs them. Missing otherwise: exits 1 with the command to run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const APT_PACKAGES = [
  'redis-server',
  'postgresql',
  'mariadb-server',
  'rabbitmq-server',
  'haproxy',
  'wrk',
  'openssl',
  // @health/metrics scrapes with a real Prometheus; @health/dashboard drives headless Chromium.
  'prometheus',
  'chromium',
  // @health/grpc's independent client: Python grpcio (gRPC C-core).
  'python3-grpcio',
];
const SERVICES = [
  'redis-server',
  'postgresql',
  'mariadb',
  'rabbitmq-server',
  'haproxy',
  'prometheus',
];
const APT_CMD = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${APT_PACKAGES.join(' ')}`;

const SBIN = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function onPath(name) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...SBIN];
  return dirs.some((d) => d && existsSync(join(d, name)));
}

function postgresBin(name) {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return false;
  return readdirSync(base).some((v) => existsSync(join(base, v, 'bin', name)));
}

function missingBinaries() {
  const checks = {
    'redis-server': () => onPath('redis-server'),
    'postgres initdb': () => postgresBin('initdb'),
    'postgres pg_ctl': () => postgresBin('pg_ctl'),
    mariadbd: () => onPath('mariadbd'),
    'mariadb-install-db': () => onPath('mariadb-install-db'),
    'rabbitmq-server': () => onPath('rabbitmq-server'),
    haproxy: () => onPath('haproxy'),
    wrk: () => onPath('wrk'),
    openssl: () => onPath('openssl'),
    prometheus: () => onPath('prometheus'),
    chromium: () => onPath('chromium'),
    'python3-grpcio': () => existsSync('/usr/lib/python3/dist-packages/grpc/__init__.py'),
  };
  return Object.entries(checks)
    .filter(([, present]) => !present())
    .map(([name]) => name);
}

function sh(cmd, args, env = process.env) {
  console.log(`ensure-system-deps: $ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { stdio: 'inherit', env });
}

/** Stops services the Debian postinst may have started anyway; best effort, never fails. */
function stopAutoStartedServices() {
  for (const service of SERVICES) {
    spawnSync('service', [service, 'stop'], { stdio: 'ignore' });
  }
}

/**
 * Debian's invoke-rc.d asks /usr/sbin/policy-rc.d whether a postinst may start a service;
 * exit code 101 means "no". We install one for the duration of apt-get (unless the image
 * already has its own, as Docker images often do) so nothing grabs the default ports.
 */
const POLICY = '/usr/sbin/policy-rc.d';
function denyServiceStarts() {
  if (existsSync(POLICY)) return () => {};
  writeFileSync(POLICY, '#!/bin/sh\n# written by scripts/ensure-system-deps.mjs\nexit 101\n', {
    mode: 0o755,
  });
  return () => rmSync(POLICY, { force: true });
}

const missing = missingBinaries();
if (missing.length === 0) {
  console.log(`ensure-system-deps: all present (${APT_PACKAGES.join(', ')})`);
  process.exit(0);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !onPath('apt-get')) {
  console.error(`ensure-system-deps: missing ${missing.join(', ')}.`);
  console.error(`Install them (as root, Debian/Ubuntu):\n  ${APT_CMD}`);
  process.exit(1);
}

console.log(`ensure-system-deps: missing ${missing.join(', ')}; installing with apt-get`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const allowServiceStarts = denyServiceStarts();
try {
  sh('apt-get', ['update'], env);
  sh('apt-get', ['install', '-y', '--no-install-recommends', ...APT_PACKAGES], env);
} finally {
  allowServiceStarts();
  stopAutoStartedServices();
}

const still = missingBinaries();
if (still.length > 0) {
  console.error(`ensure-system-deps: still missing after apt-get install: ${still.join(', ')}`);
  process.exit(1);
}
console.log(`ensure-system-deps: installed and verified (${APT_PACKAGES.join(', ')})`);
