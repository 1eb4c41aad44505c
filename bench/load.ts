import { runChild } from './child';

/**
 * A small load generator in its own Node process, so its CPU is not taken from the event loop it measures
 * (the twin runs in the bench's process). Plain JavaScript given to `node -e`; the spec travels as JSON on
 * argv. Modes:
 *  - `http`: `connections` keep-alive connections, each sending the request back to back for `durationMs`
 *    (after `warmupMs` not counted);
 *  - `burst`: `connections` requests at once, one per fresh connection, each timed (cold bursts);
 *  - `getitem`: the AWS SDK's DynamoDBClient sending the GetItem a function sends (same item, consistent read)
 *    over `connections` sockets straight to DynamoDB Local: the baseline the twin is compared with.
 */
const CHILD = `
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const spec = JSON.parse(process.argv[1]);
const statuses = {};
const latencies = [];
let counting = false;
const record = (status, ms) => {
  if (!counting) return;
  statuses[status] = (statuses[status] || 0) + 1;
  latencies.push(ms);
};

function httpOnce(agent) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request(spec.url, { method: spec.method, headers: spec.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => { record(res.statusCode, performance.now() - started); resolve(); });
      res.on('error', () => { record('error', performance.now() - started); resolve(); });
    });
    req.on('error', () => { record('error', performance.now() - started); resolve(); });
    req.end(spec.body);
  });
}

function sender() {
  if (spec.mode !== 'getitem') {
    const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
    return { send: () => httpOnce(agent), close: () => agent.destroy() };
  }
  const { DynamoDBClient, GetItemCommand } = require('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({
    region: spec.region, endpoint: spec.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: { httpAgent: new http.Agent({ keepAlive: true, maxSockets: spec.connections }) },
  });
  // As the function reads it (src/links/service.ts): strongly consistent.
  const command = () => new GetItemCommand({ TableName: spec.table, Key: spec.key, ConsistentRead: true });
  const send = () => {
    const started = performance.now();
    return client.send(command()).then(
      (out) => record(out.Item ? 200 : 404, performance.now() - started),
      (error) => record(error.name || 'error', performance.now() - started),
    );
  };
  return { send, close: () => client.destroy() };
}

async function main() {
  if (spec.mode === 'burst') {
    counting = true;
    const started = performance.now();
    await Promise.all(Array.from({ length: spec.connections }, () => httpOnce(new http.Agent({ keepAlive: false }))));
    return { wallMs: performance.now() - started };
  }
  const { send, close } = sender();
  const warmupEnd = performance.now() + spec.warmupMs;
  const end = warmupEnd + spec.durationMs;
  let measuredFrom = 0;
  const loop = async () => {
    while (performance.now() < end) {
      if (!counting && performance.now() >= warmupEnd) { counting = true; measuredFrom = performance.now(); }
      await send();
    }
  };
  await Promise.all(Array.from({ length: spec.connections }, loop));
  const wallMs = performance.now() - (measuredFrom || warmupEnd);
  close();
  return { wallMs };
}

/** Nearest-rank percentiles here: the raw sample can be far bigger than a pipe write. */
function percentiles(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (p) => sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))];
  return { n: sorted.length, min: at(0), p50: at(50), p95: at(95), p99: at(99), max: sorted.length ? sorted[sorted.length - 1] : null };
}

main().then(({ wallMs }) => {
  process.stdout.write(JSON.stringify({ statuses, latencyMs: percentiles(latencies), wallMs }), () => process.exit(0));
}, (error) => { process.stderr.write(String(error && error.stack || error), () => process.exit(1)); });`;

export interface LoadSpec {
  mode: 'http' | 'burst' | 'getitem';
  url: string;
  connections: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  durationMs?: number;
  warmupMs?: number;
  /** getitem only */
  region?: string;
  table?: string;
  key?: Record<string, unknown>;
}

export interface Latencies {
  n: number;
  min: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface LoadResult {
  /** Responses by status code (or error name), measured phase only. */
  statuses: Record<string, number>;
  latencyMs: Latencies;
  wallMs: number;
  /** Responses per second in the measured phase. */
  rate: number;
}

/** Runs one load in a child process, from `cwd` (the project root, where the SDK resolves). */
export async function runLoad(spec: LoadSpec, cwd: string): Promise<LoadResult> {
  const full = { method: 'GET', headers: {}, durationMs: 5_000, warmupMs: 1_000, ...spec };
  const { stdout, stderr } = await runChild('load generator', process.execPath, ['-e', CHILD, JSON.stringify(full)], { cwd });
  try {
    const parsed = JSON.parse(stdout) as Omit<LoadResult, 'rate'>;
    return { ...parsed, rate: parsed.latencyMs.n / (parsed.wallMs / 1000) };
  } catch {
    throw new Error(`load generator printed no result: ${stdout.slice(0, 200)}${stderr.slice(0, 200)}`);
  }
}

/** How many answers had this status (numbers and error names alike). */
export const countOf = (result: LoadResult, status: number | string): number => result.statuses[String(status)] ?? 0;
