import {
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  DescribeUserPoolClientCommand,
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { claimsOf, deliveredTemporaryPassword, headerOf, outboxMessage, secretHash, startTestCognito, STRONG_PASSWORD, uniqueEmail, type TestCognito, failure } from '../support/cognitoHarness';
import { verifyToken } from '../support/cognitoVerify';

/** Admin-only pool (AllowSelfSignUp=false): seed flow 1 and the user-pool rules around it, through the SDK. */

let t: TestCognito;
let sdk: CognitoIdentityProviderClient;

beforeAll(async () => {
  t = await startTestCognito({ authParameters: { AllowSelfSignUp: 'false', AutoConfirmSelfSignUp: 'false' } });
  sdk = t.sdk;
});
afterAll(() => t.stop());

/** The AWS error a call failed with: its name (exception type) and message, as the SDK reports them. */
async function adminUser(email: string, password = STRONG_PASSWORD): Promise<string> {
  const created = await sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email, MessageAction: 'SUPPRESS' }));
  await sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: t.poolId, Username: email, Password: password, Permanent: true }));
  return created.User!.Username!;
}

function passwordSignIn(username: string, password = STRONG_PASSWORD, hashOver = username) {
  const client = t.clients.UserClient;
  return sdk.send(new InitiateAuthCommand({
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: client.id,
    AuthParameters: { USERNAME: username, PASSWORD: password, SECRET_HASH: secretHash(hashOver, client) },
  }));
}

test('seed flow 1: admin-create-user, permanent password, secret from describe-user-pool-client, USER_PASSWORD_AUTH', async () => {
  const email = uniqueEmail('flow1');
  const username = await adminUser(email);
  const described = await sdk.send(new DescribeUserPoolClientCommand({ UserPoolId: t.poolId, ClientId: t.clients.UserClient.id }));
  const secret = described.UserPoolClient!.ClientSecret!;
  expect(secret).toBe(t.clients.UserClient.secret);
  expect(t.cognito.clientSecret(t.clients.UserClient.id)).toBe(secret);

  const out = await passwordSignIn(email);
  const auth = out.AuthenticationResult!;
  expect(out.ChallengeName).toBeUndefined();
  expect(auth).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600 });
  expect(auth.RefreshToken).toEqual(expect.any(String));
  expect(auth.RefreshToken!.split('.')).toHaveLength(1); // opaque, not a JWT

  const id = await verifyToken(auth.IdToken!, { issuer: t.issuer, tokenUse: 'id', clientId: t.clients.UserClient.id });
  expect(Object.keys(id).sort()).toEqual(
    ['aud', 'auth_time', 'cognito:username', 'email', 'email_verified', 'event_id', 'exp', 'iat', 'iss', 'jti', 'origin_jti', 'sub', 'token_use'].sort(),
  );
  expect(id).toMatchObject({ sub: username, 'cognito:username': username, email, email_verified: false, aud: t.clients.UserClient.id, iss: t.issuer });
  expect(id.exp! - id.iat!).toBe(3600);

  const access = await verifyToken(auth.AccessToken!, { issuer: t.issuer, tokenUse: 'access', clientId: t.clients.UserClient.id, scope: 'aws.cognito.signin.user.admin' });
  expect(Object.keys(access).sort()).toEqual(
    ['auth_time', 'client_id', 'event_id', 'exp', 'iat', 'iss', 'jti', 'origin_jti', 'scope', 'sub', 'token_use', 'username'].sort(),
  );
  expect(access).toMatchObject({ sub: username, username, client_id: t.clients.UserClient.id, scope: 'aws.cognito.signin.user.admin' });
  expect(access.origin_jti).toBe(id.origin_jti);
  expect(access.jti).not.toBe(id.jti);
  // Separate key pairs: an access token and an ID token never share a kid.
  expect(headerOf(auth.AccessToken!).kid).not.toBe(headerOf(auth.IdToken!).kid);
  await expect(verifyToken(auth.IdToken!, { issuer: t.issuer, tokenUse: 'access', clientId: t.clients.UserClient.id })).rejects.toThrow(/token_use/);
});

test('AdminInitiateAuth with ADMIN_USER_PASSWORD_AUTH and its old name ADMIN_NO_SRP_AUTH', async () => {
  const email = uniqueEmail('admin-auth');
  await adminUser(email);
  const client = t.clients.UserClient;
  let refreshToken = '';
  for (const AuthFlow of ['ADMIN_USER_PASSWORD_AUTH', 'ADMIN_NO_SRP_AUTH'] as const) {
    const out = await sdk.send(new AdminInitiateAuthCommand({
      UserPoolId: t.poolId,
      ClientId: client.id,
      AuthFlow,
      AuthParameters: { USERNAME: email, PASSWORD: STRONG_PASSWORD, SECRET_HASH: secretHash(email, client) },
    }));
    expect(claimsOf(out.AuthenticationResult!.IdToken!).email).toBe(email);
    refreshToken = out.AuthenticationResult!.RefreshToken!;
  }
  const username = String(claimsOf((await passwordSignIn(email)).AuthenticationResult!.IdToken!).sub);
  const renewed = await sdk.send(new AdminInitiateAuthCommand({
    UserPoolId: t.poolId,
    ClientId: client.id,
    AuthFlow: 'REFRESH_TOKEN_AUTH',
    AuthParameters: { REFRESH_TOKEN: refreshToken, SECRET_HASH: secretHash(username, client) },
  }));
  expect(renewed.AuthenticationResult).toMatchObject({ TokenType: 'Bearer', IdToken: expect.any(String) });
  expect(renewed.AuthenticationResult?.RefreshToken).toBeUndefined();
  const m2m = t.clients.M2MClient;
  expect(await failure(sdk.send(new AdminInitiateAuthCommand({
    UserPoolId: t.poolId, ClientId: m2m.id, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: email, PASSWORD: STRONG_PASSWORD, SECRET_HASH: secretHash(email, m2m) },
  })))).toMatchObject({ name: 'InvalidParameterException', message: 'Auth flow not enabled for this client', status: 400 });
});

test('users sign in by email in any letter case; the internal username is a UUID equal to sub', async () => {
  const email = uniqueEmail('CaseTest');
  const username = await adminUser(email);
  expect(username).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  const shouted = email.toUpperCase();
  const got = await sdk.send(new AdminGetUserCommand({ UserPoolId: t.poolId, Username: shouted }));
  expect(got.Username).toBe(username);
  expect(got.UserStatus).toBe('CONFIRMED');
  expect(got.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'sub', Value: username }, { Name: 'email', Value: email }]));
  // The SECRET_HASH is over the name as typed.
  const out = await passwordSignIn(shouted);
  expect(claimsOf(out.AuthenticationResult!.IdToken!).sub).toBe(username);
  // The UUID works as a username too.
  await expect(passwordSignIn(username)).resolves.toBeDefined();
});

test('SECRET_HASH: right passes; missing and wrong are refused with AWS messages', async () => {
  const email = uniqueEmail('hash');
  await adminUser(email);
  const client = t.clients.UserClient;
  const send = (params: Record<string, string>) =>
    sdk.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: client.id, AuthParameters: { USERNAME: email, PASSWORD: STRONG_PASSWORD, ...params } }));
  expect(await failure(send({}))).toMatchObject({
    name: 'NotAuthorizedException',
    message: `Client ${client.id} is configured with secret but SECRET_HASH was not received`,
  });
  expect(await failure(send({ SECRET_HASH: secretHash(email, t.clients.M2MClient) }))).toMatchObject({
    name: 'NotAuthorizedException',
    message: `Unable to verify secret hash for client ${client.id}`,
  });
  await expect(send({ SECRET_HASH: secretHash(email, client) })).resolves.toHaveProperty('AuthenticationResult');
});

test('a wrong password and an unknown user get the same answer (PreventUserExistenceErrors)', async () => {
  const email = uniqueEmail('wrong');
  await adminUser(email);
  const wrongPassword = await failure(passwordSignIn(email, 'Not-The-Password-1'));
  const unknownUser = await failure(passwordSignIn(uniqueEmail('nobody')));
  expect(wrongPassword).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.', status: 400 });
  expect(unknownUser).toEqual(wrongPassword);
});

test('missing parameters and flows the client does not allow', async () => {
  const client = t.clients.UserClient;
  expect(await failure(sdk.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: client.id, AuthParameters: { PASSWORD: 'x' } }))))
    .toMatchObject({ name: 'InvalidParameterException', message: 'Missing required parameter USERNAME' });
  expect(await failure(sdk.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: t.clients.M2MClient.id, AuthParameters: { USERNAME: 'a@b.c', PASSWORD: 'x' } }))))
    .toMatchObject({ name: 'InvalidParameterException', message: 'USER_PASSWORD_AUTH flow not enabled for this client' });
  expect(await failure(sdk.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'nosuchclient', AuthParameters: {} }))))
    .toMatchObject({ name: 'ResourceNotFoundException', message: 'User pool client nosuchclient does not exist.' });
});

test('SignUp is refused when only administrators create users', async () => {
  const client = t.clients.UserClient;
  const email = uniqueEmail('self');
  expect(await failure(sdk.send(new SignUpCommand({ ClientId: client.id, Username: email, Password: STRONG_PASSWORD, SecretHash: secretHash(email, client) }))))
    .toEqual({ name: 'NotAuthorizedException', message: 'SignUp is not permitted for this user pool', status: 400 });
});

test('the password policy of the template is enforced with AWS messages', async () => {
  const email = uniqueEmail('policy');
  await sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email, MessageAction: 'SUPPRESS' }));
  const set = (Password: string) => sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: t.poolId, Username: email, Password, Permanent: true }));
  const cases: [string, string][] = [
    ['Sh0rt-pw', 'Password not long enough'], // PasswordMinimumLength defaults to 12 in the template
    ['all-lower-case-1', 'Password must have uppercase characters'],
    ['ALL-UPPER-CASE-1', 'Password must have lowercase characters'],
    ['No-Digits-At-All', 'Password must have numeric characters'],
    ['NoSymbolsAtAll123', 'Password must have symbol characters'],
  ];
  for (const [password, rule] of cases) {
    expect(await failure(set(password))).toEqual({ name: 'InvalidPasswordException', message: `Password did not conform with policy: ${rule}`, status: 400 });
  }
  await expect(set(STRONG_PASSWORD)).resolves.toBeDefined();
});

test('admin-created user: temporary password from the outbox, NEW_PASSWORD_REQUIRED, RespondToAuthChallenge', async () => {
  const email = uniqueEmail('invite');
  const created = await sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email }));
  expect(created.User).toMatchObject({ UserStatus: 'FORCE_CHANGE_PASSWORD', Enabled: true });
  const temporary = deliveredTemporaryPassword(t.logs, email);

  const challenge = await passwordSignIn(email, temporary);
  expect(challenge.AuthenticationResult).toBeUndefined();
  expect(challenge.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
  expect(challenge.ChallengeParameters?.USER_ID_FOR_SRP).toBe(created.User!.Username);
  expect(JSON.parse(challenge.ChallengeParameters!.userAttributes!)).toMatchObject({ email });

  const client = t.clients.UserClient;
  const respond = (NEW_PASSWORD: string) => sdk.send(new RespondToAuthChallengeCommand({
    ClientId: client.id,
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: challenge.Session,
    ChallengeResponses: { USERNAME: email, NEW_PASSWORD, SECRET_HASH: secretHash(email, client) },
  }));
  // A refused new password leaves the session open for another try.
  expect(await failure(respond('weak'))).toMatchObject({ name: 'InvalidPasswordException' });
  const done = await respond(STRONG_PASSWORD);
  expect(done.AuthenticationResult?.IdToken).toEqual(expect.any(String));
  expect(await failure(respond(STRONG_PASSWORD))).toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid session for the user, session can only be used once.' });
  expect((await sdk.send(new AdminGetUserCommand({ UserPoolId: t.poolId, Username: email }))).UserStatus).toBe('CONFIRMED');
  await expect(passwordSignIn(email)).resolves.toHaveProperty('AuthenticationResult');
});

test('MessageAction RESEND issues a new temporary password; the old one stops working', async () => {
  const email = uniqueEmail('resend');
  await sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email }));
  const first = deliveredTemporaryPassword(t.logs, email);
  await sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email, MessageAction: 'RESEND' }));
  const second = deliveredTemporaryPassword(t.logs, email);
  expect(second).not.toBe(first);
  expect(await failure(passwordSignIn(email, first))).toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  expect((await passwordSignIn(email, second)).ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
});

test('the invitation is an owner-only file in the outbox; its console line names the file, never the password', async () => {
  const email = uniqueEmail('outbox');
  await sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email }));
  const lines = t.logs.filter((line) => line.includes(email));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^Cognito: invitation for \S+ \(user pool \S+, valid \d+ days\) written to \S+\.txt$/);
  expect(lines[0]).toContain(`invitation for ${email} (user pool ${t.poolId},`);

  const { file, text } = outboxMessage(t.logs, email, 'invitation');
  expect(file.startsWith(join(t.outboxDir, ''))).toBe(true);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const [headers, ...body] = text.split('\n\n');
  expect(headers!.split('\n')).toEqual([`To: ${email}`, 'Subject: Your temporary password', expect.stringMatching(/^Date: .+ GMT$/), `X-Cognito-User-Pool: ${t.poolId}`]);
  expect(body[0]).toMatch(new RegExp(`^Your username is ${email.replace(/[.+]/g, '\\$&')} and temporary password is \\S+\\.$`));

  const password = deliveredTemporaryPassword(t.logs, email);
  expect((await passwordSignIn(email, password)).ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
  expect(t.logs.some((line) => line.includes(password))).toBe(false);
});

test('a temporary password stops working after TemporaryPasswordValidityDays', async () => {
  const email = uniqueEmail('stale');
  await sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email, TemporaryPassword: 'Temporary-Pass-1' }));
  // The administrator chose it, so it is neither printed nor written to the outbox.
  expect(t.logs.some((line) => line.includes('Temporary-Pass-1'))).toBe(false);
  const invitation = outboxMessage(t.logs, email, 'invitation');
  expect(invitation.text).toContain('temporary password is (the one your administrator set).');
  expect(invitation.text).not.toContain('Temporary-Pass-1');
  t.setClockOffset(8 * 86_400_000);
  try {
    expect(await failure(passwordSignIn(email, 'Temporary-Pass-1'))).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Temporary password has expired and must be reset by an administrator.',
    });
  } finally {
    t.setClockOffset(0);
  }
});

test('AdminConfirmSignUp refuses a user who is not UNCONFIRMED', async () => {
  const email = uniqueEmail('confirmed');
  await adminUser(email);
  expect(await failure(sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: t.poolId, Username: email })))).toEqual({
    name: 'NotAuthorizedException',
    message: 'User cannot be confirmed. Current status is CONFIRMED',
    status: 400,
  });
  expect(await failure(sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: t.poolId, Username: uniqueEmail('ghost') }))))
    .toMatchObject({ name: 'UserNotFoundException', message: 'User does not exist.' });
});

test('AdminCreateUser refuses a taken email and a username that is not an email', async () => {
  const email = uniqueEmail('taken');
  await adminUser(email);
  expect(await failure(sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email.toUpperCase() }))))
    .toMatchObject({ name: 'UsernameExistsException', message: 'User account already exists' });
  expect(await failure(sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: 'not-an-email' }))))
    .toMatchObject({ name: 'InvalidParameterException', message: 'Username should be an email.' });
});

test('AdminDeleteUser removes the user and ends their sessions', async () => {
  const email = uniqueEmail('deleted');
  const username = await adminUser(email);
  const { AuthenticationResult } = await passwordSignIn(email);
  await sdk.send(new AdminDeleteUserCommand({ UserPoolId: t.poolId, Username: email }));
  expect(await failure(sdk.send(new AdminGetUserCommand({ UserPoolId: t.poolId, Username: email }))))
    .toEqual({ name: 'UserNotFoundException', message: 'User does not exist.', status: 400 });
  const client = t.clients.UserClient;
  expect(await failure(sdk.send(new InitiateAuthCommand({
    AuthFlow: 'REFRESH_TOKEN_AUTH',
    ClientId: client.id,
    AuthParameters: { REFRESH_TOKEN: AuthenticationResult!.RefreshToken!, SECRET_HASH: secretHash(username, client) },
  })))).toMatchObject({ name: 'NotAuthorizedException', message: 'Refresh Token has been revoked' });
  expect(await failure(sdk.send(new AdminDeleteUserCommand({ UserPoolId: t.poolId, Username: email })))).toMatchObject({ name: 'UserNotFoundException' });
});

test('DescribeUserPoolClient and ListUserPoolClients report the templates\' clients', async () => {
  const listed = await sdk.send(new ListUserPoolClientsCommand({ UserPoolId: t.poolId }));
  expect(listed.UserPoolClients?.map((c) => c.ClientId).sort()).toEqual([...Object.values(t.clients).map((c) => c.id), t.webClientId].sort());
  expect(listed.UserPoolClients?.map((c) => c.ClientName).sort()).toEqual(['links-api-m2m', 'links-api-readonly', 'links-api-user', 'links-api-web']);
  const paged = await sdk.send(new ListUserPoolClientsCommand({ UserPoolId: t.poolId, MaxResults: 2 }));
  expect(paged.UserPoolClients).toHaveLength(2);
  const rest = await sdk.send(new ListUserPoolClientsCommand({ UserPoolId: t.poolId, MaxResults: 2, NextToken: paged.NextToken }));
  expect(rest.UserPoolClients).toHaveLength(2);
  expect(rest.NextToken).toBeUndefined();

  const m2m = (await sdk.send(new DescribeUserPoolClientCommand({ UserPoolId: t.poolId, ClientId: t.clients.M2MClient.id }))).UserPoolClient!;
  expect(m2m).toMatchObject({
    ClientId: t.clients.M2MClient.id,
    ClientSecret: t.clients.M2MClient.secret,
    AllowedOAuthFlows: ['client_credentials'],
    AllowedOAuthScopes: ['links-api/read', 'links-api/write'],
    AllowedOAuthFlowsUserPoolClient: true,
    AccessTokenValidity: 60, // a string parameter in the template, a number here
    TokenValidityUnits: { AccessToken: 'minutes' },
    PreventUserExistenceErrors: 'ENABLED',
    EnableTokenRevocation: true,
  });
  const user = (await sdk.send(new DescribeUserPoolClientCommand({ UserPoolId: t.poolId, ClientId: t.clients.UserClient.id }))).UserPoolClient!;
  expect(user).toMatchObject({ RefreshTokenValidity: 30, AuthSessionValidity: 3, ExplicitAuthFlows: expect.arrayContaining(['ALLOW_USER_PASSWORD_AUTH']) });

  expect(await failure(sdk.send(new DescribeUserPoolClientCommand({ UserPoolId: t.poolId, ClientId: 'nosuchclient' }))))
    .toEqual({ name: 'ResourceNotFoundException', message: 'User pool client nosuchclient does not exist.', status: 400 });
  expect(await failure(sdk.send(new DescribeUserPoolClientCommand({ UserPoolId: 'us-east-1_nosuchpol', ClientId: t.clients.M2MClient.id }))))
    .toMatchObject({ name: 'ResourceNotFoundException', message: 'User pool us-east-1_nosuchpol does not exist.' });
});

describe('usernames that are Object.prototype members are unknown users like any other', () => {
  // Each is a member of Object.prototype: a lookup in a plain object would find Object.prototype's, not a user.
  const NAMES = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];
  const prototypeMembers = Object.getOwnPropertyNames(Object.prototype).sort();
  const client = () => t.clients.UserClient;

  /** The server runs in this process: writing onto Object.prototype would show here. */
  function expectNoPrototypePollution(): void {
    expect(({} as Record<string, unknown>).passwordHash).toBeUndefined();
    expect(({} as Record<string, unknown>).status).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeMembers);
  }

  test.each(NAMES)('InitiateAuth / AdminInitiateAuth as %s: Incorrect username or password.', async (name) => {
    const incorrect = { name: 'NotAuthorizedException', message: 'Incorrect username or password.', status: 400 };
    expect(await failure(passwordSignIn(name))).toEqual(incorrect);
    expect(await failure(sdk.send(new AdminInitiateAuthCommand({
      UserPoolId: t.poolId,
      ClientId: client().id,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: name, PASSWORD: STRONG_PASSWORD, SECRET_HASH: secretHash(name, client()) },
    })))).toEqual(incorrect);
    expectNoPrototypePollution();
  });

  test.each(NAMES)('AdminGetUser, AdminSetUserPassword, AdminConfirmSignUp, AdminDeleteUser and RESEND of %s: User does not exist.', async (name) => {
    const notFound = { name: 'UserNotFoundException', message: 'User does not exist.', status: 400 };
    const Username = name;
    expect(await failure(sdk.send(new AdminGetUserCommand({ UserPoolId: t.poolId, Username })))).toEqual(notFound);
    for (const Permanent of [true, false]) {
      expect(await failure(sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: t.poolId, Username, Password: STRONG_PASSWORD, Permanent })))).toEqual(notFound);
      expectNoPrototypePollution();
    }
    expect(await failure(sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: t.poolId, Username })))).toEqual(notFound);
    expect(await failure(sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username, MessageAction: 'RESEND' })))).toEqual(notFound);
    expect(await failure(sdk.send(new AdminDeleteUserCommand({ UserPoolId: t.poolId, Username })))).toEqual(notFound);
    // Usernames are emails in this pool: creating one by such a name is refused as AWS refuses it.
    expect(await failure(sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username, MessageAction: 'SUPPRESS' }))))
      .toEqual({ name: 'InvalidParameterException', message: 'Username should be an email.', status: 400 });
    expectNoPrototypePollution();
  });

  test('real users are untouched by all of it', async () => {
    const email = uniqueEmail('bystander');
    await adminUser(email);
    await expect(passwordSignIn(email)).resolves.toHaveProperty('AuthenticationResult');
    expectNoPrototypePollution();
  });
});

describe('protocol-level mistakes are AWS-style 400s, never 500s', () => {
  const call = (target: string | undefined, body: string) =>
    fetch(t.cognito.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', ...(target ? { 'x-amz-target': target } : {}) },
      body,
    }).then(async (response) => ({ status: response.status, type: response.headers.get('x-amzn-errortype'), body: (await response.json()) as Record<string, string> }));

  test('malformed JSON', async () => {
    const result = await call('AWSCognitoIdentityProviderService.InitiateAuth', '{"AuthFlow": ');
    expect(result).toMatchObject({ status: 400, type: 'SerializationException', body: { __type: 'SerializationException' } });
  });

  test('a member of the wrong type', async () => {
    expect(await call('AWSCognitoIdentityProviderService.InitiateAuth', '{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":42}')).toMatchObject({ status: 400, type: 'SerializationException' });
  });

  test('unknown and missing operations', async () => {
    expect(await call('AWSCognitoIdentityProviderService.DeleteUserPool', '{}')).toMatchObject({ status: 400, body: { __type: 'UnknownOperationException' } });
    expect(await call(undefined, '{}')).toMatchObject({ status: 400, body: { __type: 'UnknownOperationException' } });
  });

  test('a missing required member and a value outside an enum', async () => {
    expect((await call('AWSCognitoIdentityProviderService.InitiateAuth', '{"AuthFlow":"USER_PASSWORD_AUTH"}')).body).toEqual({
      __type: 'InvalidParameterException',
      message: "1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null",
    });
    const wrongFlow = await call('AWSCognitoIdentityProviderService.InitiateAuth', '{"AuthFlow":"MAGIC","ClientId":"x"}');
    expect(wrongFlow.body.message).toMatch(/^1 validation error detected: Value 'MAGIC' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set/);
  });

  test('unknown paths', async () => {
    expect((await fetch(`${t.cognito.url}/nope`)).status).toBe(404);
  });
});

// Last, so it covers every invitation this file sent: the outbox holds each generated password, no console line does.
test('no console line ever contained a generated temporary password', () => {
  const invitations = readdirSync(t.outboxDir).filter((name) => name.includes('-invitation-'));
  const passwords = invitations
    .map((name) => /temporary password is (\S+)\.$/m.exec(readFileSync(join(t.outboxDir, name), 'utf8'))?.[1])
    .filter((password): password is string => password !== undefined && !password.startsWith('('));
  expect(passwords.length).toBeGreaterThanOrEqual(4);
  const printed = t.logs.join('\n');
  for (const password of passwords) expect(printed).not.toContain(password);
});
