/**
 * Installs the Node binaries the local twin runs functions on (see package.json here and ../node-runtime.ts):
 * `npm ci` in this directory, from its own lock file, so the registry's per-platform Node package for this
 * machine lands in ./node_modules and the others are skipped (they are optional, with os/cpu fields).
 *
 * Run by the root package's postinstall, and by `npm run runtimes`. It never fails the install around it: a
 * machine without a binary runs functions on the local Node, and the twin says so. Skipped when:
 *  - the install leaves out dev or optional packages (`--omit=dev`, NODE_ENV=production: e.g. `sam build`,
 *    which runs `npm install --omit=dev` on a copy of the project; it only bundles, it never runs functions);
 *  - what is installed already matches the lock file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const explicit = process.argv.includes('--force');

function omitted() {
  const omit = (process.env.npm_config_omit ?? '').split(/[\s,]+/);
  return omit.includes('dev') || omit.includes('optional') || process.env.NODE_ENV === 'production';
}

/** name@version of every package a lock file lists (npm's hidden lock file lists only what is installed). */
function lockedPackages(file) {
  if (!existsSync(file)) return undefined;
  const packages = JSON.parse(readFileSync(file, 'utf8')).packages ?? {};
  return Object.entries(packages)
    .filter(([path]) => path.startsWith('node_modules/'))
    .map(([path, entry]) => ({ path, version: entry.version, os: entry.os, cpu: entry.cpu }));
}

/** True when every locked package meant for this platform is installed at its locked version. */
function upToDate() {
  const locked = lockedPackages(join(here, 'package-lock.json')) ?? [];
  const installed = new Map((lockedPackages(join(here, 'node_modules', '.package-lock.json')) ?? []).map((entry) => [entry.path, entry.version]));
  const fits = (field, value) => field === undefined || [field].flat().includes(value);
  return locked
    .filter((entry) => fits(entry.os, process.platform) && fits(entry.cpu, process.arch))
    .every((entry) => installed.get(entry.path) === entry.version && existsSync(join(here, entry.path, 'package.json')));
}

function npm(args) {
  // The npm that runs this script (npm_execpath) when there is one, so the same version installs here.
  const cli = process.env.npm_execpath;
  const [command, prefix] = cli && cli.endsWith('.js') ? [process.execPath, [cli]] : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
  const env = { ...process.env };
  // The outer install's own settings (a global prefix, --omit) are not this one's.
  for (const key of Object.keys(env)) if (/^npm_config_(global|prefix|omit|include|location)$/i.test(key)) delete env[key];
  return spawnSync(command, [...prefix, ...args], { cwd: here, env, stdio: 'inherit', shell: command.endsWith('.cmd') });
}

function main() {
  if (!explicit && omitted()) return;
  if (upToDate()) return;
  const result = npm(['ci', '--no-audit', '--no-fund', '--loglevel=error']);
  if (result.status !== 0) {
    console.warn(`node-runtimes: installing the functions' Node binaries failed (${result.error?.message ?? `exit ${result.status}`}); functions will run on the local Node. Retry with: npm run runtimes`);
  }
}

main();
