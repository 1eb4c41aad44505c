import { createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, errors as joseErrors, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { messages, notAuthorized } from './errors';

/**
 * Cognito-shaped JWTs: RS256, `kid` naming a key in the pool's JWKS, and the claim sets AWS issues for
 * each token kind. Access and ID tokens are signed with different key pairs (different kid), as AWS does,
 * so a verifier that mixes them up fails here as it would against AWS.
 */

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Public half only: what the JWKS serves. */
  publicJwk: JWK;
}

export interface PoolKeys {
  access: SigningKey;
  id: SigningKey;
}

export interface StoredKeys {
  access: JWK;
  id: JWK;
}

/** Loads the pool's key pairs from storage, or generates them (and returns what to store). */
export async function loadOrCreateKeys(stored: StoredKeys | undefined): Promise<{ keys: PoolKeys; stored: StoredKeys }> {
  const access = stored ? stored.access : await generatePrivateJwk();
  const id = stored ? stored.id : await generatePrivateJwk();
  return { keys: { access: await signingKey(access), id: await signingKey(id) }, stored: { access, id } };
}

async function generatePrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: jwk.kty, n: jwk.n, e: jwk.e });
  return { ...jwk, kid, alg: 'RS256', use: 'sig' };
}

async function signingKey(privateJwk: JWK): Promise<SigningKey> {
  if (!privateJwk.kid) throw new Error('stored signing key has no kid');
  const privateKey = (await importJWK(privateJwk, 'RS256')) as KeyObject;
  return {
    kid: privateJwk.kid,
    privateKey,
    publicKey: createPublicKey(privateKey),
    publicJwk: { alg: 'RS256', e: privateJwk.e, kid: privateJwk.kid, kty: 'RSA', n: privateJwk.n, use: 'sig' },
  };
}

export function jwks(keys: PoolKeys): { keys: JWK[] } {
  return { keys: [keys.access.publicJwk, keys.id.publicJwk] };
}

export function sign(key: SigningKey, claims: JWTPayload): Promise<string> {
  // Only kid and alg in the header, like AWS's tokens.
  return new SignJWT(claims).setProtectedHeader({ kid: key.kid, alg: 'RS256' }).sign(key.privateKey);
}

/** Seconds since the epoch, as JWT time claims are. */
export const epochSeconds = (ms: number): number => Math.floor(ms / 1000);

export interface UserTokenContext {
  issuer: string;
  clientId: string;
  /** Internal username (UUID in email-username pools). */
  username: string;
  attributes: Record<string, string>;
  originJti: string;
  eventId: string;
  authTime: number;
  scope: string[];
  now: number;
  /** The hosted login's `nonce`, echoed in the ID token of the code exchange. */
  nonce?: string;
  /** The user's groups, by precedence (lowest first), then name. */
  groups?: { name: string; precedence?: number; roleArn?: string }[];
}

/**
 * `cognito:groups` in both tokens for a user in any group ("Adding groups to a user pool", Cognito developer
 * guide; aws-api-shapes.md §5). The ID token also has `cognito:roles` and `cognito:preferred_role` (the role of
 * the group with the lowest precedence) when the groups have IAM roles.
 */
function groupClaims(c: UserTokenContext, token: 'access' | 'id'): JWTPayload {
  const groups = c.groups ?? [];
  if (groups.length === 0) return {};
  const claims: JWTPayload = { 'cognito:groups': groups.map((g) => g.name) };
  const withRoles = groups.filter((g) => g.roleArn !== undefined);
  if (token === 'id' && withRoles.length > 0) {
    claims['cognito:roles'] = [...new Set(withRoles.map((g) => g.roleArn!))];
    const preferred = withRoles.filter((g) => g.precedence !== undefined).sort((a, b) => a.precedence! - b.precedence!)[0];
    if (preferred) claims['cognito:preferred_role'] = preferred.roleArn;
  }
  return claims;
}

/** A user's access token, with AWS's claims (no aud; scope is space-separated). */
export function userAccessClaims(c: UserTokenContext, validitySeconds: number, jti: string): JWTPayload {
  const iat = epochSeconds(c.now);
  return {
    sub: c.attributes.sub,
    ...groupClaims(c, 'access'),
    iss: c.issuer,
    client_id: c.clientId,
    origin_jti: c.originJti,
    event_id: c.eventId,
    token_use: 'access',
    scope: c.scope.join(' '),
    auth_time: c.authTime,
    exp: iat + validitySeconds,
    iat,
    jti,
    username: c.username,
  };
}

/** A user's ID token: aud is the client id; email_verified is a boolean claim. */
export function idClaims(c: UserTokenContext, validitySeconds: number, jti: string): JWTPayload {
  const iat = epochSeconds(c.now);
  return {
    sub: c.attributes.sub,
    ...groupClaims(c, 'id'),
    ...(c.attributes.email_verified !== undefined ? { email_verified: c.attributes.email_verified === 'true' } : {}),
    iss: c.issuer,
    'cognito:username': c.username,
    origin_jti: c.originJti,
    aud: c.clientId,
    event_id: c.eventId,
    token_use: 'id',
    auth_time: c.authTime,
    exp: iat + validitySeconds,
    iat,
    jti,
    ...(c.attributes.email !== undefined ? { email: c.attributes.email } : {}),
    ...(c.nonce !== undefined ? { nonce: c.nonce } : {}),
  };
}

/** A client-credentials access token: sub is the client id, version 2, no username, no aud. */
export function clientCredentialsClaims(issuer: string, clientId: string, scope: string[], now: number, validitySeconds: number, jti: string): JWTPayload {
  const iat = epochSeconds(now);
  return {
    sub: clientId,
    token_use: 'access',
    scope: scope.join(' '),
    auth_time: iat,
    iss: issuer,
    exp: iat + validitySeconds,
    iat,
    version: 2,
    jti,
    client_id: clientId,
  };
}

export interface AccessTokenClaims extends JWTPayload {
  token_use: 'access';
  client_id: string;
  scope: string;
  username?: string;
  origin_jti?: string;
}

/** Verifies an access token as Cognito's user APIs do; throws AWS's NotAuthorizedException messages. */
export async function verifyAccessToken(token: string, keys: PoolKeys, issuer: string, now: number): Promise<AccessTokenClaims> {
  try {
    const { payload } = await jwtVerify(token, keys.access.publicKey, { issuer, algorithms: ['RS256'], currentDate: new Date(now) });
    if (payload.token_use !== 'access' || typeof payload.client_id !== 'string') throw notAuthorized(messages.invalidAccessToken);
    return { ...payload, token_use: 'access', client_id: payload.client_id, scope: typeof payload.scope === 'string' ? payload.scope : '' };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw notAuthorized(messages.accessTokenExpired);
    throw notAuthorized(messages.invalidAccessToken);
  }
}
