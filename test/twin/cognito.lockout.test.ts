/**
 * Cognito's lockout after wrong passwords (cognito-client-facts.md §3), the same for password sign-in and SRP: five
 * failures in a row lock the user for 1 s, doubling with each further failure; while locked even the right password
 * gets "Password attempts exceeded" (and is not counted); a right password once unlocked starts the count over.
 */
import { AdminCreateUserCommand, AdminSetUserPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { failure, signIn, startTestCognito, STRONG_PASSWORD, uniqueEmail, type TestCognito } from '../support/cognitoHarness';

let t: TestCognito;
beforeAll(async () => {
  t = await startTestCognito();
});
afterEach(() => t.setClockOffset(0));
afterAll(() => t.stop());

async function user(label: string): Promise<string> {
  const email = uniqueEmail(label);
  await t.sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }] }));
  await t.sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: t.poolId, Username: email, Password: STRONG_PASSWORD, Permanent: true }));
  return email;
}

const message = async (attempt: Promise<unknown>) => (await failure(attempt)).message;

test('USER_PASSWORD_AUTH: locked after five failures, even the right password refused while locked, then the lock doubles', async () => {
  const email = await user('lockout');
  for (let i = 0; i < 5; i++) expect(await message(signIn(t, email, 'Wrong-Password-1'))).toBe('Incorrect username or password.');
  expect(await message(signIn(t, email, STRONG_PASSWORD))).toBe('Password attempts exceeded');
  t.setClockOffset(1_100);
  expect(await message(signIn(t, email, 'Wrong-Password-1'))).toBe('Incorrect username or password.');
  // The sixth failure locks for 2 s: 1.1 s later it still holds.
  t.setClockOffset(2_200);
  expect(await message(signIn(t, email, STRONG_PASSWORD))).toBe('Password attempts exceeded');
  t.setClockOffset(3_300);
  expect((await signIn(t, email, STRONG_PASSWORD)).AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  // A success starts over: four more failures lock nothing.
  for (let i = 0; i < 4; i++) await failure(signIn(t, email, 'Wrong-Password-1'));
  expect((await signIn(t, email, STRONG_PASSWORD)).AuthenticationResult).toBeDefined();
});

test('SRP counts the same failures and honours the same lock', async () => {
  const email = await user('lockout-srp');
  for (let i = 0; i < 5; i++) await failure(signIn(t, email, 'Wrong-Password-1'));
  const pool = new CognitoUserPool({ UserPoolId: t.poolId, ClientId: t.webClientId, endpoint: t.cognito.url });
  const outcome = await new Promise<{ ok: boolean; message?: string }>((done) => {
    new CognitoUser({ Username: email, Pool: pool }).authenticateUser(new AuthenticationDetails({ Username: email, Password: STRONG_PASSWORD }), {
      onSuccess: () => done({ ok: true }),
      onFailure: (error: Error) => done({ ok: false, message: error.message }),
    });
  });
  expect(outcome).toEqual({ ok: false, message: 'Password attempts exceeded' });
});
