/**
 * Local twin benchmark (runs once local/twin.ts exports startTwin): how long the twin takes to be ready, and
 * p50/p95 latency of authorized GET /me (ID token) and GET /links (access token) through its gateway.
 * Loaded dynamically and checked structurally, so the bench compiles and runs while the twin is still being built.
 */
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { summarize, type Summary } from './stats';

/** The part of local/twin.ts's Twin this benchmark relies on. */
interface TwinLike {
  readyMs?: number;
  outputs: { auth: Record<string, string>; api: Record<string, string>; local: { ClientSecrets: Record<string, string> } };
  cognito: { url: string };
  gateway: { stageUrl: string };
  stop(): Promise<void>;
}
type StartTwin = (options: Record<string, unknown>) => Promise<unknown>;

export type TwinBenchResult =
  | { status: 'skipped'; reason: string }
  | {
      status: 'ran';
      startWallMs: number;
      /** The twin's own readyMs, if it reports one. */
      reportedReadyMs?: number;
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

function isTwin(value: unknown): value is TwinLike {
  const t = value as Partial<TwinLike> | undefined;
  return typeof t?.stop === 'function' && typeof t.cognito?.url === 'string' && typeof t.gateway?.stageUrl === 'string'
    && typeof t.outputs?.auth === 'object' && typeof t.outputs.api === 'object' && typeof t.outputs.local?.ClientSecrets === 'object';
}

async function cognito(twin: TwinLike, operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(twin.cognito.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` },
    body: JSON.stringify(body),
  });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new Error(`Cognito ${operation}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function userTokens(twin: TwinLike): Promise<{ idToken: string; accessToken: string }> {
  const poolId = twin.outputs.auth.UserPoolId;
  const clientId = twin.outputs.api.UserClientId;
  if (!poolId || !clientId) throw new Error('twin outputs lack UserPoolId / UserClientId');
  const secret = twin.outputs.local.ClientSecrets[clientId];
  const username = `bench-${Date.now()}@example.com`;
  const password = 'Bench-Passw0rd!x';
  await cognito(twin, 'AdminCreateUser', {
    UserPoolId: poolId,
    Username: username,
    MessageAction: 'SUPPRESS',
    TemporaryPassword: 'Temp-Passw0rd!x',
    UserAttributes: [{ Name: 'email', Value: username }, { Name: 'email_verified', Value: 'true' }],
  });
  await cognito(twin, 'AdminSetUserPassword', { UserPoolId: poolId, Username: username, Password: password, Permanent: true });
  const auth = await cognito(twin, 'InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: clientId,
    AuthParameters: {
      USERNAME: username,
      PASSWORD: password,
      ...(secret ? { SECRET_HASH: createHmac('sha256', secret).update(username + clientId).digest('base64') } : {}),
    },
  });
  const result = auth.AuthenticationResult as { IdToken?: string; AccessToken?: string } | undefined;
  if (!result?.IdToken || !result.AccessToken) throw new Error(`InitiateAuth returned no tokens: ${JSON.stringify(auth)}`);
  return { idToken: result.IdToken, accessToken: result.AccessToken };
}

async function timed(url: string, init: RequestInit): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status };
}

export async function benchTwin(rootDir: string, requests: number): Promise<TwinBenchResult> {
  const twinFile = join(rootDir, 'local', 'twin.ts');
  if (!existsSync(twinFile)) return { status: 'skipped', reason: 'local/twin.ts does not exist yet' };
  let startTwin: StartTwin | undefined;
  try {
    const mod = (await import(twinFile)) as { startTwin?: StartTwin; default?: { startTwin?: StartTwin } };
    startTwin = mod.startTwin ?? mod.default?.startTwin;
  } catch (error) {
    return { status: 'skipped', reason: `local/twin.ts does not load yet: ${(error as Error).message.split('\n')[0]}` };
  }
  if (typeof startTwin !== 'function') return { status: 'skipped', reason: 'local/twin.ts does not export startTwin yet' };

  const started = performance.now();
  const logLines: string[] = [];
  let candidate: unknown;
  try {
    candidate = await startTwin({ rootDir, apiPort: 0, cognitoPort: 0, log: (line: string) => void logLines.push(line) });
  } catch (error) {
    return { status: 'skipped', reason: `startTwin failed: ${(error as Error).message.split('\n')[0]}` };
  }
  const startWallMs = performance.now() - started;
  if (!isTwin(candidate)) {
    await (candidate as { stop?: () => Promise<void> } | undefined)?.stop?.().catch(() => undefined);
    return { status: 'skipped', reason: 'startTwin resolved to something without cognito.url, gateway.stageUrl, outputs and stop()' };
  }
  const twin = candidate;
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
    return { status: 'ran', startWallMs, reportedReadyMs: typeof twin.readyMs === 'number' ? twin.readyMs : undefined, firstRequestMs, latencyMs, seededLinks, requests, errors, maxMemoryMb: maxMemoryByFunction(logLines) };
  } catch (error) {
    return { status: 'skipped', reason: `twin started in ${Math.round(startWallMs)} ms but the request benchmark failed: ${(error as Error).message.split('\n')[0]}` };
  } finally {
    await twin.stop();
  }
}
