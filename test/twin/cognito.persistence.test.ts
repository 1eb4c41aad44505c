import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, InitiateAuthCommand, RevokeTokenCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startCognito } from '../../local/cognito/server';
import { loadSystem } from '../../local/template/system';
import { headerOf, postForm, secretHash, startTestCognito, STRONG_PASSWORD, uniqueEmail, signIn } from '../support/cognitoHarness';
import { noFunctions } from '../support/cognitoInvoker';
import { verifyToken } from '../support/cognitoVerify';

/** With a state file, keys, users and token records survive a restart; the file holds nothing replayable. */

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cognito-state-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('keys, users and refresh tokens survive a restart; the old tokens still verify', async () => {
  const stateFile = join(dir, 'cognito.json');
  // One system for both runs: the same pool and client ids, as the twin's id store gives across restarts.
  const system = loadSystem({ rootDir: process.cwd() });
  const email = uniqueEmail('persist');

  const first = await startTestCognito({ system, stateFile });
  let idToken: string;
  let refreshToken: string;
  let revokedToken: string;
  let m2mToken: string;
  let username: string;
  const port = Number(new URL(first.cognito.url).port);
  try {
    const created = await first.sdk.send(new AdminCreateUserCommand({ UserPoolId: first.poolId, Username: email }));
    username = created.User!.Username!;
    await first.sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: first.poolId, Username: email, Password: STRONG_PASSWORD, Permanent: true }));
    const auth = (await signIn(first, email)).AuthenticationResult!;
    idToken = auth.IdToken!;
    refreshToken = auth.RefreshToken!;
    revokedToken = (await signIn(first, email)).AuthenticationResult!.RefreshToken!;
    const client = first.clients.UserClient;
    await first.sdk.send(new RevokeTokenCommand({ ClientId: client.id, ClientSecret: client.secret, Token: revokedToken }));
    m2mToken = String((await postForm(first.cognito.tokenUrl, { grant_type: 'client_credentials' }, first.clients.M2MClient)).body!.access_token);
  } finally {
    await first.stop();
  }

  const text = readFileSync(stateFile, 'utf8');
  expect(statSync(stateFile).mode & 0o777).toBe(0o600);
  // Hashes only: no password, no refresh token, no client secret in the file.
  expect(text).not.toContain(STRONG_PASSWORD);
  expect(text).not.toContain(refreshToken);
  expect(text).not.toContain(first.clients.UserClient.secret);
  expect(text).toContain('scrypt$');

  // Same port: the issuer (and so every token's iss) contains it, as the twin's fixed Cognito port keeps it.
  const second = await startTestCognito({ system, stateFile, port });
  expect(second.issuer).toBe(first.issuer);
  try {
    // A fresh verifier fetches the JWKS from the restarted server: same keys, so old tokens verify.
    const client = second.clients.UserClient;
    const id = await verifyToken(idToken, { issuer: second.issuer, tokenUse: 'id', clientId: client.id });
    expect(id.email).toBe(email);
    await verifyToken(m2mToken, { issuer: second.issuer, tokenUse: 'access', clientId: second.clients.M2MClient.id });
    const again = (await signIn(second, email)).AuthenticationResult!;
    expect(headerOf(again.IdToken!).kid).toBe(headerOf(idToken).kid);
    const refresh = (token: string) => second.sdk.send(new InitiateAuthCommand({
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: client.id,
      AuthParameters: { REFRESH_TOKEN: token, SECRET_HASH: secretHash(username, client) },
    }));
    await expect(refresh(refreshToken)).resolves.toHaveProperty('AuthenticationResult.IdToken');
    await expect(refresh(revokedToken)).rejects.toThrow('Refresh Token has been revoked');
  } finally {
    await second.stop();
  }
});

test('a state file that is not the local Cognito\'s is refused, not silently replaced', async () => {
  const stateFile = join(dir, 'broken.json');
  writeFileSync(stateFile, '{"not": "state"}');
  await expect(startCognito({ system: loadSystem({ rootDir: process.cwd() }), port: 0, stateFile, invoker: noFunctions })).rejects.toThrow(/unexpected shape/);
  expect(readFileSync(stateFile, 'utf8')).toBe('{"not": "state"}');
});
