/**
 * The hosted login (issue #8) driven by openid-client, a relying-party library nobody here wrote: discovery from the
 * issuer, authorization code + PKCE (S256) against the twin's sign-in page (driven over HTTP as a browser would),
 * userInfo, refresh and revocation, with the public web client; then the refusals Cognito gives.
 */
import { AdminCreateUserCommand, AdminSetUserPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { generators, Issuer, type BaseClient } from 'openid-client';
import { startTestCognito, STRONG_PASSWORD, uniqueEmail, type TestCognito } from '../support/cognitoHarness';
import { verifyToken } from '../support/cognitoVerify';

const REDIRECT = 'http://localhost:5173/callback';
let t: TestCognito;
let client: BaseClient;

beforeAll(async () => {
  t = await startTestCognito();
  const issuer = await Issuer.discover(t.issuer);
  client = new issuer.Client({ client_id: t.webClientId, token_endpoint_auth_method: 'none', redirect_uris: [REDIRECT], response_types: ['code'] });
});
afterAll(() => t.stop());

async function confirmedUser(label: string): Promise<string> {
  const email = uniqueEmail(label);
  await t.sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }] }));
  await t.sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: t.poolId, Username: email, Password: STRONG_PASSWORD, Permanent: true }));
  return email;
}

/** A browser's trip: authorize → the sign-in page → post the form (with its CSRF cookie) → the redirect. */
async function signInThroughPage(authorizeUrl: string, email: string, password: string): Promise<{ status: number; location: string | null; page?: string }> {
  const toLogin = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(toLogin.status).toBe(302);
  const loginUrl = new URL(toLogin.headers.get('location')!, t.cognito.url).toString();
  const page = await fetch(loginUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const cookie = page.headers.get('set-cookie')?.split(';')[0];
  const posted = await fetch(loginUrl, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie ?? '' },
    body: new URLSearchParams({ _csrf: csrf ?? '', username: email, password }).toString(),
  });
  return { status: posted.status, location: posted.headers.get('location'), ...(posted.status === 302 ? {} : { page: await posted.text() }) };
}

test('code + PKCE through the sign-in page: tokens with the scopes asked for, the nonce, userInfo, refresh, revoke', async () => {
  const email = await confirmedUser('hosted');
  const verifier = generators.codeVerifier();
  const state = generators.state();
  const nonce = generators.nonce();
  const scope = `openid email ${t.system.api.resources.ResourceServer!.properties.Identifier}/read`;
  const url = client.authorizationUrl({ scope, state, nonce, code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256' });
  const trip = await signInThroughPage(url, email, STRONG_PASSWORD);
  expect(trip.status).toBe(302);
  expect(trip.location).toMatch(/^http:\/\/localhost:5173\/callback\?code=/);

  const params = client.callbackParams(trip.location!);
  const tokens = await client.callback(REDIRECT, params, { code_verifier: verifier, state, nonce });
  expect(tokens.claims()).toMatchObject({ email, nonce, aud: t.webClientId, token_use: 'id' });
  const access = await verifyToken(tokens.access_token!, { issuer: t.issuer, tokenUse: 'access', clientId: t.webClientId });
  expect(String(access.scope).split(' ').sort()).toEqual(scope.split(' ').sort());

  expect(await client.userinfo(tokens.access_token!)).toMatchObject({ sub: tokens.claims().sub, email, email_verified: 'true' });
  const refreshed = await client.refresh(tokens.refresh_token!);
  expect(refreshed.access_token).toEqual(expect.any(String));
  await client.revoke(tokens.refresh_token!);
  await expect(client.refresh(tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

  // A code is good once.
  await expect(client.callback(REDIRECT, params, { code_verifier: verifier, state, nonce })).rejects.toMatchObject({ error: 'invalid_grant' });
});

test('the wrong PKCE verifier is invalid_grant; a wrong password re-shows the page with Cognito\'s message', async () => {
  const email = await confirmedUser('hosted-refused');
  const verifier = generators.codeVerifier();
  const url = client.authorizationUrl({ scope: 'openid email', code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256' });
  const wrong = await signInThroughPage(url, email, 'Wrong-Password-1');
  expect(wrong.status).toBe(400);
  expect(wrong.page).toContain('Incorrect username or password.');
  const trip = await signInThroughPage(url, email, STRONG_PASSWORD);
  await expect(client.callback(REDIRECT, client.callbackParams(trip.location!), { code_verifier: generators.codeVerifier() })).rejects.toMatchObject({ error: 'invalid_grant' });
});

test('authorize refusals: an unregistered redirect_uri is Cognito\'s error page (no redirect); a scope the client lacks is invalid_scope at the redirect', async () => {
  const mismatch = await fetch(`${t.cognito.url}/oauth2/authorize?response_type=code&client_id=${t.webClientId}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`, { redirect: 'manual' });
  expect(mismatch.status).toBe(400);
  expect(mismatch.headers.get('location')).toBeNull();
  const badScope = await fetch(client.authorizationUrl({ scope: 'openid phone-is-not-a-scope', state: 's1' }), { redirect: 'manual' });
  expect(badScope.status).toBe(302);
  expect(new URL(badScope.headers.get('location')!).searchParams.toString()).toBe('error=invalid_scope&state=s1');
  const plain = await fetch(`${t.cognito.url}/oauth2/authorize?response_type=code&client_id=${t.webClientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&code_challenge=abc&code_challenge_method=plain`, { redirect: 'manual' });
  expect(new URL(plain.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
});

test('userInfo needs an access token with openid (401 with Cognito\'s challenge otherwise); /logout goes only to a registered URL', async () => {
  const none = await fetch(`${t.cognito.url}/oauth2/userInfo`);
  expect(none.status).toBe(401);
  expect(none.headers.get('www-authenticate')).toContain('error="invalid_token"');
  const logout = await fetch(`${t.cognito.url}/logout?client_id=${t.webClientId}&logout_uri=${encodeURIComponent('http://localhost:5173/')}`, { redirect: 'manual' });
  expect([logout.status, logout.headers.get('location')]).toEqual([302, 'http://localhost:5173/']);
  const elsewhere = await fetch(`${t.cognito.url}/logout?client_id=${t.webClientId}&logout_uri=${encodeURIComponent('https://evil.example/')}`, { redirect: 'manual' });
  expect(elsewhere.status).toBe(400);
});
