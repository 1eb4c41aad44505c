/**
 * Builds a function exactly as `sam build` does for `BuildMethod: esbuild` (aws-lambda-builders,
 * nodejs_npm_esbuild): the esbuild CLI, run in the CodeUri directory, with
 *   <EntryPoints…> --bundle --platform=node --outdir=<artifacts> [--target=es2020] [--format=cjs] [--minify]
 *   then the BuildProperties it forwards: --minify/--sourcemap when true; --target= --format= --main-fields=
 *   --sources-content=; --external: --loader: --out-extension: --banner: per list item.
 * (the bracketed defaults only when the template does not set that property). BuildProperties keys reach
 * lambda-builders in snake_case (EntryPoints → entry_points); unknown keys are ignored, as there.
 *
 * Also reported, because `sam build` would fail where a plain local build succeeds:
 *  - modules bundled from outside CodeUri (SAM copies only CodeUri to its scratch directory);
 *  - packages bundled from devDependencies (SAM runs `npm install --production` before bundling).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProperties, entryFile, ROOT, type FunctionSpec } from './model';

const BOOLEAN = ['minify', 'sourcemap'];
const SINGLE = ['target', 'format', 'main_fields', 'sources_content'];
const MULTI = ['external', 'loader', 'out_extension', 'banner'];

export const ESBUILD_BIN = join(ROOT, 'node_modules', '.bin', 'esbuild');

export const snakeCase = (key: string): string => key.replace(/(?<!^)([A-Z])/g, '_$1').toLowerCase();

function pythonStr(value: unknown, where: string): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  throw new Error(`${where}: ${JSON.stringify(value)} is not a value lambda-builders can pass to esbuild`);
}

/** The esbuild argument list lambda-builders computes (without the binary), for one function. */
export function samEsbuildArgs(fn: FunctionSpec, artifactsDir: string): string[] {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(buildProperties(fn))) config[snakeCase(key)] = value;
  const where = `${fn.stack}/${fn.logicalId}`;
  const entries = config.entry_points;
  if (!Array.isArray(entries) || entries.length === 0) throw new Error(`${where}: BuildProperties.EntryPoints must be a non-empty list`);

  const args: string[] = [];
  for (const entry of entries.map(String)) {
    const file = entryFile(fn, entry);
    if (!file) throw new Error(`${where}: entry point ${join(fn.codeDir, entry)} does not exist`);
    args.push(file.slice(fn.codeDir.length + 1));
  }
  args.push('--bundle', '--platform=node', `--outdir=${artifactsDir}`);
  if (!('target' in config)) args.push('--target=es2020');
  if (!('format' in config)) args.push('--format=cjs');
  if (!('minify' in config)) args.push('--minify');
  for (const key of BOOLEAN) if (config[key] === true) args.push(`--${key.replace(/_/g, '-')}`);
  for (const key of SINGLE) if (key in config) args.push(`--${key.replace(/_/g, '-')}=${pythonStr(config[key], `${where} ${key}`)}`);
  for (const key of MULTI) {
    if (!(key in config)) continue;
    const values = config[key];
    if (!Array.isArray(values)) throw new Error(`${where}: BuildProperties ${key} must be a list`);
    for (const value of values) args.push(`--${key.replace(/_/g, '-')}:${pythonStr(value, `${where} ${key}`)}`);
  }
  return args;
}

export interface BuiltFunction {
  fn: FunctionSpec;
  artifactsDir: string;
  /** The file Lambda loads for `Handler` (.js, .mjs or .cjs, as the Node.js runtime tries them). */
  handlerFile: string;
  args: string[];
  /** Source files and packages that went into the bundle (paths relative to CodeUri). */
  inputs: string[];
  /** Reasons `sam build` would not produce this bundle although esbuild here did. */
  samBuildProblems: string[];
  /** Bytes each package (or '(project)' for CodeUri sources) contributes to the handler file. */
  composition: Record<string, number>;
  /** Bytes each input file (path relative to CodeUri) contributes to the output files; 0 = tree-shaken away. */
  inputBytes: Record<string, number>;
}

/**
 * Inputs a DynamoDB function never runs: the other AWS protocols' codecs (CBOR, XML, query) and the browser
 * user-agent parser. They came in through the SDK's CommonJS builds (see MainFields in the templates).
 */
export const UNUSED_CODEC = /[\\/](cbor|xml-builder|xml)[\\/]|[\\/]protocols[\\/](query|xml|cbor)[\\/]|[\\/]bowser[\\/]/i;

/** The inputs of a build matching UNUSED_CODEC that left bytes in its output, with those bytes. */
export function unusedCodecInputs(built: Pick<BuiltFunction, 'inputBytes'>): Record<string, number> {
  return Object.fromEntries(Object.entries(built.inputBytes).filter(([input, bytes]) => bytes > 0 && UNUSED_CODEC.test(input)));
}

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }>;
}

function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return '(project)';
  const rest = input.slice(at + 'node_modules/'.length).split('/');
  return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : String(rest[0]);
}

function exec(command: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    execFile(command, args, { cwd, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) fail(new Error(`esbuild failed for ${args[0]}: ${stderr.trim() || error.message}`));
      else done({ stdout, stderr });
    });
  });
}

export async function buildAsSam(fn: FunctionSpec, outRoot: string): Promise<BuiltFunction> {
  const artifactsDir = join(outRoot, `${fn.stack}-${fn.logicalId}`);
  mkdirSync(artifactsDir, { recursive: true });
  const args = samEsbuildArgs(fn, artifactsDir);
  const metafile = join(outRoot, `${fn.stack}-${fn.logicalId}.meta.json`);
  if (!existsSync(ESBUILD_BIN)) throw new Error(`esbuild not found at ${ESBUILD_BIN} (npm ci)`);
  await exec(ESBUILD_BIN, [...args, `--metafile=${metafile}`, '--log-level=warning'], fn.codeDir);

  const handlerFile = ['.js', '.mjs', '.cjs'].map((ext) => join(artifactsDir, fn.handlerModule + ext)).find((f) => existsSync(f));
  if (!handlerFile) throw new Error(`${fn.stack}/${fn.logicalId}: the build has no ${fn.handlerModule}.js/.mjs/.cjs for Handler ${fn.handler}`);
  const meta = JSON.parse(readFileSync(metafile, 'utf8')) as Metafile;
  const inputs = Object.keys(meta.inputs);
  const composition: Record<string, number> = {};
  const inputBytes: Record<string, number> = {};
  for (const output of Object.values(meta.outputs)) {
    if (!output.entryPoint) continue;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      composition[packageOf(input)] = (composition[packageOf(input)] ?? 0) + bytesInOutput;
      inputBytes[input] = (inputBytes[input] ?? 0) + bytesInOutput;
    }
  }
  return { fn, artifactsDir, handlerFile, args, inputs, samBuildProblems: samBuildProblems(fn, inputs), composition, inputBytes };
}

interface LockFile {
  lockfileVersion?: number;
  packages?: Record<string, { dev?: boolean; link?: boolean }>;
}

function samBuildProblems(fn: FunctionSpec, inputs: string[]): string[] {
  const problems: string[] = [];
  const lockPath = join(fn.codeDir, 'package-lock.json');
  const lock: LockFile | undefined = existsSync(lockPath) ? (JSON.parse(readFileSync(lockPath, 'utf8')) as LockFile) : undefined;
  const reported = new Set<string>();
  for (const input of inputs) {
    const first = input.indexOf('node_modules/');
    if (first < 0) {
      // Project sources must come from inside CodeUri (packages are installed afresh, wherever they resolve here).
      if (input.startsWith('../') || input.startsWith('/')) problems.push(`${input} is outside CodeUri (${fn.codeDir}); sam build copies only CodeUri`);
      continue;
    }
    if (!lock?.packages) continue;
    const fromModules = input.slice(first);
    const at = fromModules.lastIndexOf('node_modules/');
    const rest = fromModules.slice(at + 'node_modules/'.length).split('/');
    const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    const key = `${fromModules.slice(0, at)}node_modules/${name}`;
    if (reported.has(key)) continue;
    reported.add(key);
    const entry = lock.packages[key];
    if (!entry) problems.push(`${key} is bundled but not in package-lock.json; sam build's npm install would not provide it`);
    else if (entry.dev) problems.push(`${key} is a devDependency; sam build installs only production dependencies`);
  }
  return problems;
}

/** Lambda-like environment for loading a bundle: the function's own variables plus what the runtime sets. */
export function lambdaEnvironment(fn: FunctionSpec, variables: Record<string, string>, region: string, taskRoot: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${String(fn.properties.Runtime)}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.logicalId,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.properties.MemorySize ?? 128),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    LAMBDA_TASK_ROOT: taskRoot,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...variables,
  };
}
