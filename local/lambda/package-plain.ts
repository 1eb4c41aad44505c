import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { BuildResult, InputStamp } from './bundle';
import type { FunctionSpec } from './function-spec';

/** The twin's own package root (local/lambda/ → ../..). */
const TWIN_ROOT = resolve(__dirname, '..', '..');

/** Never copied: dependencies are installed from package.json, as `sam build` does; the rest is not code. */
const SKIPPED = new Set(['node_modules', '.git', '.aws-sam']);

/**
 * Where plain JavaScript functions run from: outside the project, so a `require` finds only what Lambda would
 * find. That is the function's own files, its installed dependencies, and the runtime's SDK. Inside the project,
 * Node would walk up to the project's node_modules and find anything there.
 */
export function isolatedRoot(projectRoot: string, tempBase: string = tmpdir()): string {
  return join(privateTempDir(tempBase), createHash('sha256').update(resolve(projectRoot)).digest('hex').slice(0, 16));
}

/**
 * `<tmp>/sam-twin-<uid>`, this user's own (0700). The temp directory is shared: a name anyone can predict must not
 * be a directory (or a link) someone else made, or they could plant code the functions would run.
 */
function privateTempDir(tempBase: string): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const dir = join(tempBase, `sam-twin-${uid ?? 'user'}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (uid !== undefined && (stat.mode & 0o077) !== 0)) {
    throw new Error(`${dir} is not a private directory of this user (a link, another owner, or open to others): remove it and start again`);
  }
  return dir;
}

/**
 * The runtime's own modules, for NODE_PATH: the AWS SDK v3, which the nodejs18.x and later runtimes include
 * (Lambda "Building Lambda functions with Node.js", runtime-included SDK versions). It is the twin's installed
 * `@aws-sdk` scope, behind a directory of its own under `packagingRoot` (isolatedRoot), so that NODE_PATH exposes
 * nothing else.
 */
export function runtimeModulesDir(packagingRoot: string): string | undefined {
  // The twin's own installation holds the SDK (whatever project's templates it runs).
  const sdk = join(TWIN_ROOT, 'node_modules', '@aws-sdk');
  if (!existsSync(sdk)) return undefined;
  const dir = join(packagingRoot, 'runtime', 'node_modules');
  if (!existsSync(join(dir, '@aws-sdk'))) {
    mkdirSync(dir, { recursive: true });
    try {
      symlinkSync(sdk, join(dir, '@aws-sdk'), 'dir');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return dir;
}

/**
 * A plain JavaScript CodeUri packaged as `sam build` does for nodejs without esbuild: the directory copied
 * (without node_modules) to `outdir`, then, when its package.json has dependencies, `npm install --omit=dev` there.
 * `file:` dependencies are pinned to their place in the sources, which a copy elsewhere would lose. The install
 * is kept while package.json and its lock file stay the same. Never throws: a failure is a result.
 */
export async function packagePlainFunction(spec: FunctionSpec, outdir: string, log: (line: string) => void): Promise<BuildResult> {
  const started = Date.now();
  try {
    if (spec.inlineCode !== undefined) {
      rmSync(outdir, { recursive: true, force: true });
      mkdirSync(outdir, { recursive: true });
      writeFileSync(join(outdir, 'index.js'), spec.inlineCode);
      return { ok: true, taskRoot: outdir, inputs: [], durationMs: Date.now() - started };
    }
    const files = sourceFiles(spec.codeDir);
    const inputs = files.map((path) => stamp(path, started));
    const manifest = join(spec.codeDir, 'package.json');
    const dependencies = existsSync(manifest) ? dependenciesOf(manifest) : {};
    const installKey = Object.keys(dependencies).length > 0 ? installKeyOf(spec.codeDir) : undefined;
    const keptModules = installKey && readIfExists(join(outdir, '.install-key')) === installKey ? join(outdir, 'node_modules') : undefined;
    for (const entry of existsSync(outdir) ? readdirSync(outdir) : []) if (!(keptModules && (entry === 'node_modules' || entry === '.install-key'))) rmSync(join(outdir, entry), { recursive: true, force: true });
    mkdirSync(outdir, { recursive: true });
    for (const path of files) cpSync(path, join(outdir, relative(spec.codeDir, path)), { recursive: false });
    if (installKey && !keptModules) {
      log(`[${spec.logicalId}] npm install --omit=dev (package.json in ${spec.codeDir})`);
      await installDependencies(spec.codeDir, outdir);
      writeFileSync(join(outdir, '.install-key'), installKey);
    }
    return { ok: true, taskRoot: outdir, inputs, durationMs: Date.now() - started };
  } catch (error) {
    return { ok: false, message: `Packaging failed: ${error instanceof Error ? error.message : String(error)}`, durationMs: Date.now() - started };
  }
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

function stamp(path: string, startedMs: number): InputStamp {
  const stat = statSync(path);
  return stat.mtimeMs < startedMs ? { path, mtimeMs: stat.mtimeMs, size: stat.size } : { path, mtimeMs: -1, size: -1 };
}

function dependenciesOf(manifest: string): Record<string, string> {
  const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> };
  return parsed.dependencies ?? {};
}

/** `npm install --omit=dev` of `sourceDir`'s package.json into `targetDir` (its `file:` dependencies pinned to their place). */
export async function installDependencies(sourceDir: string, targetDir: string): Promise<void> {
  writeFileSync(join(targetDir, 'package.json'), JSON.stringify(pinnedManifest(join(sourceDir, 'package.json'), sourceDir), null, 2));
  await npmInstall(targetDir);
}

/** A hash of the manifest and lock files: an install is kept while it stays the same. */
export function installKeyOf(codeDir: string): string {
  const hash = createHash('sha256');
  for (const name of ['package.json', 'package-lock.json', 'npm-shrinkwrap.json']) hash.update(readIfExists(join(codeDir, name)) ?? '');
  return hash.digest('hex');
}

function pinnedManifest(manifest: string, codeDir: string): Record<string, unknown> {
  const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown> & { dependencies?: Record<string, string> };
  const dependencies = Object.fromEntries(
    Object.entries(parsed.dependencies ?? {}).map(([name, spec]) => [name, spec.startsWith('file:') ? `file:${resolve(codeDir, spec.slice(5))}` : spec]),
  );
  const { devDependencies: _dev, ...rest } = parsed;
  return { ...rest, dependencies };
}

function npmInstall(dir: string): Promise<void> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  return new Promise((done, fail) => {
    execFile(npm, ['install', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock', '--install-links'], { cwd: dir, timeout: 300_000, env: { ...process.env, npm_config_loglevel: 'error' } }, (error, _stdout, stderr) => {
      if (error) fail(new Error(`npm install in ${dir} failed: ${stderr.trim() || error.message}`));
      else done();
    });
  });
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

