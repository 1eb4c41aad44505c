/**
 * Local twin benchmark: how long the twin takes to be ready, and p50/p95 latency of authorized GET /me
 * (ID token) and GET /links (access token) through its gateway, plus each function's peak memory.
 */
import { performance } from 'node:perf_hooks';
import { startTwin, type Twin } from '../local/twin';
import { cognitoClient, createUserWithPassword, signInWithPassword, type UserTokens } from '../scripts/lib/cognito';
import { TWIN_CREDENTIALS } from '../scripts/lib/targets';
import { summarize, type Summary } from './stats';

export type TwinBenchResult =
  | { status: 'skipped'; reason: string }
  | {
      status: 'ran';
      startWallMs: number;
      /** The twin's own readyMs. */
      reportedReadyMs: number;
      firstRequestMs: Record<string, number>;
      latencyMs: Record<string, Summary>;
      seededLinks: number;
      requests: number;
      errors: string[];
      /** Peak "Max Memory Used" per function over the run, from the runner's Lambda-style REPORT lines. */
      maxMemoryMb: Record<string, number>;
    };

/** Lambda's REPORT line: `[Fn] REPORT RequestId: … Max Memory Used: 71 MB …` → the highest value per function. */
export function maxMemoryByFunction(lines: readonly string[]): Record<string, number> {
  const peaks: Record<string, number> = {};
  for (const line of lines) {
    const match = /^\[(\w+)\] REPORT .* Max Memory Used: (\d+) MB/.exec(line);
    if (match) peaks[match[1]!] = Math.max(peaks[match[1]!] ?? 0, Number(match[2]));
  }
  return peaks;
}

/** A throw-away user of the twin's user client, signed in with USER_PASSWORD_AUTH. */
async function userTokens(twin: Twin): Promise<UserTokens> {
  const { UserPoolId: userPoolId, UserClientId: clientId } = { ...twin.outputs.auth, ...twin.outputs.api };
  if (!userPoolId || !clientId) throw new Error('twin outputs lack UserPoolId / UserClientId');
  const client = cognitoClient({ region: twin.system.region, endpoint: twin.cognito.url, credentials: TWIN_CREDENTIALS });
  try {
    const user = { userPoolId, username: `bench-${Date.now()}@example.com`, password: 'Bench-Passw0rd!x' };
    await createUserWithPassword(client, user);
    return await signInWithPassword(client, { clientId, clientSecret: twin.outputs.local.ClientSecrets[clientId], ...user });
  } finally {
    client.destroy();
  }
}

async function timed(url: string, init: RequestInit): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status };
}

export async function benchTwin(rootDir: string, requests: number): Promise<TwinBenchResult> {
  const started = performance.now();
  const logLines: string[] = [];
  let twin: Twin;
  try {
    twin = await startTwin({ rootDir, apiPort: 0, cognitoPort: 0, log: (line) => void logLines.push(line) });
  } catch (error) {
    return { status: 'skipped', reason: `startTwin failed: ${(error as Error).message.split('\n')[0]}` };
  }
  const startWallMs = performance.now() - started;
  const errors: string[] = [];
  try {
    const { idToken, accessToken } = await userTokens(twin);
    const base = twin.gateway.stageUrl.replace(/\/?$/, '/');
    const routes: Record<string, { url: string; token: string }> = {
      'GET /me': { url: `${base}me`, token: idToken },
      'GET /links': { url: `${base}links`, token: accessToken },
    };

    let seededLinks = 0;
    for (let i = 0; i < 20; i++) {
      const res = await timed(`${base}links`, {
        method: 'POST',
        headers: { authorization: accessToken, 'content-type': 'application/json' },
        body: JSON.stringify({ url: `https://example.com/bench/${i}`, title: `Bench link ${i}`, tags: ['bench'] }),
      });
      if (res.status === 200 || res.status === 201) seededLinks++;
      else if (errors.length < 5) errors.push(`seed POST /links → ${res.status}`);
    }

    const firstRequestMs: Record<string, number> = {};
    const latencyMs: Record<string, Summary> = {};
    for (const [name, route] of Object.entries(routes)) {
      const init = { headers: { authorization: route.token } };
      const first = await timed(route.url, init);
      firstRequestMs[name] = first.ms;
      for (let i = 0; i < 5; i++) await timed(route.url, init); // warm-up
      const samples: number[] = [];
      for (let i = 0; i < requests; i++) {
        const res = await timed(route.url, init);
        if (res.status !== 200 && errors.length < 10) errors.push(`${name} → ${res.status}`);
        samples.push(res.ms);
      }
      latencyMs[name] = summarize(samples);
    }
    return { status: 'ran', startWallMs, reportedReadyMs: twin.readyMs, firstRequestMs, latencyMs, seededLinks, requests, errors, maxMemoryMb: maxMemoryByFunction(logLines) };
  } catch (error) {
    return { status: 'skipped', reason: `twin started in ${Math.round(startWallMs)} ms but the request benchmark failed: ${(error as Error).message.split('\n')[0]}` };
  } finally {
    await twin.stop();
  }
}
