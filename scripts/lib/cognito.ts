/**
 * Talking to Cognito the way clients do: the OAuth token endpoint (client credentials) and the JSON API
 * (USER_PASSWORD_AUTH with SECRET_HASH, and the admin calls that create a test user). Works the same
 * against AWS and against the local twin; only the endpoint and credentials differ (see targets.ts).
 */
import { createHmac } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';

/** SECRET_HASH = base64(HMAC-SHA256(key = client secret, message = username + client id)). */
export function secretHash(username: string, clientId: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret).update(username + clientId).digest('base64');
}

/** HTTP Basic client authentication for the token endpoint (RFC 6749 §2.3.1: form-encode, then base64). */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

export interface AccessToken {
  accessToken: string;
  /** Seconds, as the token endpoint says. */
  expiresIn: number;
  tokenType: string;
}

/** The token endpoint answered with an error: `error` is the OAuth code (invalid_client, invalid_scope…). */
export class TokenEndpointError extends Error {
  constructor(
    readonly status: number,
    readonly error: string | undefined,
    tokenUrl: string,
  ) {
    super(`token endpoint ${tokenUrl} answered ${status}${error ? ` ${error}` : ''}`);
    this.name = 'TokenEndpointError';
  }
}

export interface ClientCredentialsRequest {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated; omitted: every scope the client is allowed. */
  scope?: string;
  fetch?: typeof fetch;
}

/** One `grant_type=client_credentials` request (billed on AWS: callers should cache the result). */
export async function fetchClientCredentialsToken(request: ClientCredentialsRequest): Promise<AccessToken> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (request.scope) form.set('scope', request.scope);
  let response: Response;
  try {
    response = await (request.fetch ?? fetch)(request.tokenUrl, {
      method: 'POST',
      headers: {
        Authorization: basicAuthorization(request.clientId, request.clientSecret),
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: form.toString(),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new Error(`cannot reach the token endpoint ${request.tokenUrl}: ${causeOf(error)}`, { cause: error });
  }
  const text = await response.text();
  const body = parseJson(text);
  if (!response.ok) throw new TokenEndpointError(response.status, stringField(body, 'error'), request.tokenUrl);
  const accessToken = stringField(body, 'access_token');
  const expiresIn = (body as { expires_in?: unknown } | undefined)?.expires_in;
  if (!accessToken || typeof expiresIn !== 'number') {
    throw new Error(`token endpoint ${request.tokenUrl} answered ${response.status} without access_token/expires_in`);
  }
  return { accessToken, expiresIn, tokenType: stringField(body, 'token_type') ?? 'Bearer' };
}

export interface CognitoClientOptions {
  region: string;
  /** The twin's Cognito; omitted: the regional AWS endpoint. */
  endpoint?: string;
  /** The twin takes any; on AWS, omitted means the SDK's default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function cognitoClient(options: CognitoClientOptions): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: 2,
  });
}

export interface UserTokens {
  accessToken: string;
  idToken: string;
  refreshToken?: string;
  expiresIn: number;
}

export interface PasswordSignIn {
  clientId: string;
  /** The client's secret: SECRET_HASH is computed from it. */
  clientSecret?: string;
  username: string;
  password: string;
}

/** InitiateAuth USER_PASSWORD_AUTH (with SECRET_HASH when the client has a secret). */
export async function signInWithPassword(client: CognitoIdentityProviderClient, request: PasswordSignIn): Promise<UserTokens> {
  const parameters: Record<string, string> = { USERNAME: request.username, PASSWORD: request.password };
  if (request.clientSecret) parameters.SECRET_HASH = secretHash(request.username, request.clientId, request.clientSecret);
  const result = await client.send(
    new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: request.clientId, AuthParameters: parameters }),
  );
  if (result.ChallengeName) {
    const hint = result.ChallengeName === 'NEW_PASSWORD_REQUIRED'
      ? ' (set a permanent password: aws cognito-idp admin-set-user-password --permanent …)'
      : '';
    throw new Error(`sign-in needs the ${result.ChallengeName} challenge answered first${hint}`);
  }
  const tokens = result.AuthenticationResult;
  if (!tokens?.AccessToken || !tokens.IdToken) throw new Error('InitiateAuth returned no tokens');
  return {
    accessToken: tokens.AccessToken,
    idToken: tokens.IdToken,
    ...(tokens.RefreshToken ? { refreshToken: tokens.RefreshToken } : {}),
    expiresIn: tokens.ExpiresIn ?? 3600,
  };
}

export interface NewUser {
  userPoolId: string;
  /** An email: the pool signs users in by email. */
  username: string;
  password: string;
}

/** AdminCreateUser (no invitation, email verified) then AdminSetUserPassword --permanent: ready to sign in. */
export async function createUserWithPassword(client: CognitoIdentityProviderClient, user: NewUser): Promise<void> {
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: user.userPoolId,
      Username: user.username,
      UserAttributes: [
        { Name: 'email', Value: user.username },
        { Name: 'email_verified', Value: 'true' },
      ],
      MessageAction: 'SUPPRESS',
    }),
  );
  await client.send(
    new AdminSetUserPasswordCommand({ UserPoolId: user.userPoolId, Username: user.username, Password: user.password, Permanent: true }),
  );
}

export async function deleteUser(client: CognitoIdentityProviderClient, userPoolId: string, username: string): Promise<void> {
  await client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));
}

/** One line for an SDK/network error: `NotAuthorizedException: Incorrect username or password.` */
export function describeAwsError(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    return `${name}${error.message.split('\n')[0]}`;
  }
  return String(error);
}

function causeOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? cause.message : error.message;
  }
  return String(error);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function stringField(body: unknown, key: string): string | undefined {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}
