import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import { JwtExpiredError } from 'aws-jwt-verify/error';
import { claimsOf, headerOf, postForm, secretHash, startTestCognito, STRONG_PASSWORD, uniqueEmail, type TestCognito, failure } from '../support/cognitoHarness';
import { verifyToken } from '../support/cognitoVerify';

/** Token endpoint, discovery, refresh, revocation and expiry — every token verified with aws-jwt-verify. */

let t: TestCognito;
beforeAll(async () => {
  t = await startTestCognito();
});
afterAll(() => t.stop());

/** A confirmed user signed in through the user client: their sub and tokens. */
async function signedIn(): Promise<{ email: string; username: string; auth: AuthenticationResultType }> {
  const email = uniqueEmail('tokens');
  const created = await t.sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email, MessageAction: 'SUPPRESS' }));
  await t.sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: t.poolId, Username: email, Password: STRONG_PASSWORD, Permanent: true }));
  return { email, username: created.User!.Username!, auth: await passwordAuth(email) };
}

async function passwordAuth(email: string): Promise<AuthenticationResultType> {
  const client = t.clients.UserClient;
  const out = await t.sdk.send(new InitiateAuthCommand({
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: client.id,
    AuthParameters: { USERNAME: email, PASSWORD: STRONG_PASSWORD, SECRET_HASH: secretHash(email, client) },
  }));
  return out.AuthenticationResult!;
}

function refresh(refreshToken: string, hashOver: string | undefined) {
  const client = t.clients.UserClient;
  return t.sdk.send(new InitiateAuthCommand({
    AuthFlow: 'REFRESH_TOKEN_AUTH',
    ClientId: client.id,
    AuthParameters: { REFRESH_TOKEN: refreshToken, ...(hashOver ? { SECRET_HASH: secretHash(hashOver, client) } : {}) },
  }));
}

describe('discovery', () => {
  test('openid-configuration names the issuer, JWKS and token endpoint', async () => {
    const response = await fetch(`${t.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      issuer: t.issuer,
      jwks_uri: `${t.issuer}/.well-known/jwks.json`,
      token_endpoint: t.cognito.tokenUrl,
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(t.cognito.tokenUrl).toBe(`${t.cognito.url}/oauth2/token`);
  });

  test('the JWKS holds two RSA public keys and nothing private', async () => {
    const { keys } = (await (await fetch(`${t.issuer}/.well-known/jwks.json`)).json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(new Set(keys.map((k) => k.kid)).size).toBe(2);
    expect((await fetch(`${t.cognito.url}/us-east-1_unknown12/.well-known/jwks.json`)).status).toBe(404);
  });
});

describe('client credentials at /oauth2/token', () => {
  const tokenUrl = () => t.cognito.tokenUrl;

  test('HTTP Basic client authentication; omitted scope grants all allowed scopes', async () => {
    const m2m = t.clients.M2MClient;
    const result = await postForm(tokenUrl(), { grant_type: 'client_credentials' }, m2m);
    expect(result.status).toBe(200);
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(result.body!).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(result.body).toMatchObject({ expires_in: 3600, token_type: 'Bearer' });
    const token = String(result.body!.access_token);
    const claims = await verifyToken(token, { issuer: t.issuer, tokenUse: 'access', clientId: m2m.id, scope: ['links-api/read', 'links-api/write'] });
    expect(Object.keys(claims).sort()).toEqual(['auth_time', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub', 'token_use', 'version'].sort());
    expect(claims).toMatchObject({ sub: m2m.id, client_id: m2m.id, version: 2, scope: 'links-api/read links-api/write', iss: t.issuer });
    expect(claims.exp! - claims.iat!).toBe(3600);
  });

  test('client_id/client_secret form fields; a requested subset of scopes', async () => {
    const m2m = t.clients.M2MClient;
    const result = await postForm(tokenUrl(), { grant_type: 'client_credentials', client_id: m2m.id, client_secret: m2m.secret, scope: 'links-api/read' });
    expect(result.status).toBe(200);
    expect(claimsOf(String(result.body!.access_token)).scope).toBe('links-api/read');
  });

  test('invalid_scope: a scope outside the client\'s, or unknown', async () => {
    const readOnly = t.clients.ReadOnlyClient;
    expect(await postForm(tokenUrl(), { grant_type: 'client_credentials', scope: 'links-api/write' }, readOnly)).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    expect(await postForm(tokenUrl(), { grant_type: 'client_credentials', scope: 'links-api/read other/x' }, readOnly)).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    expect((await postForm(tokenUrl(), { grant_type: 'client_credentials' }, readOnly)).status).toBe(200);
  });

  test('invalid_client: a wrong secret or an unknown client', async () => {
    const m2m = t.clients.M2MClient;
    expect(await postForm(tokenUrl(), { grant_type: 'client_credentials' }, { id: m2m.id, secret: 'wrong' })).toEqual(expect.objectContaining({ status: 400, body: { error: 'invalid_client' } }));
    expect(await postForm(tokenUrl(), { grant_type: 'client_credentials', client_id: 'nosuchclient', client_secret: 'x' })).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    expect(await postForm(tokenUrl(), { grant_type: 'client_credentials', client_id: m2m.id })).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
  });

  test('unauthorized_client: the user client may not use client credentials', async () => {
    expect(await postForm(tokenUrl(), { grant_type: 'client_credentials' }, t.clients.UserClient)).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } });
  });

  test('unsupported_grant_type and invalid_request', async () => {
    const m2m = t.clients.M2MClient;
    expect(await postForm(tokenUrl(), { grant_type: 'password', username: 'a', password: 'b' }, m2m)).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    expect(await postForm(tokenUrl(), {}, m2m)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const json = await fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({ error: 'invalid_request' });
    // Two client authentication methods at once (RFC 6749 §2.3.1).
    expect(await postForm(tokenUrl(), { grant_type: 'client_credentials', client_secret: m2m.secret }, m2m)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });
});

describe('user tokens', () => {
  test('GetUser answers for a valid access token; a client-credentials token lacks the scope it needs', async () => {
    const { email, username, auth } = await signedIn();
    const user = await t.sdk.send(new GetUserCommand({ AccessToken: auth.AccessToken }));
    expect(user.Username).toBe(username);
    expect(user.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email', Value: email }, { Name: 'sub', Value: username }]));

    const m2mToken = String((await postForm(t.cognito.tokenUrl, { grant_type: 'client_credentials' }, t.clients.M2MClient)).body!.access_token);
    expect(await failure(t.sdk.send(new GetUserCommand({ AccessToken: m2mToken })))).toEqual({ status: 400, name: 'NotAuthorizedException', message: 'Access Token does not have required scopes' });
    expect(await failure(t.sdk.send(new GetUserCommand({ AccessToken: auth.IdToken })))).toEqual({ status: 400, name: 'NotAuthorizedException', message: 'Invalid Access Token' });
    expect(await failure(t.sdk.send(new GetUserCommand({ AccessToken: 'not-a-jwt' })))).toEqual({ status: 400, name: 'NotAuthorizedException', message: 'Invalid Access Token' });
  });

  test('REFRESH_TOKEN_AUTH: SECRET_HASH over the internal username; same origin_jti and auth_time; no new refresh token', async () => {
    const { email, username, auth } = await signedIn();
    expect(await failure(refresh(auth.RefreshToken!, undefined))).toEqual({
      status: 400,
      name: 'NotAuthorizedException',
      message: `Client ${t.clients.UserClient.id} is configured with secret but SECRET_HASH was not received`,
    });
    // The classic mistake: hashing the email for refresh. AWS refuses it, and so does the twin.
    expect(await failure(refresh(auth.RefreshToken!, email))).toEqual({
      status: 400,
      name: 'NotAuthorizedException',
      message: `Unable to verify secret hash for client ${t.clients.UserClient.id}`,
    });
    const renewed = (await refresh(auth.RefreshToken!, username)).AuthenticationResult!;
    expect(renewed.RefreshToken).toBeUndefined();
    expect(renewed).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600 });
    const before = claimsOf(auth.IdToken!);
    const after = await verifyToken(renewed.IdToken!, { issuer: t.issuer, tokenUse: 'id', clientId: t.clients.UserClient.id });
    expect(after).toMatchObject({ origin_jti: before.origin_jti, auth_time: before.auth_time, sub: username });
    await verifyToken(renewed.AccessToken!, { issuer: t.issuer, tokenUse: 'access', clientId: t.clients.UserClient.id });
    expect(await failure(refresh('garbage', username))).toEqual({ status: 400, name: 'NotAuthorizedException', message: 'Invalid Refresh Token' });
  });

  test('refresh_token grant at /oauth2/token', async () => {
    const { username, auth } = await signedIn();
    const user = t.clients.UserClient;
    const result = await postForm(t.cognito.tokenUrl, { grant_type: 'refresh_token', refresh_token: auth.RefreshToken! }, user);
    expect(result.status).toBe(200);
    expect(Object.keys(result.body!).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'token_type']);
    const id = await verifyToken(String(result.body!.id_token), { issuer: t.issuer, tokenUse: 'id', clientId: user.id });
    expect(id.sub).toBe(username);
    expect(await postForm(t.cognito.tokenUrl, { grant_type: 'refresh_token', refresh_token: 'garbage' }, user)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await postForm(t.cognito.tokenUrl, { grant_type: 'refresh_token' }, user)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    // Client-credentials clients have no user OAuth flow to refresh.
    expect(await postForm(t.cognito.tokenUrl, { grant_type: 'refresh_token', refresh_token: auth.RefreshToken! }, t.clients.M2MClient)).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } });
  });

  test('RevokeToken revokes the refresh token and the access tokens minted from it', async () => {
    const { username, auth } = await signedIn();
    const client = t.clients.UserClient;
    expect(await failure(t.sdk.send(new RevokeTokenCommand({ ClientId: client.id, Token: auth.RefreshToken }))))
      .toMatchObject({ name: 'UnauthorizedException' });
    expect(await failure(t.sdk.send(new RevokeTokenCommand({ ClientId: client.id, ClientSecret: client.secret, Token: auth.AccessToken }))))
      .toMatchObject({ name: 'UnsupportedTokenTypeException' });
    await t.sdk.send(new RevokeTokenCommand({ ClientId: client.id, ClientSecret: client.secret, Token: auth.RefreshToken }));
    expect(await failure(refresh(auth.RefreshToken!, username))).toEqual({ status: 400, name: 'NotAuthorizedException', message: 'Refresh Token has been revoked' });
    expect(await failure(t.sdk.send(new GetUserCommand({ AccessToken: auth.AccessToken })))).toEqual({ status: 400, name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
    expect(await postForm(t.cognito.tokenUrl, { grant_type: 'refresh_token', refresh_token: auth.RefreshToken! }, client)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // Revoking again (or an unknown token) is not an error.
    await t.sdk.send(new RevokeTokenCommand({ ClientId: client.id, ClientSecret: client.secret, Token: auth.RefreshToken }));
  });

  test('GlobalSignOut ends every session of the user; signing in again works', async () => {
    const { email, username, auth } = await signedIn();
    const second = await passwordAuth(email);
    await t.sdk.send(new GlobalSignOutCommand({ AccessToken: auth.AccessToken }));
    for (const session of [auth, second]) {
      expect(await failure(refresh(session.RefreshToken!, username))).toEqual({ status: 400, name: 'NotAuthorizedException', message: 'Refresh Token has been revoked' });
      expect(await failure(t.sdk.send(new GetUserCommand({ AccessToken: session.AccessToken })))).toEqual({ status: 400, name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
    }
    const fresh = await passwordAuth(email);
    expect((await t.sdk.send(new GetUserCommand({ AccessToken: fresh.AccessToken }))).Username).toBe(username);
  });

  test('/oauth2/revoke (RFC 7009): 200 with an empty body, then the refresh token is dead', async () => {
    const { username, auth } = await signedIn();
    const client = t.clients.UserClient;
    const revokeUrl = `${t.cognito.url}/oauth2/revoke`;
    expect(await postForm(revokeUrl, { token: auth.RefreshToken! }, { id: client.id, secret: 'wrong' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await postForm(revokeUrl, {}, client)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await postForm(revokeUrl, { token: auth.AccessToken! }, client)).toMatchObject({ status: 400, body: { error: 'unsupported_token_type' } });
    expect(await postForm(revokeUrl, { token: auth.RefreshToken! }, client)).toMatchObject({ status: 200, body: null });
    expect(await failure(refresh(auth.RefreshToken!, username))).toMatchObject({ message: 'Refresh Token has been revoked' });
    expect(await postForm(revokeUrl, { token: 'unknown-token' }, client)).toMatchObject({ status: 200, body: null });
  });
});

describe('expiry follows the server clock', () => {
  test('tokens minted two hours ago are expired for aws-jwt-verify and for GetUser', async () => {
    const email = uniqueEmail('expired');
    await t.sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email, MessageAction: 'SUPPRESS' }));
    await t.sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: t.poolId, Username: email, Password: STRONG_PASSWORD, Permanent: true }));
    t.setClockOffset(-2 * 3_600_000);
    let auth: AuthenticationResultType;
    let m2mToken: string;
    try {
      auth = await passwordAuth(email);
      m2mToken = String((await postForm(t.cognito.tokenUrl, { grant_type: 'client_credentials' }, t.clients.M2MClient)).body!.access_token);
    } finally {
      t.setClockOffset(0);
    }
    const client = t.clients.UserClient;
    await expect(verifyToken(auth.IdToken!, { issuer: t.issuer, tokenUse: 'id', clientId: client.id })).rejects.toBeInstanceOf(JwtExpiredError);
    await expect(verifyToken(auth.AccessToken!, { issuer: t.issuer, tokenUse: 'access', clientId: client.id })).rejects.toBeInstanceOf(JwtExpiredError);
    await expect(verifyToken(m2mToken, { issuer: t.issuer, tokenUse: 'access', clientId: t.clients.M2MClient.id })).rejects.toBeInstanceOf(JwtExpiredError);
    expect(await failure(t.sdk.send(new GetUserCommand({ AccessToken: auth.AccessToken })))).toEqual({ status: 400, name: 'NotAuthorizedException', message: 'Access Token has expired' });
    // The refresh token (30 days) still works, and its tokens are current.
    const username = String(claimsOf(auth.IdToken!).sub);
    const renewed = (await refresh(auth.RefreshToken!, username)).AuthenticationResult!;
    await verifyToken(renewed.IdToken!, { issuer: t.issuer, tokenUse: 'id', clientId: client.id });
    expect(headerOf(renewed.IdToken!).kid).toBe(headerOf(auth.IdToken!).kid);
  });

  test('a refresh token expires after RefreshTokenValidity (30 days)', async () => {
    const { username, auth } = await signedIn();
    t.setClockOffset(31 * 86_400_000);
    try {
      expect(await failure(refresh(auth.RefreshToken!, username))).toEqual({ status: 400, name: 'NotAuthorizedException', message: 'Refresh Token has expired' });
    } finally {
      t.setClockOffset(0);
    }
  });
});
