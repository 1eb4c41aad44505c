/**
 * A stand-in for the local Cognito, just enough for the gateway: it serves a JWKS per pool at
 * `${issuer}/.well-known/jwks.json` and mints tokens shaped like Cognito's (ID and access tokens signed
 * with different keys), plus the forgeries an attacker would try.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import type { LocalCognito } from '../../local/contracts';

export { parts, payloadOf, withAlgNone, withHs256PublicKey, withTamperedPayload } from '../support/forgedTokens';

export interface TokenOptions {
  /** Seconds from now until expiry (negative = already expired). */
  expiresIn?: number;
  /** Override or add claims. */
  claims?: Record<string, unknown>;
  /** Sign with a key the JWKS does not hold. */
  foreignKey?: boolean;
  /** Issuer to write instead of the pool's. */
  issuer?: string;
}

export interface FakeCognito extends LocalCognito {
  idToken(poolId: string, clientId: string, options?: TokenOptions): Promise<string>;
  accessToken(poolId: string, clientId: string, scope: string, options?: TokenOptions): Promise<string>;
  /** The public JWK of the access-token key (for the HS256-with-public-key forgery). */
  accessJwk: JWK;
  requests: number;
}


export async function startFakeCognito(): Promise<FakeCognito> {
  const idKey = await generateKeyPair('RS256');
  const accessKey = await generateKeyPair('RS256');
  const foreign = await generateKeyPair('RS256');
  const accessJwk = { ...(await exportJWK(accessKey.publicKey)), kid: 'access-key', alg: 'RS256', use: 'sig' };
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(idKey.publicKey)), kid: 'id-key', alg: 'RS256', use: 'sig' }, accessJwk] });

  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    if (/^\/[\w-]+\/\.well-known\/jwks\.json$/.test(req.url ?? '')) {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(jwks);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuerFor = (poolId: string) => `${url}/${poolId}`;

  const sign = (claims: Record<string, unknown>, key: KeyLike, kid: string, options: TokenOptions) => {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + (options.expiresIn ?? 3600);
    return new SignJWT({ auth_time: exp - 3600, iat: exp - 3600, exp, jti: randomUUID(), ...claims, ...options.claims })
      .setProtectedHeader({ alg: 'RS256', kid: options.foreignKey ? 'attacker-key' : kid })
      .sign(options.foreignKey ? foreign.privateKey : key);
  };

  return {
    url,
    tokenUrl: `${url}/oauth2/token`,
    issuerFor,
    clientSecret: () => undefined,
    accessJwk,
    get requests() {
      return requests;
    },
    idToken: (poolId, clientId, options = {}) =>
      sign(
        {
          sub: 'a1b2c3d4-0000-4000-8000-000000000001',
          aud: clientId,
          email: 'ada@example.com',
          email_verified: true,
          'cognito:username': 'a1b2c3d4-0000-4000-8000-000000000001',
          'cognito:groups': ['admins', 'editors'],
          token_use: 'id',
          iss: options.issuer ?? issuerFor(poolId),
          origin_jti: randomUUID(),
          event_id: randomUUID(),
        },
        idKey.privateKey,
        'id-key',
        options,
      ),
    accessToken: (poolId, clientId, scope, options = {}) =>
      sign(
        { sub: clientId, token_use: 'access', scope, iss: options.issuer ?? issuerFor(poolId), version: 2, client_id: clientId },
        accessKey.privateKey,
        'access-key',
        options,
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
