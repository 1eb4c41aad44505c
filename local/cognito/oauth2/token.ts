import type { IncomingHttpHeaders } from 'node:http';
import { createHash } from 'node:crypto';
import { refreshed, signIn } from '../auth/authenticationResult';
import { refreshRecord } from '../auth/refreshAuth';
import type { ClientConfig, PoolConfig } from '../config';
import { uuid } from '../crypto';
import { CognitoError, OAuthError } from '../errors';
import { keysOf, poolOf, stateOf, type Services } from '../services';
import { clientCredentialsClaims, sign } from '../tokens';
import { authenticateClient, isForm } from './clientAuth';

/**
 * POST /oauth2/token. Errors are `{"error": "..."}` with HTTP 400, as the token endpoint's documentation
 * shows for all of them (invalid_client included; its sample error response is a 400).
 */
export async function token(s: Services, headers: IncomingHttpHeaders, body: string): Promise<Record<string, unknown>> {
  if (!isForm(headers)) throw new OAuthError('invalid_request');
  const form = new URLSearchParams(body);
  const grantType = form.get('grant_type');
  if (!grantType) throw new OAuthError('invalid_request');
  if (!['client_credentials', 'refresh_token', 'authorization_code'].includes(grantType)) throw new OAuthError('unsupported_grant_type');
  const client = authenticateClient(s, headers, form, 400);
  const pool = poolOf(s, client);
  switch (grantType) {
    case 'client_credentials':
      return clientCredentials(s, pool, client, form.get('scope'));
    case 'refresh_token':
      return refreshGrant(s, pool, client, form.get('refresh_token'));
    default:
      return authorizationCode(s, pool, client, form);
  }
}

/** client_credentials: a confidential client allowed the grant; scope ⊆ its custom scopes (omitted: all). */
async function clientCredentials(s: Services, pool: PoolConfig, client: ClientConfig, scopeParameter: string | null): Promise<Record<string, unknown>> {
  if (!client.secret || !client.allowedOAuthFlowsUserPoolClient || !client.allowedOAuthFlows.includes('client_credentials')) {
    throw new OAuthError('unauthorized_client');
  }
  const scope = grantedScopes(pool, client, scopeParameter);
  const now = s.clock();
  const accessToken = await sign(keysOf(s, pool).access, clientCredentialsClaims(s.issuerFor(pool.id), client.clientId, scope, now, client.accessTokenSeconds, uuid()));
  return { access_token: accessToken, expires_in: client.accessTokenSeconds, token_type: 'Bearer' };
}

/** Client credentials only ever carry resource-server scopes the client is allowed; anything else is invalid_scope. */
export function grantedScopes(pool: PoolConfig, client: ClientConfig, scopeParameter: string | null): string[] {
  const custom = new Set(pool.resourceServers.flatMap((server) => server.scopes));
  const allowed = client.allowedOAuthScopes.filter((scope) => custom.has(scope));
  const requested = scopeParameter === null ? allowed : [...new Set(scopeParameter.split(/\s+/).filter(Boolean))];
  if (requested.length === 0 || requested.some((scope) => !allowed.includes(scope))) throw new OAuthError('invalid_scope');
  return requested;
}

/** refresh_token: clients with a user OAuth flow; a bad, revoked or expired refresh token is invalid_grant. */
async function refreshGrant(s: Services, pool: PoolConfig, client: ClientConfig, refreshToken: string | null): Promise<Record<string, unknown>> {
  if (!userOAuthClient(client)) throw new OAuthError('unauthorized_client');
  if (!refreshToken) throw new OAuthError('invalid_request');
  let found;
  try {
    found = refreshRecord(s, pool, client, refreshToken, undefined);
  } catch (error) {
    if (error instanceof CognitoError) throw new OAuthError('invalid_grant');
    throw error;
  }
  const result = await refreshed(s, pool, client, found.user, found.record);
  return { id_token: result.IdToken, access_token: result.AccessToken, token_type: 'Bearer', expires_in: result.ExpiresIn };
}

/**
 * authorization_code (cognito-client-facts.md §4): a code the hosted login issued to this client, once, within five
 * minutes, with the same redirect_uri, and, when the authorize request had a code_challenge, the verifier whose
 * SHA-256 it is (PKCE S256). Anything else is invalid_grant. The tokens carry the scopes asked for; an ID token only
 * with openid (with the nonce, if one was sent).
 */
async function authorizationCode(s: Services, pool: PoolConfig, client: ClientConfig, form: URLSearchParams): Promise<Record<string, unknown>> {
  if (!userOAuthClient(client) || !client.allowedOAuthFlows.includes('code')) throw new OAuthError('unauthorized_client');
  const code = form.get('code');
  if (!code) throw new OAuthError('invalid_request');
  const grant = s.codes.redeem(code, s.clock());
  if (!grant || grant.clientId !== client.clientId || grant.redirectUri !== form.get('redirect_uri')) throw new OAuthError('invalid_grant');
  if (grant.codeChallenge !== undefined) {
    const verifier = form.get('code_verifier') ?? '';
    const computed = createHash('sha256').update(verifier).digest('base64url');
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || computed !== grant.codeChallenge) throw new OAuthError('invalid_grant');
  }
  const user = stateOf(s, pool).users.get(grant.username);
  if (!user || !user.enabled) throw new OAuthError('invalid_grant');
  const result = await signIn(s, pool, client, user, { scope: grant.scope, nonce: grant.nonce, authTime: grant.authTime, source: 'TokenGeneration_HostedAuth' });
  return {
    ...(grant.scope.includes('openid') ? { id_token: result.IdToken } : {}),
    access_token: result.AccessToken,
    refresh_token: result.RefreshToken,
    token_type: 'Bearer',
    expires_in: result.ExpiresIn,
  };
}

function userOAuthClient(client: ClientConfig): boolean {
  return client.allowedOAuthFlowsUserPoolClient && client.allowedOAuthFlows.some((flow) => flow === 'code' || flow === 'implicit');
}
