import { JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { httpJwksFetcher } from '../../local/apigateway/authorizers/cognito';

export interface ExpectedToken {
  issuer: string;
  tokenUse: 'access' | 'id';
  clientId: string;
  scope?: string | string[];
}

/** aws-jwt-verify against the local JWKS, fetched over plain HTTP the way the local gateway fetches it. */
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
    { jwksCache: new SimpleJwksCache({ fetcher: httpJwksFetcher }) },
  );
}

export function verifyToken(token: string, expected: ExpectedToken) {
  return verifierFor(expected).verify(token);
}
