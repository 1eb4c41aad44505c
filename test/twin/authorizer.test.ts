/**
 * The Cognito authorizer matrix through the whole twin: real tokens from the local Cognito, forged ones
 * made the ways attackers make them, and the exact statuses and bodies API Gateway answers with.
 */
import { decodeProtectedHeader, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { Twin } from '../../local/twin';
import { payloadOf, withAlgNone, withHs256PublicKey, withTamperedPayload } from '../support/forgedTokens';
import { clientCredentialsToken, http, signedInUser, startTestTwin } from '../support/twin';


describe('API Gateway Cognito authorizer, through the twin', () => {
  let twin: Twin;
  let other: Twin;
  let clockOffset = 0;
  let api: string;
  let m2m: string;
  let readOnly: string;
  let userAccess: string;
  let userId: string;

  beforeAll(async () => {
    twin = await startTestTwin({ clock: () => Date.now() + clockOffset });
    other = await startTestTwin();
    api = twin.outputs.api.ApiUrl!;
    m2m = await clientCredentialsToken(twin, twin.outputs.api.M2MClientId!);
    readOnly = await clientCredentialsToken(twin, twin.outputs.api.ReadOnlyClientId!);

    ({ accessToken: userAccess, idToken: userId } = await signedInUser(twin, 'matrix@example.com'));
  });
  afterAll(async () => {
    await twin?.stop();
    await other?.stop();
  });

  const call = (method: string, path: string, token?: string, body?: unknown) =>
    http(`${api}${path}`, {
      method,
      headers: { ...(token === undefined ? {} : { authorization: token }), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  const unauthorized = { status: 401, body: { message: 'Unauthorized' } };
  const pick = (r: { status: number; body: unknown }) => ({ status: r.status, body: r.body });

  test('no Authorization header → 401 Unauthorized, with the GatewayResponses CORS header', async () => {
    const result = await call('GET', 'links');
    expect(pick(result)).toEqual(unauthorized);
    expect(result.headers.get('access-control-allow-origin')).toBe('*');
  });

  test('garbage → 401', async () => {
    expect(pick(await call('GET', 'links', 'not-a-jwt'))).toEqual(unauthorized);
    expect(pick(await call('GET', 'links', 'a.b.c'))).toEqual(unauthorized);
  });

  test('bad signature (payload changed after signing) → 401', async () => {
    const forged = withTamperedPayload(m2m, { sub: 'someone-else' });
    expect(pick(await call('GET', 'links', forged))).toEqual(unauthorized);
  });

  test('alg none → 401', async () => {
    const forged = withAlgNone(m2m);
    expect(pick(await call('GET', 'links', forged))).toEqual(unauthorized);
  });

  test('HS256 signed with the public key as HMAC secret → 401', async () => {
    const { kid } = decodeProtectedHeader(m2m);
    const jwks = (await http(`${twin.outputs.auth.IssuerUrl}/.well-known/jwks.json`)).body as { keys: (JWK & { kid: string })[] };
    const forged = withHs256PublicKey(m2m, jwks.keys.find((key) => key.kid === kid)!);
    expect(pick(await call('GET', 'links', forged))).toEqual(unauthorized);
  });

  test('unknown kid (our own RSA key) → 401', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(payloadOf(m2m)).setProtectedHeader({ alg: 'RS256', kid: 'attacker-key' }).sign(privateKey);
    expect(pick(await call('GET', 'links', forged))).toEqual(unauthorized);
  });

  test('a valid token of another user pool (wrong issuer) → 401', async () => {
    const foreign = await clientCredentialsToken(other, other.outputs.api.M2MClientId!);
    expect(payloadOf(foreign).iss).not.toBe(payloadOf(m2m).iss);
    expect(pick(await call('GET', 'links', foreign))).toEqual(unauthorized);
  });

  test('expired → 401 "The incoming token has expired"', async () => {
    clockOffset = -2 * 60 * 60 * 1000;
    let expired: string;
    try {
      expired = await clientCredentialsToken(twin, twin.outputs.api.M2MClientId!);
    } finally {
      clockOffset = 0;
    }
    expect(pick(await call('GET', 'links', expired))).toEqual({ status: 401, body: { message: 'The incoming token has expired' } });
  });

  test('ID token on a scoped route → 401', async () => {
    expect(pick(await call('GET', 'links', userId))).toEqual(unauthorized);
  });

  test('access token on the ID-token route → 401', async () => {
    expect(pick(await call('GET', 'me', m2m))).toEqual(unauthorized);
    expect(pick(await call('GET', 'me', userAccess))).toEqual(unauthorized);
  });

  test('read-only client on a write route → 401 (REST authorizers answer 401, not 403)', async () => {
    expect(pick(await call('POST', 'links', readOnly, { url: 'https://example.com/ro' }))).toEqual(unauthorized);
    expect((await call('GET', 'links', readOnly)).status).toBe(200);
  });

  test('the right scope passes; any listed scope suffices (user token carries aws.cognito.signin.user.admin)', async () => {
    expect((await call('POST', 'links', m2m, { url: 'https://example.com/rw' })).status).toBe(201);
    expect((await call('POST', 'links', userAccess, { url: 'https://example.com/user' })).status).toBe(201);
    expect((await call('GET', 'links', `Bearer ${m2m}`)).status).toBe(200);
    const me = await call('GET', 'me', userId);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'matrix@example.com', sub: payloadOf(userId).sub });
  });

  test('unknown route or method → 403 before any authorizer, worded as AWS words it', async () => {
    expect(pick(await call('GET', 'nope'))).toEqual({ status: 403, body: { message: 'Missing Authentication Token' } });
    expect(pick(await call('PATCH', 'links'))).toEqual({ status: 403, body: { message: 'Missing Authentication Token' } });
    // With an Authorization header, API Gateway reads it as a broken SigV4 header and says so (hashing, not echoing, it).
    const withToken = await call('GET', 'nope', m2m);
    expect(withToken.status).toBe(403);
    expect((withToken.body as { message: string }).message).toMatch(/^Invalid key=value pair \(missing equal-sign\) in Authorization header \(hashed with SHA-256 and encoded with Base64\): '[A-Za-z0-9+/]+=*'\.$/);
    expect(JSON.stringify(withToken.body)).not.toContain(m2m);
  });

  test('owners are isolated over HTTP: a user gets 404, not 403, for the machines\' link; the read-only client reads it', async () => {
    const created = await call('POST', 'links', m2m, { url: 'https://example.com/private', tags: ['mine'] });
    expect(created.status).toBe(201);
    const { linkId } = created.body as { linkId: string };
    expect((await call('GET', `links/${linkId}`, m2m)).status).toBe(200);
    // The API's machine clients share one owner: the read-only client reads what the read-write one wrote...
    expect((await call('GET', `links/${linkId}`, readOnly)).status).toBe(200);
    expect(((await call('GET', 'links?tag=mine', readOnly)).body as { items: { linkId: string }[] }).items.map((item) => item.linkId)).toEqual([linkId]);
    // ...and cannot write (its token lacks the write scope: the authorizer's 401).
    expect((await call('DELETE', `links/${linkId}`, readOnly)).status).toBe(401);
    // A user is another owner altogether.
    expect((await call('GET', `links/${linkId}`, userAccess)).status).toBe(404);
    const listed = (await call('GET', 'links', userAccess)).body as { items: { linkId: string }[] };
    expect(listed.items.map((item) => item.linkId)).not.toContain(linkId);
    expect((await call('DELETE', `links/${linkId}`, userAccess)).status).toBe(404);
    expect((await call('PUT', `links/${linkId}/tags/stolen`, userAccess)).status).toBe(404);
    expect((await call('GET', `links/${linkId}`, m2m)).status).toBe(200);
  });
});
