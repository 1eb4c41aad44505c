import { createHmac } from 'node:crypto';
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
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

/**
 * A confirmed user (AdminCreateUser + AdminSetUserPassword --permanent, password PASSWORD) signed in with
 * USER_PASSWORD_AUTH + SECRET_HASH on the API's user client, through the real SDK: its access and ID tokens.
 */
export async function signedInUser(twin: Twin, email: string): Promise<{ accessToken: string; idToken: string }> {
  const sdk = new CognitoIdentityProviderClient({ endpoint: twin.cognito.url, region: twin.system.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  const pool = twin.outputs.auth.UserPoolId!;
  const clientId = twin.outputs.api.UserClientId!;
  try {
    await sdk.send(new AdminCreateUserCommand({ UserPoolId: pool, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }] }));
    await sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: pool, Username: email, Password: PASSWORD, Permanent: true }));
    const auth = await sdk.send(new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD, SECRET_HASH: secretHash(twin.outputs.local.ClientSecrets[clientId]!, email, clientId) },
    }));
    return { accessToken: auth.AuthenticationResult!.AccessToken!, idToken: auth.AuthenticationResult!.IdToken! };
  } finally {
    sdk.destroy();
  }
}

/**
 * A confirmed user of any pool (AdminCreateUser + AdminSetUserPassword --permanent, password PASSWORD), signed in with
 * USER_PASSWORD_AUTH on each of `clientIds` (public clients): their tokens, by client id. For the fixture projects,
 * whose outputs are not the links API's.
 */
export async function poolUserTokens(twin: Twin, poolId: string, email: string, clientIds: readonly string[]): Promise<Record<string, { accessToken: string; idToken: string; refreshToken: string }>> {
  const sdk = new CognitoIdentityProviderClient({ endpoint: twin.cognito.url, region: twin.system.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  try {
    await sdk.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }] }));
    await sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: email, Password: PASSWORD, Permanent: true }));
    const tokens: Record<string, { accessToken: string; idToken: string; refreshToken: string }> = {};
    for (const clientId of clientIds) {
      const result = (await sdk.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }))).AuthenticationResult!;
      tokens[clientId] = { accessToken: result.AccessToken!, idToken: result.IdToken!, refreshToken: result.RefreshToken! };
    }
    return tokens;
  } finally {
    sdk.destroy();
  }
}
