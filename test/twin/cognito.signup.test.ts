import {
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { loadSystem } from '../../local/template/system';
import { statSync } from 'node:fs';
import { claimsOf, outboxMessage, printedCode, secretHash, startTestCognito, STRONG_PASSWORD, uniqueEmail, type TestCognito, failure, signIn } from '../support/cognitoHarness';
import { fixedInvoker, inProcessInvoker } from '../support/cognitoInvoker';
import { verifyToken } from '../support/cognitoVerify';

/** Self sign-up: confirmation by code (flow 3's sign-up half), admin confirmation, and the PreSignUp trigger (flow 2). */

function signUp(t: TestCognito, email: string, password = STRONG_PASSWORD) {
  const client = t.clients.UserClient;
  return t.sdk.send(new SignUpCommand({
    ClientId: client.id,
    Username: email,
    Password: password,
    SecretHash: secretHash(email, client),
    UserAttributes: [{ Name: 'email', Value: email }],
  }));
}

describe('self sign-up with email confirmation (AllowSelfSignUp=true, no auto-confirm)', () => {
  let t: TestCognito;
  beforeAll(async () => {
    t = await startTestCognito({ authParameters: { AllowSelfSignUp: 'true', AutoConfirmSelfSignUp: 'false' } });
  });
  afterAll(() => t.stop());

  test('UNCONFIRMED until ConfirmSignUp with the printed code; then the email is verified', async () => {
    const email = uniqueEmail('signup');
    const client = t.clients.UserClient;
    const out = await signUp(t, email);
    expect(out.UserConfirmed).toBe(false);
    expect(out.UserSub).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.CodeDeliveryDetails).toEqual({ Destination: expect.stringMatching(/^s\*\*\*@e\*\*\*$/), DeliveryMedium: 'EMAIL', AttributeName: 'email' });

    expect(await failure(signIn(t, email))).toEqual({ status: 400, name: 'UserNotConfirmedException', message: 'User is not confirmed.' });
    // AWS answers UserNotConfirmedException before it checks the password (aws/aws-sdk-js#4608).
    expect(await failure(t.sdk.send(new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH', ClientId: client.id, AuthParameters: { USERNAME: email, PASSWORD: 'Wrong-Password-1', SECRET_HASH: secretHash(email, client) },
    })))).toMatchObject({ name: 'UserNotConfirmedException' });

    const confirm = (code: string) => t.sdk.send(new ConfirmSignUpCommand({ ClientId: client.id, Username: email, ConfirmationCode: code, SecretHash: secretHash(email, client) }));
    const code = printedCode(t.logs, email);
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await failure(confirm(wrong))).toEqual({ status: 400, name: 'CodeMismatchException', message: 'Invalid verification code provided, please try again.' });
    await confirm(code);
    expect(await failure(confirm(code))).toEqual({ status: 400, name: 'NotAuthorizedException', message: 'User cannot be confirmed. Current status is CONFIRMED' });

    const auth = (await signIn(t, email)).AuthenticationResult!;
    const id = await verifyToken(auth.IdToken!, { issuer: t.issuer, tokenUse: 'id', clientId: client.id });
    expect(id).toMatchObject({ sub: out.UserSub, email, email_verified: true });
  });

  test('a confirmation code expires after 24 hours', async () => {
    const email = uniqueEmail('late');
    await signUp(t, email);
    const client = t.clients.UserClient;
    t.setClockOffset(25 * 3_600_000);
    try {
      expect(await failure(t.sdk.send(new ConfirmSignUpCommand({
        ClientId: client.id, Username: email, ConfirmationCode: printedCode(t.logs, email), SecretHash: secretHash(email, client),
      })))).toEqual({ status: 400, name: 'ExpiredCodeException', message: 'Invalid code provided, please request a code again.' });
    } finally {
      t.setClockOffset(0);
    }
  });

  test('seed flow 3 through the SDK: sign-up, admin-confirm-sign-up, USER_PASSWORD_AUTH', async () => {
    const email = uniqueEmail('flow3');
    const { UserSub } = await signUp(t, email);
    await t.sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: t.poolId, Username: email }));
    const got = await t.sdk.send(new AdminGetUserCommand({ UserPoolId: t.poolId, Username: email }));
    expect(got.UserStatus).toBe('CONFIRMED');
    const id = claimsOf((await signIn(t, email)).AuthenticationResult!.IdToken!);
    // No code reached the mailbox, so the email is not verified by an admin confirmation.
    expect(id).toMatchObject({ sub: UserSub, email, email_verified: false });
  });

  test('a taken email (in any case), a weak password and a missing SECRET_HASH are refused', async () => {
    const email = uniqueEmail('dupe');
    await signUp(t, email);
    expect(await failure(signUp(t, email.toUpperCase()))).toEqual({ status: 400, name: 'UsernameExistsException', message: 'An account with the given email already exists.' });
    expect(await failure(signUp(t, uniqueEmail('weak'), 'weakpassword'))).toEqual({
      status: 400,
      name: 'InvalidPasswordException',
      message: 'Password did not conform with policy: Password must have uppercase characters',
    });
    const client = t.clients.UserClient;
    expect(await failure(t.sdk.send(new SignUpCommand({ ClientId: client.id, Username: uniqueEmail('nohash'), Password: STRONG_PASSWORD }))))
      .toEqual({ status: 400, name: 'NotAuthorizedException', message: `Client ${client.id} is configured with secret but SECRET_HASH was not received` });
  });

  test('the confirmation code is printed and also emailed to the outbox (an owner-only file)', async () => {
    const email = uniqueEmail('mailed');
    await signUp(t, email);
    const code = printedCode(t.logs, email);
    const { file, text } = outboxMessage(t.logs, email, 'confirmation code');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(text).toContain(`To: ${email}\nSubject: Your verification code\n`);
    expect(text).toContain(`\n\nYour verification code is ${code}.\n`);
  });

  test('SignUp and ConfirmSignUp with Object.prototype member names: AWS\'s answers, nothing polluted', async () => {
    const client = t.clients.UserClient;
    const prototypeMembers = Object.getOwnPropertyNames(Object.prototype).sort();
    for (const name of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty']) {
      // Usernames are emails in this pool (AWS's own check and wording).
      expect(await failure(signUp(t, name))).toEqual({ status: 400, name: 'InvalidParameterException', message: 'Username should be an email.' });
      // An unknown user, hidden behind PreventUserExistenceErrors — not "Current status is undefined".
      expect(await failure(t.sdk.send(new ConfirmSignUpCommand({ ClientId: client.id, Username: name, ConfirmationCode: '123456', SecretHash: secretHash(name, client) }))))
        .toEqual({ status: 400, name: 'CodeMismatchException', message: 'Invalid verification code provided, please try again.' });
    }
    expect(({} as Record<string, unknown>).passwordHash).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeMembers);
  });

  test('ConfirmSignUp of an unknown user does not reveal that it is unknown', async () => {
    const client = t.clients.UserClient;
    const email = uniqueEmail('ghost');
    expect(await failure(t.sdk.send(new ConfirmSignUpCommand({ ClientId: client.id, Username: email, ConfirmationCode: '123456', SecretHash: secretHash(email, client) }))))
      .toMatchObject({ name: 'CodeMismatchException' });
  });
});

describe('seed flow 2: a PreSignUp trigger auto-confirms (AutoConfirmSelfSignUp=true, real src/handlers/preSignUp.ts)', () => {
  let t: TestCognito;
  let invoker: ReturnType<typeof inProcessInvoker>;
  beforeAll(async () => {
    const system = loadSystem({ rootDir: process.cwd(), authParameters: { AllowSelfSignUp: 'true', AutoConfirmSelfSignUp: 'true' } });
    invoker = inProcessInvoker(system);
    t = await startTestCognito({ system, invoker });
  });
  afterAll(() => t.stop());

  test('a new user can sign up and sign in at once (admin password flow), email verified', async () => {
    const email = uniqueEmail('auto');
    const out = await signUp(t, email);
    expect(out.UserConfirmed).toBe(true);
    expect(out.CodeDeliveryDetails).toBeUndefined();
    expect(t.logs.some((line) => line.includes(email))).toBe(false);

    const event = invoker.events.at(-1) as Record<string, unknown>;
    expect(event).toMatchObject({
      version: '1',
      triggerSource: 'PreSignUp_SignUp',
      region: t.system.region,
      userPoolId: t.poolId,
      userName: out.UserSub,
      callerContext: { clientId: t.clients.UserClient.id },
      request: { userAttributes: { email }, validationData: null },
      response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
    });

    const client = t.clients.UserClient;
    const auth = await t.sdk.send(new AdminInitiateAuthCommand({
      UserPoolId: t.poolId,
      ClientId: client.id,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: STRONG_PASSWORD, SECRET_HASH: secretHash(email, client) },
    }));
    const id = await verifyToken(auth.AuthenticationResult!.IdToken!, { issuer: t.issuer, tokenUse: 'id', clientId: client.id });
    expect(id).toMatchObject({ email, email_verified: true, sub: out.UserSub });
  });

  test('AdminCreateUser runs the trigger as PreSignUp_AdminCreateUser and ignores auto-confirmation', async () => {
    const email = uniqueEmail('admin-made');
    const created = await t.sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email, MessageAction: 'SUPPRESS' }));
    expect(created.User?.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    expect(invoker.events.at(-1)).toMatchObject({ triggerSource: 'PreSignUp_AdminCreateUser', callerContext: { clientId: 'CLIENT_ID_NOT_APPLICABLE' } });
  });
});

describe('a failing PreSignUp trigger', () => {
  const parameters = { AllowSelfSignUp: 'true', AutoConfirmSelfSignUp: 'true' };

  test('a function error is a UserLambdaValidationException and no user is created', async () => {
    const t = await startTestCognito({ authParameters: parameters, invoker: fixedInvoker({ status: 'error', errorType: 'Error', errorMessage: 'Sign-ups are closed', durationMs: 1 }) });
    try {
      const email = uniqueEmail('rejected');
      expect(await failure(signUp(t, email))).toEqual({ status: 400, name: 'UserLambdaValidationException', message: 'PreSignUp failed with error Sign-ups are closed.' });
      expect(await failure(t.sdk.send(new AdminGetUserCommand({ UserPoolId: t.poolId, Username: email })))).toMatchObject({ name: 'UserNotFoundException' });
    } finally {
      await t.stop();
    }
  });

  test('a function that times out is an UnexpectedLambdaException', async () => {
    const t = await startTestCognito({ authParameters: parameters, invoker: fixedInvoker({ status: 'timeout', durationMs: 5000 }) });
    try {
      expect(await failure(signUp(t, uniqueEmail('slow')))).toEqual({
        status: 400,
        name: 'UnexpectedLambdaException',
        message: 'PreSignUp invocation failed due to error Socket timeout while invoking Lambda function.',
      });
    } finally {
      await t.stop();
    }
  });
});
