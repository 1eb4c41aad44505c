/**
 * Issue #8's journey in a real browser (Debian's Chromium, driven by playwright-core): from an app's authorize link
 * through the twin's hosted pages — sign up, confirm with the code from the outbox, sign in — to the app's callback
 * with a code, which openid-client exchanges (PKCE) for tokens the pool's JWKS verifies; then /logout back to the app.
 */
import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { generators, Issuer, type BaseClient } from 'openid-client';
import { freePort } from '../../local/net';
import { startTestCognito, uniqueEmail, type TestCognito } from '../support/cognitoHarness';
import { verifyToken } from '../support/cognitoVerify';
import { browserTest, launchChromium } from '../support/browser';


describe('the hosted login in a real browser', () => {
  let t: TestCognito;
  let app: Server;
  let browser: Browser | undefined;
  let appUrl = '';
  let client: BaseClient;

  beforeAll(async () => {
    const port = await freePort();
    appUrl = `http://localhost:${port}`;
    // The app's callback and logout URLs are template parameters, as they would be for a deployed app.
    t = await startTestCognito({ apiParameters: { CallbackUrls: `${appUrl}/callback`, LogoutUrls: `${appUrl}/` } });
    app = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>app</title><p id="where">${req.url}</p>`));
    await new Promise<void>((done) => app.listen(port, '127.0.0.1', done));
    const issuer = await Issuer.discover(t.issuer);
    client = new issuer.Client({ client_id: t.webClientId, token_endpoint_auth_method: 'none', redirect_uris: [`${appUrl}/callback`], response_types: ['code'] });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((done) => (app ? app.close(() => done()) : done()));
    await t?.stop();
  });

  browserTest('sign up, confirm with the outboxed code, sign in, land on the callback with a code, exchange it, sign out', async () => {
    const email = uniqueEmail('browser');
    const password = 'Browser-Passw0rd!';
    const verifier = generators.codeVerifier();
    const state = generators.state();
    const tab = await browser!.newPage();
    await tab.goto(client.authorizationUrl({ scope: 'openid email', state, code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256' }));
    await tab.getByRole('heading', { name: 'Sign in' }).waitFor();
    await tab.getByRole('link', { name: 'Need an account? Sign up' }).click();
    await tab.getByLabel('Email').fill(email);
    await tab.getByLabel('Password').fill(password);
    await tab.getByRole('button', { name: 'Sign up' }).click();
    await tab.getByRole('heading', { name: 'Confirm your account' }).waitFor();
    const line = [...t.logs].reverse().find((l) => l.includes('confirmation code') && l.includes(email));
    const code = /: (\d{6})$/.exec(line ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    await tab.getByLabel('Verification code').fill(code!);
    await tab.getByRole('button', { name: 'Confirm account' }).click();
    await tab.getByRole('status').filter({ hasText: 'Your account is confirmed' }).waitFor();
    await tab.getByLabel('Email').fill(email);
    await tab.getByLabel('Password').fill(password);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    // Where the browser is, if it is not at the callback, says why (a page with an error, a blocked redirect).
    await tab.waitForURL(new RegExp(`^${appUrl}/callback\\?`), { timeout: 15_000 }).catch(async (error: Error) => {
      throw new Error(`${error.message} — still at ${tab.url()}: ${(await tab.content()).slice(0, 600)}`);
    });

    const tokens = await client.callback(`${appUrl}/callback`, client.callbackParams(tab.url()), { code_verifier: verifier, state });
    expect(tokens.claims()).toMatchObject({ email, email_verified: true });
    await verifyToken(tokens.access_token!, { issuer: t.issuer, tokenUse: 'access', clientId: t.webClientId });

    await tab.goto(`${t.cognito.url}/logout?client_id=${t.webClientId}&logout_uri=${encodeURIComponent(`${appUrl}/`)}`);
    expect(tab.url()).toBe(`${appUrl}/`);
    await tab.close();
  }, 90_000);
});
