import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSystem } from '../../local/template/system';
import { buildProperties, listFunctions, ROOT, type FunctionSpec } from './model';
import { buildAsSam, lambdaEnvironment, unusedCodecInputs } from './samBuild';
import { run } from '../support/tools';

/**
 * Every function of both stacks (conditional ones too) is bundled as `sam build` would bundle it, into a
 * directory outside the project (so nothing unbundled can be resolved from node_modules), and loaded by a fresh
 * Node process with the function's environment: the module must load and export the function named in Handler.
 * Written from the templates alone: a new function is covered without touching this file, a missing entry fails.
 */

// AutoConfirm on, so the PreSignUp function (behind a Condition) resolves too.
const system = loadSystem({ rootDir: ROOT, authParameters: { AllowSelfSignUp: 'true', AutoConfirmSelfSignUp: 'true' } });
const functions = listFunctions();

/** Loads the bundle as the Node.js runtime would (require, or import for ESM) and describes the export. */
const LOADER = `
const [file, name] = process.argv.slice(1);
const load = file.endsWith('.mjs') ? import(require('node:url').pathToFileURL(file).href) : Promise.resolve().then(() => require(file));
load.then(
  (m) => { process.stdout.write(JSON.stringify({ type: typeof m[name], exports: Object.keys(m) })); process.exit(0); },
  (e) => { process.stdout.write(JSON.stringify({ error: String((e && e.stack) || e) })); process.exit(0); },
);`;

function variablesOf(fn: FunctionSpec): Record<string, string> {
  const resolved = system[fn.stack].resources[fn.logicalId];
  if (!resolved) throw new Error(`${fn.stack}/${fn.logicalId} did not resolve (condition false?)`);
  const env = (resolved.properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
}

describe('bundles built as sam build would build them', () => {
  let outRoot = '';
  beforeAll(() => { outRoot = mkdtempSync(join(tmpdir(), 'sam-bundles-')); });
  afterAll(() => { if (outRoot) rmSync(outRoot, { recursive: true, force: true }); });

  test('the templates declare functions', () => {
    expect(functions.length).toBeGreaterThan(0);
  });

  test.each(functions.map((fn) => [`${fn.stack}/${fn.logicalId} (${fn.handler})`, fn] as const))('%s bundles, loads in Node and exports its handler', async (_, fn) => {
    const built = await buildAsSam(fn, outRoot);
    // What sam build would trip over although this build succeeded.
    expect(built.samBuildProblems).toEqual([]);
    // Minify/Sourcemap/Target reached esbuild.
    const props = buildProperties(fn);
    if (props.Minify === true) expect(built.args).toContain('--minify');
    if (props.Sourcemap === true) expect(existsSync(`${built.handlerFile}.map`)).toBe(true);
    if (props.Target !== undefined) expect(built.args).toContain(`--target=${String(props.Target)}`);
    // Only what the function runs: no other protocol's codecs or browser parser beside the DynamoDB client.
    if ('@aws-sdk/client-dynamodb' in built.composition) expect(unusedCodecInputs(built)).toEqual({});

    const env = lambdaEnvironment(fn, variablesOf(fn), system.region, built.artifactsDir);
    const result = await run(process.execPath, ['-e', LOADER, built.handlerFile, fn.handlerExport], { cwd: built.artifactsDir, env, timeoutMs: 30_000 });
    if (result.code !== 0) throw new Error(`node exited ${result.code}: ${result.stderr}`);
    const loaded = JSON.parse(result.stdout) as { type?: string; exports?: string[]; error?: string };
    if (loaded.error) throw new Error(`${fn.handler}: the bundle does not load:\n${loaded.error}`);
    expect({ handler: fn.handler, type: loaded.type, exports: loaded.exports }).toEqual({ handler: fn.handler, type: 'function', exports: expect.arrayContaining([fn.handlerExport]) });
  }, 90_000);
});
