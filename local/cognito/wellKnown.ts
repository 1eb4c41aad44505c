import type { Services } from './services';
import { jwks } from './tokens';

/**
 * Discovery under each pool's issuer (`${url}/${poolId}`): the JWKS (public keys only) and the OpenID
 * configuration, so verifiers configured with just the issuer find everything, as they do against AWS.
 */
export function wellKnown(s: Services, tokenUrl: string, path: string): Record<string, unknown> | undefined {
  const match = /^\/([^/]+)\/\.well-known\/(jwks\.json|openid-configuration)$/.exec(path);
  if (!match?.[1]) return undefined;
  // Pool ids are [\w-]+: anything percent-encoded is simply not a pool.
  const poolId = match[1];
  const keys = s.keys.get(poolId);
  if (!keys) return undefined;
  if (match[2] === 'jwks.json') return jwks(keys);
  const issuer = s.issuerFor(poolId);
  const base = tokenUrl.replace(/\/oauth2\/token$/, '');
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    token_endpoint: tokenUrl,
    revocation_endpoint: `${base}/oauth2/revoke`,
    authorization_endpoint: `${base}/oauth2/authorize`,
    userinfo_endpoint: `${base}/oauth2/userInfo`,
    end_session_endpoint: `${base}/logout`,
    response_types_supported: ['code', 'token'],
    grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
  };
}
