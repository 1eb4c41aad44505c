/**
 * Every function of both stacks built as `sam build` builds it (test/templates/samBuild.ts: the esbuild CLI with
 * the template's BuildProperties), its size, and its cold start: a fresh process of the Node its Runtime names
 * (local/lambda/node-runtime.ts) requiring the bundle, against the same for an empty module. Each with the
 * function's deployed environment (NODE_OPTIONS as the template sets it) and without NODE_OPTIONS, so the cost
 * of --enable-source-maps shows.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { System } from '../local/template/system';
import { resolveNodeRuntime } from '../local/lambda/node-runtime';
import type { FunctionSpec } from '../test/templates/model';
import { buildAsSam, lambdaEnvironment, unusedCodecInputs, type BuiltFunction } from '../test/templates/samBuild';
import { measureLoad, type LoadSample } from './coldStart';
import { median, round, summarize, type Summary } from './stats';

export interface FunctionBundle {
  function: string;
  runtime: string;
  node: string;
  buildMs: number;
  bundleBytes: number;
  bundleGzipBytes: number;
  sourceMapBytes: number;
  usesDynamoDb: boolean;
  /** Bytes of unused codecs in the bundle (0 = none). */
  unusedCodecBytes: number;
  topPackages: Record<string, number>;
  /** Cold start, ms: spawn → module loaded → exit (wall), and the require alone, with and without NODE_OPTIONS. */
  coldStart: { deployed: Summary; plain: Summary; requireDeployedMs: number; requirePlainMs: number };
}

export interface BundleBench {
  functions: FunctionBundle[];
  /** Empty module's cold start on each Node used, ms (wall p50), deployed env and plain. */
  emptyModule: Record<string, { deployed: number; plain: number }>;
}

interface Built {
  fn: FunctionSpec;
  out: BuiltFunction;
  buildMs: number;
  env: Record<string, string>;
  execPath: string;
  node: string;
}

function withoutNodeOptions(env: Record<string, string>): Record<string, string> {
  const copy = { ...env };
  delete copy.NODE_OPTIONS;
  return copy;
}

async function buildAll(functions: readonly FunctionSpec[], system: System, outRoot: string): Promise<Built[]> {
  const built: Built[] = [];
  for (const fn of functions) {
    const started = performance.now();
    const out = await buildAsSam(fn, outRoot);
    const buildMs = performance.now() - started;
    const resolved = system[fn.stack].resources[fn.logicalId];
    const variables = Object.fromEntries(Object.entries(((resolved?.properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables) ?? {}).map(([k, v]) => [k, String(v)]));
    const runtime = resolveNodeRuntime(String(fn.properties.Runtime ?? ''));
    built.push({ fn, out, buildMs, env: lambdaEnvironment(fn, variables, system.region, out.artifactsDir), execPath: runtime.execPath, node: runtime.version });
    if (out.samBuildProblems.length) console.warn(`note: ${fn.logicalId}: ${out.samBuildProblems.join('; ')}`);
  }
  return built;
}

type Target = { key: string; file: string; env: Record<string, string>; cwd: string; execPath: string };

/** Round-robin over every target so that drift on a shared machine hits all of them alike. */
async function sample(targets: readonly Target[], runs: number): Promise<Map<string, LoadSample[]>> {
  const samples = new Map<string, LoadSample[]>(targets.map((t) => [t.key, []]));
  for (const t of targets) await measureLoad(t.file, t.env, t.cwd, t.execPath); // warm the file cache once
  for (let run = 0; run < runs; run++) {
    for (const t of targets) samples.get(t.key)!.push(await measureLoad(t.file, t.env, t.cwd, t.execPath));
  }
  return samples;
}

export async function benchBundles(functions: readonly FunctionSpec[], system: System, outRoot: string, runs: number): Promise<BundleBench> {
  const built = await buildAll(functions, system, outRoot);
  const emptyFile = join(outRoot, 'empty.js');
  writeFileSync(emptyFile, '');
  const nodes = new Map(built.map((b) => [b.execPath, b]));
  const targets: Target[] = [
    ...[...nodes.values()].flatMap((b) => [
      { key: `empty|${b.execPath}|deployed`, file: emptyFile, env: b.env, cwd: outRoot, execPath: b.execPath },
      { key: `empty|${b.execPath}|plain`, file: emptyFile, env: withoutNodeOptions(b.env), cwd: outRoot, execPath: b.execPath },
    ]),
    ...built.flatMap((b) => [
      { key: `${b.fn.stack}/${b.fn.logicalId}|deployed`, file: b.out.handlerFile, env: b.env, cwd: b.out.artifactsDir, execPath: b.execPath },
      { key: `${b.fn.stack}/${b.fn.logicalId}|plain`, file: b.out.handlerFile, env: withoutNodeOptions(b.env), cwd: b.out.artifactsDir, execPath: b.execPath },
    ]),
  ];
  const samples = await sample(targets, runs);
  const wall = (key: string) => samples.get(key)!.map((s) => s.wallMs);
  const load = (key: string) => round(median(samples.get(key)!.map((s) => s.loadMs)));
  const emptyModule = Object.fromEntries([...nodes.values()].map((b) => [b.node, { deployed: round(median(wall(`empty|${b.execPath}|deployed`))), plain: round(median(wall(`empty|${b.execPath}|plain`))) }]));

  const reports = built.map(({ fn, out, buildMs, node }): FunctionBundle => {
    const name = `${fn.stack}/${fn.logicalId}`;
    const js = readFileSync(out.handlerFile);
    let sourceMapBytes = 0;
    try { sourceMapBytes = statSync(`${out.handlerFile}.map`).size; } catch { /* no source map */ }
    return {
      function: name,
      runtime: String(fn.properties.Runtime ?? ''),
      node,
      buildMs: round(buildMs, 0),
      bundleBytes: js.length,
      bundleGzipBytes: gzipSync(js).length,
      sourceMapBytes,
      usesDynamoDb: '@aws-sdk/client-dynamodb' in out.composition,
      unusedCodecBytes: Object.values(unusedCodecInputs(out)).reduce((sum, bytes) => sum + bytes, 0),
      topPackages: Object.fromEntries(Object.entries(out.composition).sort((a, b) => b[1] - a[1]).slice(0, 5)),
      coldStart: { deployed: summarize(wall(`${name}|deployed`)), plain: summarize(wall(`${name}|plain`)), requireDeployedMs: load(`${name}|deployed`), requirePlainMs: load(`${name}|plain`) },
    };
  });
  return { functions: reports, emptyModule };
}
