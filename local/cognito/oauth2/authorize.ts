import type { ClientConfig, PoolConfig } from '../config';
import { poolOf, type Services } from '../services';

/**
 * GET /oauth2/authorize as the managed login's authorization endpoint checks it (cognito-client-facts.md §4):
 * the client and its registered redirect_uri first (a mismatch never redirects: Cognito's own error page), then
 * errors sent back to the redirect_uri with `state` (invalid_request, unauthorized_client, invalid_scope), then the
 * sign-in page at /login with the same parameters.
 */

export interface AuthorizeRequest {
  client: ClientConfig;
  pool: PoolConfig;
  redirectUri: string;
  state: string | undefined;
  scope: string[];
  codeChallenge: string | undefined;
  nonce: string | undefined;
}

export type AuthorizeOutcome =
  | { ok: true; request: AuthorizeRequest }
  /** Cognito's own error page (no redirect to an unverified URI). */
  | { ok: false; page: { status: number; error: string } }
  /** An OAuth error redirected to the client. */
  | { ok: false; redirect: string };

const STANDARD_SCOPES = ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin'];
const NEEDS_OPENID = ['email', 'phone', 'profile'];

export function checkAuthorizeRequest(s: Services, query: URLSearchParams): AuthorizeOutcome {
  const clientId = query.get('client_id') ?? '';
  const client = s.config.clients.get(clientId);
  if (!client) return { ok: false, page: { status: 400, error: 'invalid_client' } };
  const redirectUri = query.get('redirect_uri') ?? '';
  if (!client.callbackUrls.includes(redirectUri)) return { ok: false, page: { status: 400, error: 'redirect_mismatch' } };
  const state = query.get('state') ?? undefined;
  const fail = (error: string) => ({ ok: false as const, redirect: withParameters(redirectUri, { error, ...(state !== undefined ? { state } : {}) }) });
  const responseType = query.get('response_type');
  if (responseType !== 'code' && responseType !== 'token') return fail('invalid_request');
  if (!client.allowedOAuthFlowsUserPoolClient || !client.allowedOAuthFlows.includes(responseType === 'code' ? 'code' : 'implicit')) return fail('unauthorized_client');
  // The twin issues codes only; an implicit grant would need tokens in the fragment, which no client here allows.
  if (responseType !== 'code') return fail('unauthorized_client');
  const challenge = query.get('code_challenge') ?? undefined;
  const method = query.get('code_challenge_method') ?? undefined;
  if (challenge !== undefined && method !== 'S256') return fail('invalid_request');
  if (challenge !== undefined && !/^[A-Za-z0-9_-]{43,128}$/.test(challenge)) return fail('invalid_request');
  const pool = poolOf(s, client);
  const requested = query.get('scope');
  const scope = requested === null ? client.allowedOAuthScopes : [...new Set(requested.split(/[\s+]+/).filter(Boolean))];
  const custom = new Set(pool.resourceServers.flatMap((server) => server.scopes));
  const known = (name: string) => STANDARD_SCOPES.includes(name) || custom.has(name);
  if (scope.length === 0 || scope.some((name) => !known(name) || !client.allowedOAuthScopes.includes(name))) return fail('invalid_scope');
  if (scope.some((name) => NEEDS_OPENID.includes(name)) && !scope.includes('openid')) return fail('invalid_scope');
  return { ok: true, request: { client, pool, redirectUri, state, scope, codeChallenge: challenge, nonce: query.get('nonce') ?? undefined } };
}

export function withParameters(uri: string, parameters: Record<string, string>): string {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  return url.toString();
}
