/**
 * The links web app (web/) in a real browser against the twin: sign up and confirm (the code from the outbox) and sign
 * in through the hosted login (oidc-client-ts, code + PKCE), see the user, save a link through the API with the access
 * token, tag it, refresh the tokens, delete it, sign out.
 */
import type { Browser } from 'playwright-core';
import { freePort } from '../../local/net';
import type { Twin } from '../../local/twin';
import { uniqueEmail } from '../support/cognitoHarness';
import { startTestTwin } from '../support/twin';
import { browserTest, launchChromium } from '../support/browser';


let twin: Twin;
let browser: Browser | undefined;
const logs: string[] = [];

beforeAll(async () => {
  const webPort = await freePort();
  twin = await startTestTwin({ webPort, log: (line) => logs.push(line), apiParameters: { CallbackUrls: `http://localhost:${webPort}/callback`, LogoutUrls: `http://localhost:${webPort}/` } });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await twin?.stop();
});

browserTest('sign up, confirm, sign in, see the user, save, tag and delete a link, refresh, sign out', async () => {
  const email = uniqueEmail('web-app');
  const password = 'Web-App-Passw0rd!';
  const tab = await browser!.newPage();
  await tab.goto(twin.outputs.local.WebAppUrl!);
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await tab.getByRole('link', { name: 'Need an account? Sign up' }).click();
  await tab.getByLabel('Email').fill(email);
  await tab.getByLabel('Password').fill(password);
  await tab.getByRole('button', { name: 'Sign up' }).click();
  await tab.getByRole('heading', { name: 'Confirm your account' }).waitFor();
  const code = /: (\d{6})$/.exec([...logs].reverse().find((l) => l.includes('confirmation code') && l.includes(email)) ?? '')?.[1];
  await tab.getByLabel('Verification code').fill(code ?? 'no code was printed');
  await tab.getByRole('button', { name: 'Confirm account' }).click();
  await tab.getByLabel('Email').fill(email);
  await tab.getByLabel('Password').fill(password);
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await tab.locator('#who').filter({ hasText: `Signed in as ${email}` }).waitFor({ timeout: 20_000 });

  await tab.getByLabel('URL').fill('https://example.com/from-the-browser');
  await tab.getByRole('button', { name: 'Save link' }).click();
  const item = tab.locator('#links li').filter({ hasText: 'https://example.com/from-the-browser' });
  await item.waitFor();
  await item.getByRole('button', { name: 'Tag "later"' }).click();
  await tab.locator('#links li').filter({ hasText: '[later]' }).waitFor();
  await tab.getByRole('button', { name: 'Refresh tokens' }).click();
  await tab.locator('#status').filter({ hasText: 'Tokens refreshed.' }).waitFor();
  await tab.locator('#links li').getByRole('button', { name: 'Delete' }).click();
  await tab.locator('#links li').waitFor({ state: 'detached' });

  await tab.getByRole('button', { name: 'Sign out' }).click();
  await tab.getByRole('button', { name: 'Sign in' }).waitFor();
  expect(tab.url()).toBe(twin.outputs.local.WebAppUrl);
  await tab.close();
}, 120_000);
