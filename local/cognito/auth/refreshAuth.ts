import type { ClientConfig, PoolConfig } from '../config';
import { sha256 } from '../crypto';
import { messages, notAuthorized } from '../errors';
import { stateOf, type Services } from '../services';
import type { RefreshRecord, UserRecord } from '../store';
import { refreshed, type AuthenticationResult } from './authenticationResult';
import { assertSecretHash } from './secretHash';

/**
 * The refresh record behind a refresh token presented by `client`, or AWS's NotAuthorizedException.
 * `secretHash`: the JSON API's SECRET_HASH, which AWS computes over the user's *internal* username for
 * REFRESH_TOKEN_AUTH; the token endpoint authenticates the client instead and passes undefined.
 */
export function refreshRecord(
  s: Services,
  pool: PoolConfig,
  client: ClientConfig,
  token: string,
  secretHash: { value: string | undefined } | undefined,
): { record: RefreshRecord; user: UserRecord } {
  const state = stateOf(s, pool);
  const record = state.refreshTokens.get(sha256(token));
  if (!record) throw notAuthorized(messages.invalidRefreshToken);
  if (record.clientId !== client.clientId) throw notAuthorized(messages.refreshTokenOtherClient);
  if (secretHash) assertSecretHash(client, secretHash.value, [record.username]);
  const user = state.users.get(record.username);
  // A deleted user's tokens were revoked with them.
  if (record.revokedAt !== undefined || !user) throw notAuthorized(messages.refreshTokenRevoked);
  if (record.expiresAt <= s.clock()) throw notAuthorized(messages.refreshTokenExpired);
  if (!user.enabled) throw notAuthorized(messages.userDisabled);
  return { record, user };
}

/** REFRESH_TOKEN_AUTH: new access and ID tokens; AuthenticationResult has no RefreshToken. */
export async function refreshAuth(
  s: Services,
  pool: PoolConfig,
  client: ClientConfig,
  parameters: Record<string, string> | undefined,
  token: string,
): Promise<{ ChallengeParameters: Record<string, string>; AuthenticationResult: AuthenticationResult }> {
  const { record, user } = refreshRecord(s, pool, client, token, { value: parameters?.SECRET_HASH });
  return { ChallengeParameters: {}, AuthenticationResult: await refreshed(s, pool, client, user, record) };
}
