import { JwtRsaVerifier } from 'aws-jwt-verify';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';

/**
 * aws-jwt-verify against the local JWKS. Its built-in fetcher speaks HTTPS only; the local issuer is plain
 * HTTP on loopback, so it gets a fetcher over global fetch. Everything else (signature, kid lookup, iss,
 * exp, aud, token_use via customJwtCheck) is aws-jwt-verify's own checking.
 */
const httpFetcher: Fetcher = {
  fetch: async (uri) => {
    const response = await fetch(uri);
    if (response.status !== 200) throw new Error(`${uri}: HTTP ${response.status}`);
    return response.arrayBuffer();
  },
};

export interface ExpectedToken {
  issuer: string;
  tokenUse: 'access' | 'id';
  clientId: string;
  scope?: string | string[];
}

export function verifierFor(expected: ExpectedToken) {
  return JwtRsaVerifier.create(
    {
      issuer: expected.issuer,
      jwksUri: `${expected.issuer}/.well-known/jwks.json`,
      // ID tokens name the client in aud; access tokens have no aud, their client is client_id.
      audience: expected.tokenUse === 'id' ? expected.clientId : null,
      scope: expected.scope,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== expected.tokenUse) throw new Error(`expected a ${expected.tokenUse} token, got token_use ${String(payload.token_use)}`);
        if (expected.tokenUse === 'access' && payload.client_id !== expected.clientId) throw new Error(`client_id ${String(payload.client_id)} is not ${expected.clientId}`);
      },
    },
    { jwksCache: new SimpleJwksCache({ fetcher: httpFetcher }) },
  );
}

export function verifyToken(token: string, expected: ExpectedToken) {
  return verifierFor(expected).verify(token);
}
