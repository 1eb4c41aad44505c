/**
 * Local twin benchmark, in the order a fresh twin meets its load:
 *  1. ready time (startTwin, DynamoDB Local included);
 *  2. a cold burst: 32 simultaneous first calls of GET /links/{id} (status counts, 502s above all);
 *  3. authorized GET /links/{id} at 32 connections, against the same GetItem sent by the AWS SDK straight to
 *     DynamoDB Local at 32 connections (the twin's cost is the gap), both after a warm-up of each, with the CPU
 *     per request of each part (twin, functions, DynamoDB Local, the rest); both again on one connection (latency);
 *  4. InitiateAuth (USER_PASSWORD_AUTH) and the token endpoint (client_credentials) rates;
 *  5. each function's peak memory (REPORT lines) and how many execution environments were left.
 * Loads come from a child process (bench/load.ts); the twin runs here, logging as `npm start` does by default.
 */
import { performance } from 'node:perf_hooks';
import { DescribeTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { startTwin, type Twin } from '../local/twin';
import { LOCAL_CREDENTIALS } from '../local/dynamodb/server';
import { basicAuthorization, cognitoClient, createUserWithPassword, secretHash, signInWithPassword, type UserTokens } from '../scripts/lib/cognito';
import { TWIN_CREDENTIALS } from '../scripts/lib/targets';
import { perRequest, startCpuMeter, type CpuParts } from './cpu';
import { countOf, runLoad, type Latencies, type LoadResult, type LoadSpec } from './load';

/** Each path's unmeasured warm-up load before the GET vs GetItem comparison. */
const WARMUP_MS = 3_000;

export interface RateFigure {
  rate: number;
  statuses: Record<string, number>;
  latencyMs: Latencies;
  connections: number;
}

export type TwinBenchResult =
  | { status: 'skipped'; reason: string }
  | {
      status: 'ran';
      startWallMs: number;
      /** The twin's own readyMs. */
      reportedReadyMs: number;
      coldBurst: { size: number; statuses: Record<string, number>; count502: number; latencyMs: Latencies; wallMs: number };
      authorizedGet: RateFigure;
      rawGetItem: RateFigure;
      /** CPU ms per request by part (bench/cpu.ts) during each of the two loads; undefined off Linux. */
      cpuMsPerRequest: { authorizedGet?: Record<string, number>; rawGetItem?: Record<string, number> };
      /** One connection, one request at a time: what the twin adds to a GetItem's latency (p50). */
      singleConnection: { authorizedGet: RateFigure; rawGetItem: RateFigure; addedP50Ms: number | null };
      initiateAuth: RateFigure;
      tokenEndpoint: RateFigure;
      /** Peak "Max Memory Used" per function over the run, from the runner's Lambda-style REPORT lines. */
      maxMemoryMb: Record<string, number>;
      /** Execution environments alive at the end (warm processes). */
      environmentsLeft: number | undefined;
      errors: string[];
    };

export interface TwinBenchOptions {
  rootDir: string;
  connections: number;
  durationMs: number;
  /** Where the twin's console lines go (the bench passes what `npm start` uses, writing to a file). */
  log: (line: string) => void;
}

/** Lambda's REPORT line: `[Fn] REPORT RequestId: … Max Memory Used: 71 MB …` → the highest value per function. */
export function maxMemoryByFunction(lines: readonly string[]): Record<string, number> {
  const peaks: Record<string, number> = {};
  for (const line of lines) notePeak(peaks, line);
  return peaks;
}

/** The processes of the function runner's execution environments (the local runner has them; the contract does not say). */
function environmentPids(twin: Twin): number[] {
  return (twin.invoker as { pids?: () => number[] }).pids?.() ?? [];
}

function notePeak(peaks: Record<string, number>, line: string): void {
  if (!line.includes(' REPORT ')) return;
  const match = /^\[(\w+)\] REPORT .* Max Memory Used: (\d+) MB/.exec(line);
  if (match) peaks[match[1]!] = Math.max(peaks[match[1]!] ?? 0, Number(match[2]));
}

interface Clients {
  user: { clientId: string; clientSecret?: string; username: string; password: string; tokens: UserTokens };
  m2m: { clientId: string; clientSecret: string };
}

/** A throw-away user of the twin's user client, signed in with USER_PASSWORD_AUTH; the M2M client's credentials. */
async function clientsOf(twin: Twin): Promise<Clients> {
  const { UserPoolId: userPoolId, UserClientId: clientId, M2MClientId: m2mId } = { ...twin.outputs.auth, ...twin.outputs.api };
  if (!userPoolId || !clientId || !m2mId) throw new Error('twin outputs lack UserPoolId / UserClientId / M2MClientId');
  const secrets = twin.outputs.local.ClientSecrets;
  const client = cognitoClient({ region: twin.system.region, endpoint: twin.cognito.url, credentials: TWIN_CREDENTIALS });
  try {
    const user = { userPoolId, username: `bench-${Date.now()}@example.com`, password: 'Bench-Passw0rd!x' };
    await createUserWithPassword(client, user);
    const tokens = await signInWithPassword(client, { clientId, clientSecret: secrets[clientId], ...user });
    return {
      user: { clientId, clientSecret: secrets[clientId], username: user.username, password: user.password, tokens },
      m2m: { clientId: m2mId, clientSecret: secrets[m2mId] ?? '' },
    };
  } finally {
    client.destroy();
  }
}

async function seedLink(base: string, accessToken: string): Promise<string> {
  const response = await fetch(`${base}links`, {
    method: 'POST',
    headers: { authorization: accessToken, 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'https://example.com/bench', title: 'Bench link', tags: ['bench'] }),
  });
  const body = (await response.json()) as { linkId?: string; id?: string };
  const id = body.linkId ?? body.id;
  if (!id) throw new Error(`seed POST /links → ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
  return id;
}

/** The key of the seeded link's own item (the one GET /links/{id} reads), for the raw GetItem baseline. */
async function linkItemKey(endpoint: string, region: string, table: string, linkId: string): Promise<Record<string, unknown>> {
  const client = new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
  try {
    const schema = (await client.send(new DescribeTableCommand({ TableName: table }))).Table?.KeySchema ?? [];
    const items = (await client.send(new ScanCommand({ TableName: table }))).Items ?? [];
    // The link item carries the title; the URL index item only points at the link.
    const item = items.find((candidate) => candidate.linkId?.S === linkId && candidate.title !== undefined);
    if (!item) throw new Error(`no item of link ${linkId} in ${table}`);
    return Object.fromEntries(schema.map(({ AttributeName }) => [AttributeName!, item[AttributeName!]]));
  } finally {
    client.destroy();
  }
}

function rounded(latencies: Latencies): Latencies {
  const r = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);
  return { n: latencies.n, min: r(latencies.min), p50: r(latencies.p50), p95: r(latencies.p95), p99: r(latencies.p99), max: r(latencies.max) };
}

function figure(result: LoadResult, connections: number): RateFigure {
  return { rate: Math.round(result.rate * 10) / 10, statuses: result.statuses, latencyMs: rounded(result.latencyMs), connections };
}

function cognitoCall(twin: Twin, target: string, body: unknown): Pick<LoadSpec, 'url' | 'method' | 'headers' | 'body'> {
  return {
    url: twin.cognito.url,
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${target}` },
    body: JSON.stringify(body),
  };
}

async function measure(twin: Twin, options: TwinBenchOptions, errors: string[]) {
  const { rootDir, connections, durationMs } = options;
  const clients = await clientsOf(twin);
  const base = twin.gateway.stageUrl.replace(/\/?$/, '/');
  const linkId = await seedLink(base, clients.user.tokens.accessToken);
  const getLink = { url: `${base}links/${encodeURIComponent(linkId)}`, headers: { authorization: clients.user.tokens.accessToken } };

  const burst = await runLoad({ mode: 'burst', connections: 32, ...getLink }, rootDir);
  const coldBurst = { size: 32, statuses: burst.statuses, count502: countOf(burst, 502), latencyMs: rounded(burst.latencyMs), wallMs: Math.round(burst.wallMs) };

  const table = twin.outputs.api.TableName ?? '';
  const key = await linkItemKey(twin.dynamodbEndpoint, twin.system.region, table, linkId);
  const rawSpec = { mode: 'getitem', url: twin.dynamodbEndpoint, region: twin.system.region, table, key } as const;
  // DynamoDB Local's JIT warms on whatever load comes first: measured cold, the first of the two loads ran at
  // half its warm rate (350 vs 810 req/s for the GET). Both paths warm up before either is measured.
  await runLoad({ ...rawSpec, connections, durationMs: WARMUP_MS, warmupMs: 0 }, rootDir);
  await runLoad({ mode: 'http', connections, durationMs: WARMUP_MS, warmupMs: 0, ...getLink }, rootDir);
  const parts: CpuParts = {
    twin: () => [process.pid],
    functions: () => environmentPids(twin),
    'DynamoDB Local': () => [twin.dynamodb?.pid()].filter((pid): pid is number => pid !== undefined),
  };
  const measured = async (spec: LoadSpec) => {
    const stop = startCpuMeter(parts);
    const result = await runLoad({ ...spec, connections, durationMs, warmupMs: 0 }, rootDir);
    return { figure: figure(result, connections), cpuMsPerRequest: stop ? perRequest(stop(), result.latencyMs.n) : undefined };
  };
  const get = await measured({ mode: 'http', connections, ...getLink });
  const raw = await measured({ ...rawSpec, connections });
  const authorizedGet = get.figure;
  const rawGetItem = raw.figure;
  const cpuMsPerRequest = { authorizedGet: get.cpuMsPerRequest, rawGetItem: raw.cpuMsPerRequest };
  const single = { durationMs: Math.min(durationMs, 3_000), warmupMs: 500, connections: 1 };
  const getAlone = figure(await runLoad({ mode: 'http', ...single, ...getLink }, rootDir), 1);
  const rawAlone = figure(await runLoad({ ...rawSpec, ...single }, rootDir), 1);
  const added = getAlone.latencyMs.p50 !== null && rawAlone.latencyMs.p50 !== null ? Math.round((getAlone.latencyMs.p50 - rawAlone.latencyMs.p50) * 100) / 100 : null;
  const singleConnection = { authorizedGet: getAlone, rawGetItem: rawAlone, addedP50Ms: added };

  const { user, m2m } = clients;
  const authParameters: Record<string, string> = { USERNAME: user.username, PASSWORD: user.password };
  if (user.clientSecret) authParameters.SECRET_HASH = secretHash(user.username, user.clientId, user.clientSecret);
  const signIn = cognitoCall(twin, 'InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: user.clientId, AuthParameters: authParameters });
  const initiateAuth = figure(await runLoad({ mode: 'http', connections, durationMs, ...signIn }, rootDir), connections);
  const tokenEndpoint = figure(await runLoad({
    mode: 'http', connections, durationMs, url: twin.cognito.tokenUrl, method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuthorization(m2m.clientId, m2m.clientSecret) },
    body: 'grant_type=client_credentials',
  }, rootDir), connections);

  for (const [name, fig] of Object.entries({ coldBurst, authorizedGet, rawGetItem, getAlone, rawAlone, initiateAuth, tokenEndpoint })) {
    const bad = Object.entries(fig.statuses).filter(([status]) => status !== '200');
    if (bad.length > 0) errors.push(`${name}: ${bad.map(([status, n]) => `${n} × ${status}`).join(', ')}`);
  }
  return { coldBurst, authorizedGet, rawGetItem, cpuMsPerRequest, singleConnection, initiateAuth, tokenEndpoint };
}

export async function benchTwin(options: TwinBenchOptions): Promise<TwinBenchResult> {
  const started = performance.now();
  const peaks: Record<string, number> = {};
  const log = (line: string) => {
    notePeak(peaks, line);
    options.log(line);
  };
  let twin: Twin;
  try {
    // The bench measures the twin, not the template's stage throttle (50 rps by default, which the twin enforces).
    const unthrottled = { ThrottlingRateLimit: '100000', ThrottlingBurstLimit: '100000' };
    twin = await startTwin({ rootDir: options.rootDir, apiPort: 0, cognitoPort: 0, apiParameters: unthrottled, log });
  } catch (error) {
    return { status: 'skipped', reason: `startTwin failed: ${(error as Error).message.split('\n')[0]}` };
  }
  const startWallMs = performance.now() - started;
  const errors: string[] = [];
  try {
    const figures = await measure(twin, options, errors);
    const environmentsLeft = environmentPids(twin).length;
    return { status: 'ran', startWallMs, reportedReadyMs: twin.readyMs, ...figures, maxMemoryMb: peaks, environmentsLeft, errors };
  } catch (error) {
    return { status: 'skipped', reason: `twin started in ${Math.round(startWallMs)} ms but the request benchmark failed: ${(error as Error).message.split('\n')[0]}` };
  } finally {
    await twin.stop();
  }
}
