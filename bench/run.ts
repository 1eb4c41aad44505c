/**
 * npm run bench — numbers only, no assertions beyond "it ran"; one run, figures side by side with their targets:
 *  (a) bundle size of every function of both stacks, built as `sam build` would (minified; bytes and gzip), and
 *      whether unused codecs (CBOR, XML, query protocol, bowser) are in the DynamoDB functions;
 *  (b) cold start of each bundle on the Node its Runtime names: median wall time of BENCH_RUNS fresh processes
 *      (spawn → require(bundle) → exit) against an empty module, with the deployed NODE_OPTIONS and without;
 *  (c) the local twin (bench/twin.ts): ready time, a cold burst of 32, authorized GET vs raw DynamoDB Local
 *      GetItem at BENCH_CONNECTIONS, InitiateAuth and token endpoint rates, peak memory per function.
 * Prints tables and a summary of every target, and writes reports/bench.json (and the twin's console, as
 * `npm start` prints it by default, to reports/bench-twin.log).
 *
 * BENCH_RUNS (default 10) processes per bundle and mode, BENCH_SECONDS (default 6) per load, BENCH_CONNECTIONS
 * (default 32), BENCH_TWIN=0 / BENCH_BUNDLES=0 to leave the twin / (a) and (b) out, BENCH_LOG_FORMAT=json to log
 * as `--log-format json`.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadSystem } from '../local/template/system';
import { createLogSink } from '../local/lambda/log-sink';
import type { LogFormat } from '../local/lambda/log-format';
import { listFunctions, ROOT } from '../test/templates/model';
import { benchBundles, type BundleBench } from './bundles';
import { round, table } from './stats';
import { benchTwin, type TwinBenchResult } from './twin';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WITH_TWIN = process.env.BENCH_TWIN !== '0';
const WITH_BUNDLES = process.env.BENCH_BUNDLES !== '0';
const LOG_FORMAT = (process.env.BENCH_LOG_FORMAT ?? 'compact') as LogFormat;

/** The issue's targets (this machine, ratios from one run). */
export const TARGETS = {
  getVsGetItem: 0.7,
  initiateAuthPerSecond: 100,
  coldBurst502: 0,
  dynamoBundleBytes: 400_000,
  coldStartVsEmpty: 4,
} as const;

interface SummaryRow {
  figure: string;
  measured: string;
  target: string;
  ok: boolean | undefined;
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(0)} KB`;

function printBundles(bench: BundleBench): void {
  console.log('(a) bundles (as sam build: esbuild --bundle --platform=node + BuildProperties)');
  console.log(table(
    ['function', 'bundle bytes', 'gzip bytes', 'map bytes', 'unused codecs', 'build ms', 'largest parts (KB)'],
    bench.functions.map((f) => [f.function, f.bundleBytes, f.bundleGzipBytes, f.sourceMapBytes, f.unusedCodecBytes, f.buildMs,
      Object.entries(f.topPackages).slice(0, 3).map(([p, b]) => `${p} ${(b / 1000).toFixed(0)}`).join(', ')]),
  ));
  console.log(`\n(b) cold start, ms: median of ${RUNS} fresh processes, spawn → require(bundle) → exit, on the runtime's Node`);
  for (const [node, empty] of Object.entries(bench.emptyModule)) {
    console.log(`    empty module on Node ${node}: ${empty.deployed} ms with the deployed NODE_OPTIONS, ${empty.plain} ms without`);
  }
  console.log(table(
    ['function', 'node', 'deployed p50', '× empty', 'p95', 'require ms', 'no NODE_OPTIONS p50', '× empty', 'require ms'],
    bench.functions.map((f) => {
      const empty = bench.emptyModule[f.node]!;
      return [f.function, f.node, f.coldStart.deployed.p50, round(f.coldStart.deployed.p50 / empty.deployed), f.coldStart.deployed.p95, f.coldStart.requireDeployedMs,
        f.coldStart.plain.p50, round(f.coldStart.plain.p50 / empty.plain), f.coldStart.requirePlainMs];
    }),
  ));
}

function printTwin(twin: TwinBenchResult): void {
  console.log('\n(c) local twin');
  if (twin.status === 'skipped') {
    console.log(`    skipped: ${twin.reason}`);
    return;
  }
  console.log(`    ready in ${round(twin.startWallMs, 0)} ms (wall, incl. its DynamoDB Local); twin reports readyMs=${twin.reportedReadyMs}`);
  const burst = twin.coldBurst;
  console.log(`    cold burst of ${burst.size} GET /links/{id}: ${Object.entries(burst.statuses).map(([s, n]) => `${n} × ${s}`).join(', ')}; p50 ${burst.latencyMs.p50} ms, max ${burst.latencyMs.max} ms`);
  const rows = [
    ['authorized GET /links/{id} (twin)', twin.authorizedGet],
    ['GetItem straight to DynamoDB Local (SDK)', twin.rawGetItem],
    ['authorized GET /links/{id}, one connection', twin.singleConnection.authorizedGet],
    ['GetItem straight to DynamoDB Local, one connection', twin.singleConnection.rawGetItem],
    ['InitiateAuth USER_PASSWORD_AUTH', twin.initiateAuth],
    ['token endpoint client_credentials', twin.tokenEndpoint],
  ] as const;
  console.log(table(
    ['load', 'connections', 'req/s', 'p50 ms', 'p95 ms', 'max ms', 'non-200'],
    rows.map(([name, f]) => [name, f.connections, f.rate, f.latencyMs.p50 ?? Number.NaN, f.latencyMs.p95 ?? Number.NaN, f.latencyMs.max ?? Number.NaN,
      Object.entries(f.statuses).filter(([s]) => s !== '200').map(([s, n]) => `${n} × ${s}`).join(', ') || '-']),
  ));
  const cpu = twin.cpuMsPerRequest;
  if (cpu.authorizedGet && cpu.rawGetItem) {
    console.log('    CPU ms per request by part (user + system; rest = load generator and kernel):');
    const parts = [...new Set([...Object.keys(cpu.authorizedGet), ...Object.keys(cpu.rawGetItem)])];
    const total = (row: Record<string, number>) => round(Object.values(row).reduce((sum, ms) => sum + ms, 0));
    console.log(table(['load', ...parts, 'total'], [
      ['authorized GET (twin)', ...parts.map((p) => cpu.authorizedGet![p] ?? 0), total(cpu.authorizedGet)],
      ['raw GetItem', ...parts.map((p) => cpu.rawGetItem![p] ?? 0), total(cpu.rawGetItem)],
    ]));
  }
  const memory = Object.entries(twin.maxMemoryMb).map(([fn, mb]) => `${fn} ${mb} MB`).join(', ');
  console.log(`    max memory used: ${memory || 'no REPORT lines seen'}; execution environments alive at the end: ${twin.environmentsLeft ?? '?'}`);
  if (twin.errors.length) console.log(`    non-200 seen: ${twin.errors.join('; ')}`);
}

function summaryRows(bundles: BundleBench | undefined, twin: TwinBenchResult): SummaryRow[] {
  const rows = bundles ? bundleRows(bundles) : [];
  if (twin.status !== 'ran') return [...rows, { figure: 'twin', measured: twin.reason, target: '-', ok: undefined }];
  const ratio = twin.authorizedGet.rate / twin.rawGetItem.rate;
  return [
    ...rows,
    { figure: 'ready time', measured: `${round(twin.startWallMs, 0)} ms`, target: '-', ok: undefined },
    { figure: `cold burst of ${twin.coldBurst.size}: 502s`, measured: String(twin.coldBurst.count502), target: String(TARGETS.coldBurst502), ok: twin.coldBurst.count502 <= TARGETS.coldBurst502 },
    { figure: `authorized GET vs raw GetItem (${CONNECTIONS} conns)`, measured: `${round(ratio)}× (${twin.authorizedGet.rate} vs ${twin.rawGetItem.rate} req/s)`, target: `≥ ${TARGETS.getVsGetItem}×`, ok: ratio >= TARGETS.getVsGetItem },
    ...cpuRows(twin),
    { figure: 'twin latency over raw GetItem (1 conn, p50)', measured: `+${twin.singleConnection.addedP50Ms} ms (${twin.singleConnection.authorizedGet.latencyMs.p50} vs ${twin.singleConnection.rawGetItem.latencyMs.p50} ms)`, target: '-', ok: undefined },
    { figure: 'InitiateAuth', measured: `${twin.initiateAuth.rate} req/s`, target: `≥ ${TARGETS.initiateAuthPerSecond} req/s`, ok: twin.initiateAuth.rate >= TARGETS.initiateAuthPerSecond },
    { figure: 'token endpoint (client_credentials)', measured: `${twin.tokenEndpoint.rate} req/s`, target: '-', ok: undefined },
  ];
}

/**
 * On a machine whose CPUs the loads saturate, throughput goes as 1 / CPU per request. So the GET's ratio
 * can be no better than raw / (GET - twin): what it would be if the twin itself cost nothing, with the
 * function's own work (its SDK call, Powertools, zod) left as it is.
 */
function cpuRows(twin: Extract<TwinBenchResult, { status: 'ran' }>): SummaryRow[] {
  const { authorizedGet: get, rawGetItem: raw } = twin.cpuMsPerRequest;
  if (!get || !raw) return [];
  const sum = (row: Record<string, number>) => Object.values(row).reduce((total, ms) => total + ms, 0);
  const twinMs = get.twin ?? 0;
  return [
    { figure: 'CPU per request: GET vs raw GetItem', measured: `${round(sum(get))} vs ${round(sum(raw))} ms (functions ${get.functions ?? '?'} ms)`, target: '-', ok: undefined },
    { figure: "twin's own CPU per GET (gateway, authorizer, runner, console)", measured: `${twinMs} ms`, target: '-', ok: undefined },
    { figure: 'GET vs GetItem ceiling if the twin cost nothing', measured: `${round(sum(raw) / (sum(get) - twinMs))}×`, target: '-', ok: undefined },
  ];
}

function bundleRows(bundles: BundleBench): SummaryRow[] {
  const dynamo = bundles.functions.filter((f) => f.usesDynamoDb);
  const largest = Math.max(...dynamo.map((f) => f.bundleBytes));
  const codecs = dynamo.reduce((sum, f) => sum + f.unusedCodecBytes, 0);
  const ratios = bundles.functions.map((f) => ({ f, ratio: f.coldStart.deployed.p50 / bundles.emptyModule[f.node]!.deployed }));
  const worst = ratios.sort((a, b) => b.ratio - a.ratio)[0]!;
  return [
    { figure: 'largest DynamoDB function bundle', measured: `${kb(largest)} (${dynamo.length} functions, ${kb(Math.min(...dynamo.map((f) => f.bundleBytes)))}–${kb(largest)})`, target: `≤ ${kb(TARGETS.dynamoBundleBytes)}`, ok: largest <= TARGETS.dynamoBundleBytes },
    { figure: 'unused codecs in DynamoDB bundles', measured: `${codecs} bytes`, target: '0', ok: codecs === 0 },
    { figure: 'cold start vs empty module (worst)', measured: `${round(worst.ratio)}× (${worst.f.function}, ${worst.f.coldStart.deployed.p50} ms vs ${bundles.emptyModule[worst.f.node]!.deployed} ms, Node ${worst.f.node})`, target: `≤ ${TARGETS.coldStartVsEmpty}×`, ok: worst.ratio <= TARGETS.coldStartVsEmpty },
  ];
}

/** The twin's console as `npm start` prints it, into a file: formatting and writing are part of what is measured. */
function twinConsole(file: string): { log: (line: string) => void; close: () => void } {
  const fd = openSync(file, 'w');
  const sink = createLogSink({ format: LOG_FORMAT, write: (chunk) => void writeSync(fd, chunk) });
  return { log: (line) => sink.log(line), close: () => { sink.flush(); closeSync(fd); } };
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const began = performance.now();
  const outRoot = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
  mkdirSync(join(ROOT, 'reports'), { recursive: true });
  // AutoConfirm on so the conditional PreSignUp function is measured too.
  const system = loadSystem({ rootDir: ROOT, authParameters: { AllowSelfSignUp: 'true', AutoConfirmSelfSignUp: 'true' } });
  const functions = listFunctions();
  console.log(`bench: ${functions.length} functions, ${RUNS} cold processes per bundle and mode, loads of ${SECONDS} s at ${CONNECTIONS} connections; twin on node ${process.version}, ${cpus().length} CPU(s)\n`);
  try {
    const bundles = WITH_BUNDLES ? await benchBundles(functions, system, outRoot, RUNS) : undefined;
    if (bundles) printBundles(bundles);

    let twin: TwinBenchResult = { status: 'skipped', reason: 'BENCH_TWIN=0' };
    const logFile = join(ROOT, 'reports', 'bench-twin.log');
    if (WITH_TWIN) {
      const console_ = twinConsole(logFile);
      try {
        twin = await benchTwin({ rootDir: ROOT, connections: CONNECTIONS, durationMs: SECONDS * 1000, log: console_.log });
      } finally {
        console_.close();
      }
    }
    printTwin(twin);

    const summary = summaryRows(bundles, twin);
    console.log('\nsummary (targets from issue 9)');
    console.log(table(['figure', 'measured', 'target', ''], summary.map((r) => [r.figure, r.measured, r.target, r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED'])));
    const report = {
      startedAt,
      durationS: round((performance.now() - began) / 1000, 0),
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
      cpus: cpus().length,
      runs: RUNS,
      logFormat: LOG_FORMAT,
      note: 'Local machine numbers: compare with each other and over time, not with AWS.',
      targets: TARGETS,
      summary,
      bundles,
      twin,
    };
    const reportFile = join(ROOT, 'reports', 'bench.json');
    writeFileSync(reportFile, JSON.stringify(report, null, 2) + '\n');
    console.log(`\nwrote ${relative(process.cwd(), reportFile) || reportFile}${WITH_TWIN ? ` and ${relative(process.cwd(), logFile)}` : ''} (${report.durationS} s)`);
  } finally {
    rmSync(outRoot, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
