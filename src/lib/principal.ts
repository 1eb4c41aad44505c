import type { CognitoClaims, IdTokenClaims, Identity } from '../links/schemas';
import { requiredEnv } from './env';

/**
 * Who is calling, from the claims API Gateway verified, and whose data that is.
 *
 * A REST API Cognito authorizer checks a token's signature, issuer, expiry and scopes, but not which app
 * client it was issued to (neither `client_id` of access tokens nor `aud` of ID tokens): on a user pool
 * shared by several APIs, every other API's clients would pass. So each function also insists the token's
 * client is one of this API's own, as its template lists them (USER_CLIENT_IDS, MACHINE_CLIENT_IDS).
 *
 * Tenancy: a user owns their own links (`owner` = their `sub`); the API's machine clients (client
 * credentials) share one machine owner, so a read-only client reads what the read-write client wrote.
 */
export type Principal =
  | { type: 'user'; owner: string; sub: string; clientId: string }
  | { type: 'machine'; owner: typeof MACHINE_OWNER; sub: string; clientId: string };

/** The one owner of every machine client's links. User subs are UUIDs, so it can never be a user's. */
export const MACHINE_OWNER = 'machines';

/** The app clients this API accepts tokens from, by the kind of principal they sign in. */
export interface TrustedClients {
  /** Clients users sign in with (their access and ID tokens). */
  users: ReadonlySet<string>;
  /** Client-credentials clients. */
  machines: ReadonlySet<string>;
}

/** A verified token this API must not serve: issued to another app client, or of a kind no route takes. */
export class ForeignClientError extends Error {
  constructor(readonly clientId: string | undefined, readonly tokenUse: string | undefined) {
    super('The token was not issued to an app client of this API');
    this.name = 'ForeignClientError';
  }
}

function idList(name: string): ReadonlySet<string> {
  return new Set(requiredEnv(name).split(',').map((id) => id.trim()).filter(Boolean));
}

/** Read at call time, like every variable: a function without its lists refuses everyone (500), never lets anyone in. */
export function trustedClientsFromEnv(): TrustedClients {
  return { users: idList('USER_CLIENT_IDS'), machines: idList('MACHINE_CLIENT_IDS') };
}

/** Client-credentials access tokens carry no username and name the client itself as their subject. */
function isClientCredentials(claims: CognitoClaims): boolean {
  return claims.token_use === 'access' && claims.username === undefined && claims.client_id !== undefined && claims.sub === claims.client_id;
}

export function principalFromClaims(claims: CognitoClaims, trusted: TrustedClients): Principal {
  if (isClientCredentials(claims)) {
    const clientId = claims.client_id!;
    if (!trusted.machines.has(clientId)) throw new ForeignClientError(clientId, claims.token_use);
    return { type: 'machine', owner: MACHINE_OWNER, sub: claims.sub, clientId };
  }
  // ID tokens name their client in `aud`, access tokens in `client_id`.
  const clientId = claims.token_use === 'id' ? claims.aud : claims.token_use === 'access' ? claims.client_id : undefined;
  if (clientId === undefined || !trusted.users.has(clientId)) throw new ForeignClientError(clientId, claims.token_use);
  return { type: 'user', owner: claims.sub, sub: claims.sub, clientId };
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
