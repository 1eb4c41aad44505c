/**
 * npm run bench — numbers only, no assertions beyond "it ran".
 *  (a) bundle size of every function of both stacks, built as `sam build` would (minified; bytes and gzip);
 *  (b) cold-start module-load cost of each bundle: median over BENCH_RUNS fresh Node processes of the time
 *      `require(bundle)` takes (timed inside the child), against an empty module, both with the function's
 *      deployed environment (NODE_OPTIONS=--enable-source-maps) and without source maps;
 *  (c) the local twin: ready time, p50/p95 of GET /me and GET /links, and each function's peak memory.
 * Prints tables and writes reports/bench.json.
 *
 * BENCH_RUNS (default 20) processes per bundle and mode, BENCH_REQUESTS (default 200) requests per route,
 * BENCH_TWIN=0 to leave the twin out.
 */
// Functions run on nodejs24.x; the SDK notice about local Node 20 is noise in a benchmark table.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { loadSystem } from '../local/template/system';
import { listFunctions, ROOT, type FunctionSpec } from '../test/templates/model';
import { buildAsSam, lambdaEnvironment, type BuiltFunction } from '../test/templates/samBuild';
import { measureLoad, type LoadSample } from './coldStart';
import { median, round, summarize, table, type Summary } from './stats';
import { benchTwin, type TwinBenchResult } from './twin';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const WITH_TWIN = process.env.BENCH_TWIN !== '0';

interface FunctionReport {
  function: string;
  handler: string;
  buildMs: number;
  bundleBytes: number;
  bundleGzipBytes: number;
  sourceMapBytes: number;
  /** Largest contributors to the bundle, bytes. */
  topPackages: Record<string, number>;
  /** Medians over RUNS processes, ms. */
  load: { deployed: Summary; noSourceMaps: Summary; deployedNetMs: number; noSourceMapsNetMs: number; readyMedianMs: number };
}

function envWithout(env: Record<string, string>, key: string): Record<string, string> {
  const copy = { ...env };
  delete copy[key];
  return copy;
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const outRoot = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
  // AutoConfirm on so the conditional PreSignUp function is measured too.
  const system = loadSystem({ rootDir: ROOT, authParameters: { AllowSelfSignUp: 'true', AutoConfirmSelfSignUp: 'true' } });
  const functions = listFunctions();
  console.log(`bench: ${functions.length} functions, ${RUNS} cold processes per bundle and mode, node ${process.version}, ${cpus().length} CPU(s)\n`);

  try {
    // (a) build and size
    const built: { fn: FunctionSpec; out: BuiltFunction; buildMs: number; env: Record<string, string> }[] = [];
    for (const fn of functions) {
      const t0 = performance.now();
      const out = await buildAsSam(fn, outRoot);
      const buildMs = performance.now() - t0;
      const resolved = system[fn.stack].resources[fn.logicalId];
      const variables = Object.fromEntries(Object.entries(((resolved?.properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables) ?? {}).map(([k, v]) => [k, String(v)]));
      built.push({ fn, out, buildMs, env: lambdaEnvironment(fn, variables, system.region, out.artifactsDir) });
      if (out.samBuildProblems.length) console.warn(`note: ${fn.logicalId}: ${out.samBuildProblems.join('; ')}`);
    }

    // (b) cold module load: round-robin over targets so drift hits all of them alike
    const baselineFile = join(outRoot, 'empty.js');
    writeFileSync(baselineFile, '');
    const baseEnv = built[0]?.env ?? { PATH: process.env.PATH ?? '' };
    type Target = { key: string; file: string; env: Record<string, string>; cwd: string };
    const targets: Target[] = [
      { key: 'baseline|deployed', file: baselineFile, env: baseEnv, cwd: outRoot },
      { key: 'baseline|plain', file: baselineFile, env: envWithout(baseEnv, 'NODE_OPTIONS'), cwd: outRoot },
      ...built.flatMap(({ fn, out, env }) => [
        { key: `${fn.logicalId}|deployed`, file: out.handlerFile, env, cwd: out.artifactsDir },
        { key: `${fn.logicalId}|plain`, file: out.handlerFile, env: envWithout(env, 'NODE_OPTIONS'), cwd: out.artifactsDir },
      ]),
    ];
    const samples = new Map<string, LoadSample[]>(targets.map((t) => [t.key, []]));
    for (const t of targets) await measureLoad(t.file, t.env, t.cwd); // warm the file cache once
    for (let run = 0; run < RUNS; run++) {
      for (const t of targets) samples.get(t.key)!.push(await measureLoad(t.file, t.env, t.cwd));
    }
    const loads = (key: string) => samples.get(key)!.map((s) => s.loadMs);
    const baselineDeployed = median(loads('baseline|deployed'));
    const baselinePlain = median(loads('baseline|plain'));

    const reports: FunctionReport[] = built.map(({ fn, out, buildMs }) => {
      const js = readFileSync(out.handlerFile);
      const mapFile = `${out.handlerFile}.map`;
      const deployed = summarize(loads(`${fn.logicalId}|deployed`));
      const plain = summarize(loads(`${fn.logicalId}|plain`));
      let sourceMapBytes = 0;
      try { sourceMapBytes = statSync(mapFile).size; } catch { /* no source map */ }
      return {
        function: `${fn.stack}/${fn.logicalId}`,
        handler: fn.handler,
        buildMs: round(buildMs, 0),
        bundleBytes: js.length,
        bundleGzipBytes: gzipSync(js).length,
        sourceMapBytes,
        topPackages: Object.fromEntries(Object.entries(out.composition).sort((a, b) => b[1] - a[1]).slice(0, 5)),
        load: {
          deployed,
          noSourceMaps: plain,
          deployedNetMs: round(deployed.p50 - baselineDeployed),
          noSourceMapsNetMs: round(plain.p50 - baselinePlain),
          readyMedianMs: round(median(samples.get(`${fn.logicalId}|deployed`)!.map((s) => s.readyMs))),
        },
      };
    });

    console.log('(a) bundles (as sam build: esbuild --bundle --platform=node --format=cjs + BuildProperties)');
    console.log(table(
      ['function', 'bundle bytes', 'gzip bytes', 'map bytes', 'build ms', 'largest parts (KiB)'],
      reports.map((r) => [r.function, r.bundleBytes, r.bundleGzipBytes, r.sourceMapBytes, r.buildMs,
        Object.entries(r.topPackages).slice(0, 3).map(([p, b]) => `${p} ${(b / 1024).toFixed(b < 10_240 ? 1 : 0)}`).join(', ')]),
    ));
    console.log(`\n(b) cold module load, ms — median of ${RUNS} fresh processes each; "net" = minus the empty-module baseline`);
    console.log(`    baseline (empty module): ${round(baselineDeployed)} ms with --enable-source-maps, ${round(baselinePlain)} ms without`);
    console.log(table(
      ['function', 'load p50 (deployed env)', 'net', 'p95', 'load p50 (no source maps)', 'net', 'process start→loaded p50'],
      reports.map((r) => [r.function, r.load.deployed.p50, r.load.deployedNetMs, r.load.deployed.p95, r.load.noSourceMaps.p50, r.load.noSourceMapsNetMs, r.load.readyMedianMs]),
    ));

    // (c) twin
    let twin: TwinBenchResult = { status: 'skipped', reason: 'BENCH_TWIN=0' };
    if (WITH_TWIN) twin = await benchTwin(ROOT, REQUESTS);
    console.log('\n(c) local twin');
    if (twin.status === 'skipped') {
      console.log(`    skipped: ${twin.reason}`);
    } else {
      console.log(`    ready in ${round(twin.startWallMs, 0)} ms (wall, incl. its DynamoDB Local); twin reports readyMs=${twin.reportedReadyMs}; seeded ${twin.seededLinks} links`);
      console.log(table(
        ['route', 'first request ms', `p50 ms (n=${twin.requests})`, 'p95 ms', 'max ms'],
        Object.entries(twin.latencyMs).map(([route, s]) => [route, round(twin.firstRequestMs[route] ?? Number.NaN), s.p50, s.p95, s.max]),
      ));
      if (twin.errors.length) console.log(`    non-2xx seen: ${twin.errors.join(', ')}`);
      const memory = Object.entries(twin.maxMemoryMb).map(([fn, mb]) => `${fn} ${mb} MB`).join(', ');
      console.log(`    max memory used (Node ${process.versions.node}; Lambda MemorySize 256 MB): ${memory || 'no REPORT lines seen'}`);
    }

    const report = {
      startedAt,
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
      cpus: cpus().length,
      runs: RUNS,
      note: 'Local machine numbers (Node here, not the nodejs24.x arm64 Lambda runtime): compare bundles with each other and over time, not with AWS.',
      baselineLoadMs: { deployed: round(baselineDeployed), noSourceMaps: round(baselinePlain) },
      functions: reports,
      twin,
    };
    const reportFile = join(ROOT, 'reports', 'bench.json');
    mkdirSync(join(ROOT, 'reports'), { recursive: true });
    writeFileSync(reportFile, JSON.stringify(report, null, 2) + '\n');
    console.log(`\nwrote ${relative(process.cwd(), reportFile) || reportFile}`);
  } finally {
    rmSync(outRoot, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
