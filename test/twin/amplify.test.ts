/**
 * Amplify v6 (aws-amplify/auth), unchanged, against the twin's Cognito through its `userPoolEndpoint` option: the
 * default sign-in (USER_SRP_AUTH), a forced refresh (GetTokensFromRefreshToken since @aws-amplify/auth 6.14) and
 * sign-out (RevokeToken), with the public web client, as a browser app would configure it.
 */
import { AdminCreateUserCommand, AdminSetUserPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import { fetchAuthSession, getCurrentUser, signIn, signOut } from 'aws-amplify/auth';
import { startTestCognito, STRONG_PASSWORD, uniqueEmail, type TestCognito } from '../support/cognitoHarness';
import { verifyToken } from '../support/cognitoVerify';

let t: TestCognito;
beforeAll(async () => {
  t = await startTestCognito();
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
