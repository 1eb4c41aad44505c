import { JwtRsaVerifier } from 'aws-jwt-verify';
import { JwtExpiredError, NonRetryableFetchError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache, SimplePenaltyBox } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { CognitoAuthorizerSpec } from '../api-model';
import { stringifyClaims } from '../claims';
import { gatewayErrors } from '../gateway-responses';
import { VerifiedTokenCache } from '../token-cache';
import { headerOf, type Authorization, type AuthorizationRequest, type Authorizer } from './authorizer';

export const UNAUTHORIZED = 'Unauthorized';
export const EXPIRED = 'The incoming token has expired';

export type AuthorizerOutcome =
  | { ok: true; claims: JwtPayload }
  | { ok: false; message: typeof UNAUTHORIZED | typeof EXPIRED };

export interface PoolDirectory {
  /** Issuer (`iss`) of a pool's tokens. */
  issuerFor(poolId: string): string;
  /** App client ids of a pool (`AWS::Cognito::UserPoolClient` resources whose UserPoolId is it). */
  clientIdsOf(poolId: string): string[];
}

/** The token in the identity header: the raw JWT, or `Bearer <jwt>`. */
export function tokenFromHeader(value: string | undefined): string | undefined {
  const token = value?.trim().replace(/^bearer\s+/i, '').trim();
  return token ? token : undefined;
}

/**
 * What a Cognito authorizer asks of a verified token beyond its signature, issuer and expiry. With
 * scopes: an access token holding any one of them. Without: an ID token whose audience is an app
 * client of the pool.
 */
export function tokenFitsMethod(payload: JwtPayload, scopes: readonly string[], poolClientIds: readonly string[]): boolean {
  if (scopes.length > 0) {
    if (payload.token_use !== 'access') return false;
    const granted = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    return scopes.some((scope) => granted.includes(scope));
  }
  return payload.token_use === 'id' && typeof payload.aud === 'string' && poolClientIds.includes(payload.aud);
}

/**
 * JWKS over plain HTTP from the local Cognito (aws-jwt-verify's own fetcher speaks only HTTPS). A
 * non-200 answer is final, like aws-jwt-verify's.
 */
export const httpJwksFetcher: Fetcher = {
  async fetch(uri: string): Promise<ArrayBuffer> {
    const response = await fetch(uri, { signal: AbortSignal.timeout(3_000) });
    if (response.status !== 200) throw new NonRetryableFetchError(uri, `Status code is ${response.status}, expected 200`);
    return response.arrayBuffer();
  },
};

export interface CognitoAuthorizerOptions {
  /** The clock the token cache checks `exp` against (tests move it); Date.now by default. */
  now?: () => number;
}

/**
 * One `COGNITO_USER_POOLS` authorizer: verifies tokens with aws-jwt-verify against its pools' JWKS, and
 * remembers verified ones until they expire (token-cache.ts).
 */
export class CognitoAuthorizer implements Authorizer {
  readonly kind = 'cognito';
  private readonly verifier;
  private readonly poolOfIssuer = new Map<string, string>();
  private readonly verified = new VerifiedTokenCache();
  private readonly now: () => number;

  constructor(readonly spec: CognitoAuthorizerSpec, private readonly pools: PoolDirectory, options: CognitoAuthorizerOptions = {}) {
    this.now = options.now ?? Date.now;
    const issuers = spec.poolIds.map((poolId) => {
      const issuer = pools.issuerFor(poolId);
      this.poolOfIssuer.set(issuer, poolId);
      return { issuer, audience: null, jwksUri: `${issuer}/.well-known/jwks.json` };
    });
    // A short back-off after an unknown kid, so a restarted local Cognito's new keys are picked up soon.
    const jwksCache = new SimpleJwksCache({ fetcher: httpJwksFetcher, penaltyBox: new SimplePenaltyBox({ waitSeconds: 1 }) });
    this.verifier = JwtRsaVerifier.create(issuers as [(typeof issuers)[number], ...typeof issuers], { jwksCache });
  }

  /** The integration gets the verified claims, every value a string (claims.ts); a refusal is a 401 with AWS's message. */
  async authorize(request: AuthorizationRequest): Promise<Authorization> {
    const outcome = await this.verify(headerOf(request.headers, this.spec.header), request.scopes);
    if (!outcome.ok) return { ok: false, error: gatewayErrors.unauthorized(outcome.message) };
    const claims = stringifyClaims(outcome.claims);
    return { ok: true, context: { claims }, principal: claims.sub, client: claims.client_id ?? claims.aud };
  }

  /** The token in `headerValue` checked for a method asking for `scopes`. */
  async verify(headerValue: string | undefined, scopes: readonly string[]): Promise<AuthorizerOutcome> {
    const token = tokenFromHeader(headerValue);
    if (!token) return { ok: false, message: UNAUTHORIZED };
    const cached = this.verified.get(token, this.now());
    if (cached === 'expired') return { ok: false, message: EXPIRED };
    let payload: JwtPayload;
    if (cached) {
      payload = cached;
    } else {
      try {
        payload = await this.verifier.verify(token);
      } catch (error) {
        return { ok: false, message: error instanceof JwtExpiredError ? EXPIRED : UNAUTHORIZED };
      }
      this.verified.set(token, payload);
    }
    // Scopes and token use differ per method: checked on every call, cached or not.
    const poolId = this.poolOfIssuer.get(String(payload.iss));
    if (!poolId || !tokenFitsMethod(payload, scopes, this.pools.clientIdsOf(poolId))) return { ok: false, message: UNAUTHORIZED };
    return { ok: true, claims: payload };
  }
}
