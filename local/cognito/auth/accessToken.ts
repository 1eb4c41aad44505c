import { decodeJwt } from 'jose';
import type { PoolConfig } from '../config';
import { messages, notAuthorized, userNotFound } from '../errors';
import { keysOf, stateOf, type Services } from '../services';
import type { UserRecord } from '../store';
import { verifyAccessToken, type AccessTokenClaims } from '../tokens';
import { recordOfOrigin, USER_ADMIN_SCOPE } from './authenticationResult';

/**
 * The user behind an access token, for the operations that take one (GetUser, GlobalSignOut). Like AWS:
 * signature, issuer and expiry first, then the aws.cognito.signin.user.admin scope, then revocation
 * (RevokeToken / GlobalSignOut revoke every access token of the refresh token's origin_jti).
 */
export async function userOfAccessToken(s: Services, token: string): Promise<{ pool: PoolConfig; user: UserRecord; claims: AccessTokenClaims }> {
  return userOfBearer(s, token, USER_ADMIN_SCOPE);
}

/**
 * The user behind a valid, unrevoked user access token; `requiredScope` if the caller needs one (the JSON API needs
 * the user-admin scope; /oauth2/userInfo checks openid itself).
 */
export async function userOfBearer(s: Services, token: string, requiredScope?: string): Promise<{ pool: PoolConfig; user: UserRecord; claims: AccessTokenClaims }> {
  const pool = poolOfToken(s, token);
  const claims = await verifyAccessToken(token, keysOf(s, pool), s.issuerFor(pool.id), s.clock());
  if ((requiredScope !== undefined && !claims.scope.split(' ').includes(requiredScope)) || typeof claims.username !== 'string' || typeof claims.origin_jti !== 'string') {
    throw notAuthorized(messages.accessTokenScopes);
  }
  const state = stateOf(s, pool);
  const record = recordOfOrigin(state, claims.origin_jti);
  if (!record) throw notAuthorized(messages.invalidAccessToken);
  if (record.revokedAt !== undefined) throw notAuthorized(messages.accessTokenRevoked);
  const user = state.users.get(claims.username);
  if (!user) throw userNotFound();
  return { pool, user, claims };
}

/** The pool that issued a token, read from its (not yet verified) iss; verification follows. */
function poolOfToken(s: Services, token: string): PoolConfig {
  let issuer: unknown;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    throw notAuthorized(messages.invalidAccessToken);
  }
  for (const pool of s.config.pools.values()) if (issuer === s.issuerFor(pool.id)) return pool;
  throw notAuthorized(messages.invalidAccessToken);
}
