import type { ClientConfig } from '../config';
import { sha256 } from '../crypto';
import { poolOf, stateOf, type Services } from '../services';
import { revokeRecord } from './authenticationResult';

/**
 * Revoking a refresh token (RevokeToken and /oauth2/revoke): the token and every access token minted from
 * it stop working with Cognito. Each caller maps the outcome to its own error shape.
 */
export type RevocationOutcome = 'revoked' | 'unknown' | 'not-a-refresh-token' | 'other-client' | 'disabled';

export function revokeRefreshToken(s: Services, client: ClientConfig, token: string): RevocationOutcome {
  if (!client.enableTokenRevocation) return 'disabled';
  // Access and ID tokens are JWTs (three dot-separated parts); refresh tokens here are opaque.
  if (token.split('.').length === 3) return 'not-a-refresh-token';
  const state = stateOf(s, poolOf(s, client));
  const record = state.refreshTokens.get(sha256(token));
  // RFC 7009 §2.2: an invalid token is not an error; there is nothing left to revoke.
  if (!record) return 'unknown';
  if (record.clientId !== client.clientId) return 'other-client';
  revokeRecord(record, s.clock());
  s.store.save();
  return 'revoked';
}
