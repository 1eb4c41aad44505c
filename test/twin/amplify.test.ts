/**
 * Amplify v6 (aws-amplify/auth), unchanged, against the twin's Cognito through its `userPoolEndpoint` option: the
 * default sign-in (USER_SRP_AUTH), a forced refresh (GetTokensFromRefreshToken since @aws-amplify/auth 6.14),
 * sign-out (RevokeToken), password reset and change, with the public web client, as a browser app would configure it.
 */
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, ConfirmForgotPasswordCommand, ForgotPasswordCommand, ResendConfirmationCodeCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import { ConsoleLogger } from 'aws-amplify/utils';
import { confirmResetPassword, fetchAuthSession, getCurrentUser, resetPassword, signIn, signOut, updatePassword } from 'aws-amplify/auth';
import { failure, startTestCognito, STRONG_PASSWORD, uniqueEmail, type TestCognito } from '../support/cognitoHarness';
import { verifyToken } from '../support/cognitoVerify';

let t: TestCognito;
beforeAll(async () => {
  t = await startTestCognito();
  // Amplify warns that the endpoint is a custom one: it is, on purpose.
  ConsoleLogger.LOG_LEVEL = 'ERROR';
  Amplify.configure({ Auth: { Cognito: { userPoolId: t.poolId, userPoolClientId: t.webClientId, userPoolEndpoint: t.cognito.url } } });
});
afterAll(() => t.stop());

test('signIn (SRP), fetchAuthSession({ forceRefresh: true }), signOut: every call answered as Cognito answers it', async () => {
  const email = uniqueEmail('amplify');
  await t.sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }] }));
  await t.sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: t.poolId, Username: email, Password: STRONG_PASSWORD, Permanent: true }));

  const result = await signIn({ username: email, password: STRONG_PASSWORD });
  expect(result).toMatchObject({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  const user = await getCurrentUser();
  expect(user.signInDetails?.loginId).toBe(email);

  const first = await fetchAuthSession();
  const access = first.tokens!.accessToken.toString();
  await verifyToken(access, { issuer: t.issuer, tokenUse: 'access', clientId: t.webClientId });
  // Token times are whole seconds: wait into the next one so a refreshed token cannot equal the first.
  await new Promise((done) => setTimeout(done, 1_100));
  const refreshed = await fetchAuthSession({ forceRefresh: true });
  const refreshedAccess = refreshed.tokens!.accessToken.toString();
  expect(refreshedAccess).not.toBe(access);
  const claims = await verifyToken(refreshedAccess, { issuer: t.issuer, tokenUse: 'access', clientId: t.webClientId });
  expect(claims.sub).toBe(user.userId);

  await signOut();
  expect((await fetchAuthSession()).tokens).toBeUndefined();
});

test('a wrong password surfaces as Amplify\'s NotAuthorizedException', async () => {
  const email = uniqueEmail('amplify-wrong');
  await t.sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }] }));
  await t.sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: t.poolId, Username: email, Password: STRONG_PASSWORD, Permanent: true }));
  await expect(signIn({ username: email, password: 'Wrong-Password-9' })).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
});

/** The code the console line names for `email` (the outbox holds the email itself). */
function resetCode(email: string): string {
  const line = [...t.logs].reverse().find((l) => l.startsWith(`Cognito: password reset code for ${email} `));
  const code = line ? /: (\d{6})$/.exec(line)?.[1] : undefined;
  if (!code) throw new Error(`no password reset code for ${email}`);
  return code;
}

async function confirmedUser(label: string): Promise<string> {
  const email = uniqueEmail(label);
  await t.sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }] }));
  await t.sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: t.poolId, Username: email, Password: STRONG_PASSWORD, Permanent: true }));
  return email;
}

test('resetPassword + confirmResetPassword (ForgotPassword, the code in the outbox, ConfirmForgotPassword), then sign-in with the new password', async () => {
  const email = await confirmedUser('amplify-reset');
  const started = await resetPassword({ username: email });
  expect(started.nextStep).toMatchObject({ resetPasswordStep: 'CONFIRM_RESET_PASSWORD_WITH_CODE', codeDeliveryDetails: { deliveryMedium: 'EMAIL', attributeName: 'email' } });
  await expect(confirmResetPassword({ username: email, confirmationCode: '000000', newPassword: 'Brand-New-Passw0rd!' })).rejects.toMatchObject({ name: 'CodeMismatchException' });
  await confirmResetPassword({ username: email, confirmationCode: resetCode(email), newPassword: 'Brand-New-Passw0rd!' });
  await expect(signIn({ username: email, password: STRONG_PASSWORD })).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  expect(await signIn({ username: email, password: 'Brand-New-Passw0rd!' })).toMatchObject({ isSignedIn: true });
  await signOut();
});

test('updatePassword (ChangePassword with the access token): the old password must be right, the new one then signs in', async () => {
  const email = await confirmedUser('amplify-update');
  await signIn({ username: email, password: STRONG_PASSWORD });
  await expect(updatePassword({ oldPassword: 'Not-The-Passw0rd!', newPassword: 'Another-Passw0rd!' })).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  await expect(updatePassword({ oldPassword: STRONG_PASSWORD, newPassword: 'short' })).rejects.toMatchObject({ name: 'InvalidPasswordException' });
  await updatePassword({ oldPassword: STRONG_PASSWORD, newPassword: 'Another-Passw0rd!' });
  await signOut();
  expect(await signIn({ username: email, password: 'Another-Passw0rd!' })).toMatchObject({ isSignedIn: true });
  await signOut();
});

describe('the account operations\' errors, as AWS words them', () => {
  test('ConfirmForgotPassword without a code requested is ExpiredCodeException; five wrong codes end in LimitExceededException', async () => {
    const email = await confirmedUser('reset-errors');
    const confirm = (code: string) => t.sdk.send(new ConfirmForgotPasswordCommand({ ClientId: t.webClientId, Username: email, ConfirmationCode: code, Password: 'Brand-New-Passw0rd!' }));
    expect(await failure(confirm('123456'))).toMatchObject({ name: 'ExpiredCodeException', message: 'Invalid code provided, please request a code again.' });
    await t.sdk.send(new ForgotPasswordCommand({ ClientId: t.webClientId, Username: email }));
    for (let i = 0; i < 5; i++) expect(await failure(confirm('000000'))).toMatchObject({ name: 'CodeMismatchException', message: 'Invalid verification code provided, please try again.' });
    expect(await failure(confirm(resetCode(email)))).toMatchObject({ name: 'LimitExceededException', message: 'Attempt limit exceeded, please try after some time.' });
  });

  test('ForgotPassword: an unverified email is InvalidParameterException; an unknown user gets delivery details and no code', async () => {
    const email = uniqueEmail('reset-unverified');
    await t.sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }] }));
    expect(await failure(t.sdk.send(new ForgotPasswordCommand({ ClientId: t.webClientId, Username: email }))))
      .toMatchObject({ name: 'InvalidParameterException', message: 'Cannot reset password for the user as there is no registered/verified email or phone_number' });
    const nobody = uniqueEmail('reset-nobody');
    const simulated = await t.sdk.send(new ForgotPasswordCommand({ ClientId: t.webClientId, Username: nobody }));
    expect(simulated.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    expect(() => resetCode(nobody)).toThrow(/no password reset code/);
  });

  test('ResendConfirmationCode for a confirmed user: InvalidParameterException "User is already confirmed."', async () => {
    const email = await confirmedUser('resend-confirmed');
    expect(await failure(t.sdk.send(new ResendConfirmationCodeCommand({ ClientId: t.webClientId, Username: email }))))
      .toMatchObject({ name: 'InvalidParameterException', message: 'User is already confirmed.' });
  });
});
