/**
 * The gateway authorizer's verified-token cache (local/apigateway/token-cache.ts): a token is verified once and
 * then served from the cache for the rest of its life, but an expired, tampered or misused token still fails
 * exactly as it would uncached ("The incoming token has expired" / "Unauthorized"). Real RS256 tokens, a real
 * JWKS over HTTP, the real aws-jwt-verify underneath.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { CognitoAuthorizer, EXPIRED, UNAUTHORIZED } from '../../local/apigateway/authorizers/cognito';
import { VerifiedTokenCache } from '../../local/apigateway/token-cache';
import { withTamperedPayload } from '../support/forgedTokens';

const POOL = 'us-east-1_CacheTest';
const CLIENT = 'cacheclient1';
const SCOPE = 'links-api/read';

describe('verified-token cache of the Cognito authorizer', () => {
  let server: Server;
  let issuer = '';
  let sign: (claims: Record<string, unknown>) => Promise<string>;
  let clock = Date.now();
  let authorizer: CognitoAuthorizer;
  let verify: jest.SpyInstance;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'cache-key', alg: 'RS256', use: 'sig' };
    server = createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${POOL}`;
    sign = (claims) => new SignJWT({ iss: issuer, ...claims }).setProtectedHeader({ alg: 'RS256', kid: 'cache-key' }).sign(privateKey);
  });
  afterAll(async () => {
    await new Promise((done) => server.close(done));
  });
  beforeEach(() => {
    clock = Date.now();
    authorizer = new CognitoAuthorizer(
      { kind: 'cognito', name: 'CognitoAuthorizer', poolIds: [POOL], header: 'Authorization', scopes: undefined },
      { issuerFor: () => issuer, clientIdsOf: () => [CLIENT] },
      { now: () => clock },
    );
    verify = jest.spyOn((authorizer as unknown as { verifier: { verify: (token: string) => Promise<unknown> } }).verifier, 'verify');
  });

  const accessToken = (lifeSeconds: number) => {
    const now = Math.floor(Date.now() / 1000);
    return sign({ token_use: 'access', scope: SCOPE, client_id: CLIENT, sub: 'user-1', iat: now, exp: now + lifeSeconds });
  };

  test('the same token is verified once, then answered from the cache', async () => {
    const token = await accessToken(3600);
    for (let i = 0; i < 5; i++) expect(await authorizer.verify(token, [SCOPE])).toMatchObject({ ok: true, claims: { sub: 'user-1' } });
    expect(await authorizer.verify(`Bearer ${token}`, [SCOPE])).toMatchObject({ ok: true });
    expect(verify).toHaveBeenCalledTimes(1);
  });

  test('a cached token past its exp is refused as expired, as the verifier refuses it', async () => {
    const token = await accessToken(60);
    expect(await authorizer.verify(token, [SCOPE])).toMatchObject({ ok: true });
    clock += 61_000;
    expect(await authorizer.verify(token, [SCOPE])).toEqual({ ok: false, message: EXPIRED });
    // Answered by the cache: the verifier (on the real clock here) was not asked again.
    expect(verify).toHaveBeenCalledTimes(1);
  });

  test('a token already expired is never cached: verified (and refused) on every call', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await sign({ token_use: 'access', scope: SCOPE, client_id: CLIENT, iat: now - 7200, exp: now - 3600 });
    expect(await authorizer.verify(expired, [SCOPE])).toEqual({ ok: false, message: EXPIRED });
    expect(await authorizer.verify(expired, [SCOPE])).toEqual({ ok: false, message: EXPIRED });
    expect(verify).toHaveBeenCalledTimes(2);
  });

  test('a tampered copy of a cached token is not the cached token: verified, and refused', async () => {
    const token = await accessToken(3600);
    expect(await authorizer.verify(token, [SCOPE])).toMatchObject({ ok: true });
    const forged = withTamperedPayload(token, { sub: 'someone-else' });
    expect(await authorizer.verify(forged, [SCOPE])).toEqual({ ok: false, message: UNAUTHORIZED });
    expect(verify).toHaveBeenCalledTimes(2);
  });

  test('scopes and token use are checked on every call, cached or not', async () => {
    const token = await accessToken(3600);
    expect(await authorizer.verify(token, [SCOPE])).toMatchObject({ ok: true });
    expect(await authorizer.verify(token, ['links-api/write'])).toEqual({ ok: false, message: UNAUTHORIZED });
    // A route without scopes wants an ID token.
    expect(await authorizer.verify(token, [])).toEqual({ ok: false, message: UNAUTHORIZED });
    expect(verify).toHaveBeenCalledTimes(1);
  });
});

describe('VerifiedTokenCache', () => {
  const payload = (exp: number) => ({ sub: 's', exp }) as never;

  test('keyed by a hash: the token itself is not kept', () => {
    const cache = new VerifiedTokenCache();
    const token = 'header.payload.signature-that-must-not-be-stored';
    cache.set(token, payload(2_000_000_000));
    const kept = JSON.stringify([...(cache as unknown as { entries: Map<string, unknown> }).entries.keys()]);
    expect(kept).not.toContain('signature');
    expect(cache.get(token, 1_000_000_000_000)).toMatchObject({ sub: 's' });
    expect(cache.get(`${token}x`, 1_000_000_000_000)).toBeUndefined();
  });

  test('expired exactly as aws-jwt-verify counts it (exp < now in seconds), and a token without exp is not kept', () => {
    const cache = new VerifiedTokenCache();
    cache.set('t', payload(1000));
    expect(cache.get('t', 1_000_000)).toMatchObject({ exp: 1000 });
    expect(cache.get('t', 1_000_001)).toBe('expired');
    cache.set('no-exp', { sub: 's' } as never);
    expect(cache.size).toBe(0);
  });

  test('bounded: the oldest entries make room', () => {
    const cache = new VerifiedTokenCache(10);
    for (let i = 0; i < 25; i++) cache.set(`token-${i}`, payload(2_000_000_000));
    expect(cache.size).toBeLessThanOrEqual(10);
    expect(cache.get('token-24', 0)).toBeDefined();
    expect(cache.get('token-0', 0)).toBeUndefined();
  });
});
