import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminCreateUserCommand, AdminGetUserCommand, AdminSetUserPasswordCommand, InitiateAuthCommand, RevokeTokenCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoConfig } from '../../local/cognito/config';
import { startCognito } from '../../local/cognito/server';
import { Store } from '../../local/cognito/store';
import { createUserRecord, findUser } from '../../local/cognito/users';
import { loadSystem } from '../../local/template/system';
import { failure, headerOf, postForm, secretHash, startTestCognito, STRONG_PASSWORD, uniqueEmail, signIn } from '../support/cognitoHarness';
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

/** Object.prototype's members, to see that nothing the local Cognito reads or writes lands on it. */
const prototypeMembers = Object.getOwnPropertyNames(Object.prototype).sort();
function expectNoPrototypePollution(): void {
  expect(({} as Record<string, unknown>).passwordHash).toBeUndefined();
  expect(({} as Record<string, unknown>).username).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeMembers);
}

test('in a pool whose usernames are not emails, `__proto__` and `constructor` are ordinary usernames, also across a restart', async () => {
  const system = loadSystem({ rootDir: process.cwd() });
  const emailPool = [...cognitoConfig(system).pools.values()][0]!;
  const pool = { ...emailPool, usernameAttributes: [], caseSensitive: true };
  const stateFile = join(dir, 'plain-usernames.json');
  const store = new Store(stateFile);
  // A Map: in a plain object, `hashes['__proto__'] = …` would set its prototype instead.
  const hashes = new Map<string, string>();
  for (const username of ['__proto__', 'constructor']) {
    const user = await createUserRecord(pool, { username, attributes: {}, password: `Password-of-${username}-1`, status: 'CONFIRMED', now: 0 });
    store.pool(pool.id).users.set(user.username, user);
    hashes.set(username, user.passwordHash);
  }
  store.save();

  const state = new Store(stateFile).pool(pool.id);
  expect(findUser(pool, state, '__proto__')?.passwordHash).toBe(hashes.get('__proto__'));
  expect(findUser(pool, state, 'constructor')?.passwordHash).toBe(hashes.get('constructor'));
  for (const name of ['toString', 'valueOf', 'hasOwnProperty']) expect(findUser(pool, state, name)).toBeUndefined();
  expect(Object.keys(JSON.parse(readFileSync(stateFile, 'utf8')).pools[pool.id].users).sort()).toEqual(['__proto__', 'constructor']);
  expectNoPrototypePollution();
});

test('a crafted state file cannot pollute Object.prototype: its keys stay data', async () => {
  const system = loadSystem({ rootDir: process.cwd() });
  const poolId = [...cognitoConfig(system).pools.keys()][0]!;
  const user = (username: string, email: string) =>
    `{"username":"${username}","attributes":{"__proto__":"x","constructor":"y","sub":"${username}","email":"${email}"},` +
    `"passwordHash":"polluted","status":"CONFIRMED","enabled":true,"createdAt":0,"updatedAt":0}`;
  const stateFile = join(dir, 'crafted.json');
  // Written as text: JSON.parse makes "__proto__" an own key, which a careless `target[key] = value` would turn into a prototype.
  writeFileSync(stateFile, `{"version":1,"pools":{
    "__proto__":{"users":{},"refreshTokens":{},"passwordHash":"polluted"},
    "constructor":{"users":{"toString":${user('toString', 'tostring@example.com')}},"refreshTokens":{}},
    "${poolId}":{
      "users":{"__proto__":${user('__proto__', 'proto@example.com')},"valueOf":${user('valueOf', 'valueof@example.com')}},
      "refreshTokens":{"__proto__":{"originJti":"o","clientId":"c","username":"__proto__","scope":[],"authTime":0,"expiresAt":99999999999999}}
    }}}`);

  const t = await startTestCognito({ system, stateFile });
  try {
    expectNoPrototypePollution();
    // The user stored under the key "__proto__" is a user like any other, found by their email.
    const got = await t.sdk.send(new AdminGetUserCommand({ UserPoolId: t.poolId, Username: 'proto@example.com' }));
    expect(got.Username).toBe('__proto__');
    expect(got.UserAttributes).toEqual(expect.arrayContaining([{ Name: '__proto__', Value: 'x' }, { Name: 'constructor', Value: 'y' }]));
    for (const name of ['toString', 'hasOwnProperty', 'isPrototypeOf']) {
      expect(await failure(t.sdk.send(new AdminGetUserCommand({ UserPoolId: t.poolId, Username: name }))))
        .toEqual({ name: 'UserNotFoundException', message: 'User does not exist.', status: 400 });
    }
    await t.sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: t.poolId, Username: 'valueof@example.com', Password: STRONG_PASSWORD, Permanent: true }));
    expectNoPrototypePollution();
  } finally {
    await t.stop();
  }
  // Written back as it was read: "__proto__" is still an own key of the file's objects.
  const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { pools: Record<string, { users: object; refreshTokens: object }> };
  expect(Object.hasOwn(saved.pools, '__proto__')).toBe(true);
  expect(Object.hasOwn(saved.pools[poolId]!.users, '__proto__')).toBe(true);
  expect(Object.hasOwn(saved.pools[poolId]!.refreshTokens, '__proto__')).toBe(true);
  expectNoPrototypePollution();
});
