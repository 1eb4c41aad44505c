import { JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache, SimplePenaltyBox } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { JwtAuthorizerSpec } from '../http-api/model';
import type { GatewayError } from '../gateway-responses';
import { safeRecord } from '../safe-record';
import { VerifiedTokenCache } from '../token-cache';
import { headerOf, type Authorization, type AuthorizationRequest, type Authorizer } from './authorizer';
import { httpJwksFetcher, tokenFromHeader } from './cognito';

/** Where a JWT authorizer's issuer is served locally: the local Cognito's issuer for a pool of the templates. */
export interface IssuerDirectory {
  /** The local issuer standing in for `issuer` (`https://cognito-idp.<region>.amazonaws.com/<pool>`), if any. */
  localIssuerFor(issuer: string): string | undefined;
}

/**
 * An HTTP API's JWT authorizer ("Controlling access to HTTP APIs with JWT authorizers", API Gateway developer guide,
 * http-api-jwt-authorizer; aws-api-shapes.md §1): the token from the identity source, bare or `Bearer <t>`; its
 * signature through the issuer's JWKS; `iss` equal to the issuer; `aud` in the audience list, or `client_id` when
 * there is no `aud`; `exp`, `nbf` and `iat` in order; and, on a route with scopes, one of them in `scope`/`scp`.
 * - No token: 401 `{"message":"Unauthorized"}`, `www-authenticate: Bearer`.
 * - An invalid token: 401 with `www-authenticate: Bearer scope="" error="invalid_token" error_description="…"`.
 *   The wording is AWS's for a bad audience (http-api-troubleshooting-jwt) and for a malformed token (a probe
 *   log, aws-api-shapes.md §1). For the other checks AWS's wording is not known, so a plain one is used.
 * - No route scope in the token: 403 `{"message":"Forbidden"}`.
 * Unlike a REST API's Cognito authorizer it does not look at `token_use`: an ID token passes an unscoped route
 * when its `aud` is in the audience.
 */
export class JwtAuthorizer implements Authorizer {
  readonly kind = 'jwt';
  private readonly verifier;
  private readonly verified = new VerifiedTokenCache();

  constructor(readonly spec: JwtAuthorizerSpec, issuers: IssuerDirectory, private readonly log: (line: string) => void = () => {}) {
    const local = issuers.localIssuerFor(spec.issuer);
    if (!local) {
      log(`[api] JWT authorizer ${spec.name}: issuer ${spec.issuer} is not a user pool of these templates; every token it guards gets 401 locally`);
      this.verifier = undefined;
      return;
    }
    const jwksCache = new SimpleJwksCache({ fetcher: httpJwksFetcher, penaltyBox: new SimplePenaltyBox({ waitSeconds: 1 }) });
    this.verifier = JwtRsaVerifier.create({ issuer: local, audience: null, jwksUri: `${local}/.well-known/jwks.json` }, { jwksCache });
  }

  async authorize(request: AuthorizationRequest): Promise<Authorization> {
    const token = tokenFromHeader(headerOf(request.headers, this.spec.header));
    if (!token) return refuse(401, 'Unauthorized', 'Bearer', 'no token');
    if (token.split('.').length !== 3) return invalid('token contains an invalid number of segments');
    let payload = this.verified.get(token, Date.now());
    if (payload === 'expired') return invalid('the token has expired');
    if (!payload) {
      if (!this.verifier) return invalid('the token could not be verified');
      try {
        payload = await this.verifier.verify(token);
      } catch (error) {
        return invalid(/expired/i.test((error as Error).message) ? 'the token has expired' : 'the token could not be verified');
      }
      this.verified.set(token, payload);
    }
    if (!audienceFits(payload, this.spec.audience)) return invalid('the token does not have a valid audience');
    const granted = tokenScopes(payload);
    if (request.scopes.length > 0 && !request.scopes.some((scope) => granted.includes(scope))) return refuse(403, 'Forbidden', undefined, 'no route scope in the token');
    const claims = httpApiClaims(payload);
    return {
      ok: true,
      // On a route without scopes, `scopes` is null; on one with scopes, the token's whole list.
      context: { jwt: { claims, scopes: request.scopes.length > 0 ? granted : null } },
      principal: claims.sub,
      client: claims.client_id ?? claims.aud,
    };
  }
}

function invalid(description: string): Authorization {
  return refuse(401, 'Unauthorized', `Bearer scope="" error="invalid_token" error_description="${description}"`, description);
}

function refuse(status: 401 | 403, message: string, wwwAuthenticate: string | undefined, detail: string): Authorization {
  const error: GatewayError = { responseType: undefined, status, message, errorType: status === 401 ? 'UnauthorizedException' : 'ForbiddenException' };
  if (wwwAuthenticate) error.headers = { 'www-authenticate': wwwAuthenticate };
  return { ok: false, error, detail };
}

/** `aud` when the token has one (it wins), else `client_id`, must be in the audience list. */
function audienceFits(payload: JwtPayload, audience: readonly string[]): boolean {
  const aud = payload.aud;
  if (aud !== undefined) return ([] as string[]).concat(aud as string | string[]).some((value) => audience.includes(value));
  return typeof payload.client_id === 'string' && audience.includes(payload.client_id);
}

function tokenScopes(payload: JwtPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return raw.split(' ').filter(Boolean);
  return Array.isArray(raw) ? raw.map(String) : [];
}

/**
 * `requestContext.authorizer.jwt.claims`: every value a string. Numbers and booleans as text, arrays as
 * `[a b]` (`cognito:groups`), nulls dropped (aws-api-shapes.md §1, observed).
 */
export function httpApiClaims(payload: Record<string, unknown>): Record<string, string> {
  const claims = safeRecord<string>();
  for (const [name, value] of Object.entries(payload)) {
    if (value === null || value === undefined) continue;
    claims[name] = Array.isArray(value) ? `[${value.map(String).join(' ')}]` : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return claims;
}
