import type { CognitoClaims, IdTokenClaims, Identity } from '../links/schemas';

/**
 * Who is calling, from the claims API Gateway verified. `sub` owns the data either way: a user's UUID,
 * or for a client-credentials token the app client's id.
 */
export type Principal =
  | { type: 'user'; sub: string; clientId: string | undefined }
  | { type: 'machine'; sub: string; clientId: string };

export function principalFromClaims(claims: CognitoClaims): Principal {
  // Client-credentials tokens carry no username and their subject is the client itself.
  if (claims.token_use === 'access' && claims.client_id !== undefined && claims.sub === claims.client_id && claims.username === undefined) {
    return { type: 'machine', sub: claims.sub, clientId: claims.client_id };
  }
  // ID tokens name their client in `aud`, access tokens in `client_id`.
  return { type: 'user', sub: claims.sub, clientId: claims.client_id ?? claims.aud };
}

/** Keys appended to every log line of a request; identifiers only, never token material. */
export function principalLogKeys(principal: Principal): Record<string, string | undefined> {
  return { sub: principal.sub, client_id: principal.clientId, principalType: principal.type };
}

export function identityFromClaims(claims: IdTokenClaims): Identity {
  return {
    sub: claims.sub,
    email: claims.email ?? null,
    emailVerified: claims.email_verified ?? false,
    username: claims['cognito:username'],
  };
}
