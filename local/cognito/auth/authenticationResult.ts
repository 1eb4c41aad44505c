import type { ClientConfig, PoolConfig } from '../config';
import { groupsOf } from '../groups';
import { applyOverrides, applyScopes, runPreTokenGeneration, type TokenGenerationSource } from '../pre-token-generation';
import { opaqueToken, sha256, uuid } from '../crypto';
import { keysOf, stateOf, type Services } from '../services';
import type { PoolState, RefreshRecord, UserRecord } from '../store';
import { epochSeconds, idClaims, sign, userAccessClaims, type UserTokenContext } from '../tokens';

/** InitiateAuth's scope for user tokens; custom scopes only come from the hosted-UI OAuth flows. */
export const USER_ADMIN_SCOPE = 'aws.cognito.signin.user.admin';

export interface AuthenticationResult {
  AccessToken: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
  IdToken: string;
  RefreshToken?: string;
}

/**
 * A fresh sign-in: a new refresh token (a new origin_jti family) plus access and ID tokens. The JSON API's sign-ins
 * carry the user-admin scope; the hosted login's carry the scopes asked for (`grant`), and its nonce.
 */
export async function signIn(
  s: Services,
  pool: PoolConfig,
  client: ClientConfig,
  user: UserRecord,
  grant: { scope: string[]; nonce?: string; authTime?: number; source?: TokenGenerationSource } = { scope: [USER_ADMIN_SCOPE] },
): Promise<AuthenticationResult> {
  const now = s.clock();
  const refreshToken = opaqueToken();
  const record: RefreshRecord = {
    originJti: uuid(),
    clientId: client.clientId,
    username: user.username,
    scope: grant.scope,
    authTime: grant.authTime ?? epochSeconds(now),
    expiresAt: now + client.refreshTokenSeconds * 1000,
  };
  const state = stateOf(s, pool);
  state.refreshTokens.set(sha256(refreshToken), record);
  s.store.save();
  return { ...(await mintUserTokens(s, pool, client, user, record, grant.source ?? 'TokenGeneration_Authentication', grant.nonce)), RefreshToken: refreshToken };
}

/** Tokens from a refresh token: same origin_jti and auth_time, no new refresh token (no rotation). */
export function refreshed(s: Services, pool: PoolConfig, client: ClientConfig, user: UserRecord, record: RefreshRecord): Promise<AuthenticationResult> {
  return mintUserTokens(s, pool, client, user, record, 'TokenGeneration_RefreshTokens');
}

async function mintUserTokens(
  s: Services,
  pool: PoolConfig,
  client: ClientConfig,
  user: UserRecord,
  record: RefreshRecord,
  source: TokenGenerationSource,
  nonce?: string,
): Promise<AuthenticationResult> {
  const keys = keysOf(s, pool);
  const context: UserTokenContext = {
    issuer: s.issuerFor(pool.id),
    clientId: client.clientId,
    username: user.username,
    attributes: user.attributes,
    originJti: record.originJti,
    eventId: uuid(),
    authTime: record.authTime,
    scope: record.scope,
    now: s.clock(),
    nonce,
    groups: groupsOf(s, pool, user),
  };
  const overrides = await runPreTokenGeneration(s, pool, {
    source, username: user.username, clientId: client.clientId, attributes: user.attributes, groups: context.groups ?? [], scopes: record.scope,
  });
  let accessClaims = userAccessClaims(context, client.accessTokenSeconds, uuid());
  let idTokenClaims = idClaims(context, client.idTokenSeconds, uuid());
  if (overrides) {
    accessClaims = applyOverrides(accessClaims, overrides.access, overrides.groups, 'access');
    accessClaims.scope = applyScopes(String(accessClaims.scope ?? ''), overrides.access);
    idTokenClaims = applyOverrides(idTokenClaims, overrides.id, overrides.groups, 'id');
  }
  const [AccessToken, IdToken] = await Promise.all([sign(keys.access, accessClaims), sign(keys.id, idTokenClaims)]);
  return { AccessToken, ExpiresIn: client.accessTokenSeconds, TokenType: 'Bearer', IdToken };
}

/** The refresh record of an origin_jti (every user access token names one). */
export function recordOfOrigin(state: PoolState, originJti: string): RefreshRecord | undefined {
  return [...state.refreshTokens.values()].find((record) => record.originJti === originJti);
}

/** Revokes one refresh token and, through origin_jti, every access token minted from it. */
export function revokeRecord(record: RefreshRecord, now: number): void {
  record.revokedAt ??= now;
}

/** GlobalSignOut / AdminDeleteUser: every refresh token of the user, for every client. */
export function revokeUser(state: PoolState, username: string, now: number): void {
  for (const record of state.refreshTokens.values()) if (record.username === username) revokeRecord(record, now);
}
