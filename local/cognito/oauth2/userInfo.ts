import type { IncomingHttpHeaders } from 'node:http';
import { userOfBearer } from '../auth/accessToken';
import { CognitoError } from '../errors';
import type { Services } from '../services';

/**
 * GET/POST /oauth2/userInfo (cognito-client-facts.md §4): the user's attributes for an access token that carries
 * `openid`. Any other token — none, invalid, expired, revoked, without openid — is 401 with the WWW-Authenticate
 * challenge Cognito sends.
 */
export async function userInfo(s: Services, headers: IncomingHttpHeaders): Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, string> }> {
  const refused = {
    status: 401,
    body: { error: 'invalid_token', error_description: 'Access token is expired, disabled, or deleted, or the user has globally signed out.' },
    headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="Access token is expired, disabled, or deleted, or the user has globally signed out."' },
  };
  const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  if (!match?.[1]) return refused;
  try {
    const { user, claims } = await userOfBearer(s, match[1]);
    if (!claims.scope.split(' ').includes('openid')) return refused;
    const { sub, ...attributes } = user.attributes;
    return { status: 200, body: { sub, ...attributes, username: user.username }, headers: {} };
  } catch (error) {
    if (error instanceof CognitoError) return refused;
    throw error;
  }
}
