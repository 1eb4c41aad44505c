import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { promisify } from 'node:util';
import { startTwin, type Twin, type TwinOptions } from '../../local/twin';

const execFileAsync = promisify(execFile);

/** A twin on free ports, sharing the run's DynamoDB Local, everything else in memory. */
export function startTestTwin(options: TwinOptions = {}): Promise<Twin> {
  return startTwin({
    apiPort: 0,
    cognitoPort: 0,
    dynamodbEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
    ...options,
  });
}

export const PASSWORD = 'Correct-Horse-9';

export function secretHash(clientSecret: string, username: string, clientId: string): string {
  return createHmac('sha256', clientSecret).update(username + clientId).digest('base64');
}

export function awsCliAvailable(): Promise<boolean> {
  return execFileAsync('aws', ['--version']).then(() => true, () => false);
}

/** Runs `aws cognito-idp <args>` against the twin, as a person would. Resolves parsed JSON (or null). */
export async function awsCognito(twin: Twin, args: string[]): Promise<unknown> {
  const { stdout } = await execFileAsync(
    'aws',
    ['cognito-idp', ...args, '--endpoint-url', twin.cognito.url, '--region', twin.system.region, '--output', 'json'],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    },
  );
  return stdout.trim() ? JSON.parse(stdout) : null;
}

/** Fails a CLI-driven test in CI when the CLI is missing; elsewhere says why it is skipped. */
export async function requireAwsCli(): Promise<boolean> {
  if (await awsCliAvailable()) return true;
  if (process.env.CI === 'true') throw new Error('The AWS CLI (`aws`) is required in CI for the seed-flow tests');
  console.warn('Skipping AWS CLI seed flows: `aws` is not installed (pip install awscli)');
  return false;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function http(url: string, init: RequestInit = {}): Promise<HttpResult> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body };
}

export async function clientCredentialsToken(twin: Twin, clientId: string, scope?: string): Promise<string> {
  const secret = twin.outputs.local.ClientSecrets[clientId];
  if (!secret) throw new Error(`no secret for ${clientId}`);
  const form = new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) });
  const result = await http(twin.outputs.auth.TokenUrl!, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
    body: form,
  });
  if (result.status !== 200) throw new Error(`token endpoint said ${result.status} ${JSON.stringify(result.body)}`);
  return (result.body as { access_token: string }).access_token;
}
