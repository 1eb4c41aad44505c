import type { IncomingHttpHeaders } from 'node:http';
import { revokeRefreshToken } from '../auth/revocation';
import { OAuthError } from '../errors';
import type { Services } from '../services';
import { authenticateClient, isForm } from './clientAuth';

/**
 * POST /oauth2/revoke (RFC 7009), with the statuses Cognito's revoke-endpoint documentation lists: 400
 * invalid_request (no token, or revocation disabled for the client), 400 unsupported_token_type (not a
 * refresh token), 401 invalid_client (bad client credentials), 200 with an empty body otherwise, also for
 * a token that is invalid or already revoked.
 */
export function revoke(s: Services, headers: IncomingHttpHeaders, body: string): void {
  if (!isForm(headers)) throw new OAuthError('invalid_request');
  const form = new URLSearchParams(body);
  const token = form.get('token');
  if (!token) throw new OAuthError('invalid_request');
  const client = authenticateClient(s, headers, form, 401);
  switch (revokeRefreshToken(s, client, token)) {
    case 'disabled':
    case 'other-client':
      throw new OAuthError('invalid_request');
    case 'not-a-refresh-token':
      throw new OAuthError('unsupported_token_type');
    case 'unknown':
    case 'revoked':
      return;
  }
}
