import { createHmac } from 'node:crypto';
import { startTwin, type Twin, type TwinOptions } from '../../local/twin';

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

export interface HttpResult {
  status: number;
  headers: Headers;
  body: unknown;
}

/** fetch, with the body parsed as JSON when it is JSON. */
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
