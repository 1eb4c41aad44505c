/**
 * USER_SRP_AUTH against the local Cognito, driven by a client nobody here wrote: amazon-cognito-identity-js, the
 * library Amplify grew out of, whose default sign-in is SRP (cognito-client-facts.md §1). Its proof only verifies if
 * the twin's group, k, u, x, HKDF "Caldera Derived Key" and timestamp handling are exactly Cognito's.
 */
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, GetTokensFromRefreshTokenCommand, InitiateAuthCommand, RespondToAuthChallengeCommand } from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { failure, startTestCognito, STRONG_PASSWORD, uniqueEmail, type TestCognito } from '../support/cognitoHarness';
import { verifyToken } from '../support/cognitoVerify';

let t: TestCognito;
beforeAll(async () => {
  t = await startTestCognito();
});
afterAll(() => t.stop());

async function adminUser(email: string, password = STRONG_PASSWORD, permanent = true): Promise<void> {
  await t.sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }] }));
  await t.sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: t.poolId, Username: email, Password: password, Permanent: permanent }));
}

type Outcome = { session: CognitoUserSession } | { error: { code?: string; name?: string; message: string } } | { newPasswordRequired: true };

/** amazon-cognito-identity-js's authenticateUser: SRP unless told otherwise. */
function srpSignIn(email: string, password: string): Promise<Outcome> {
  const pool = new CognitoUserPool({ UserPoolId: t.poolId, ClientId: t.webClientId, endpoint: t.cognito.url });
  const user = new CognitoUser({ Username: email, Pool: pool });
  return new Promise((done) => {
    user.authenticateUser(new AuthenticationDetails({ Username: email, Password: password }), {
      onSuccess: (session) => done({ session }),
      onFailure: (error: { code?: string; name?: string; message: string }) => done({ error }),
      newPasswordRequired: () => done({ newPasswordRequired: true }),
    });
  });
}

test('the library\'s default sign-in (SRP) gets tokens the pool\'s JWKS verifies, for the web client', async () => {
  const email = uniqueEmail('srp');
  await adminUser(email);
  const outcome = await srpSignIn(email, STRONG_PASSWORD);
  if (!('session' in outcome)) throw new Error(`expected tokens, got ${JSON.stringify(outcome)}`);
  const claims = await verifyToken(outcome.session.getAccessToken().getJwtToken(), { issuer: t.issuer, tokenUse: 'access', clientId: t.webClientId });
  expect(claims).toMatchObject({ client_id: t.webClientId, token_use: 'access', scope: 'aws.cognito.signin.user.admin' });
  expect(outcome.session.getIdToken().decodePayload().email).toBe(email);
  expect(outcome.session.getRefreshToken().getToken()).toEqual(expect.any(String));
});

test('a wrong password fails the proof: NotAuthorizedException "Incorrect username or password."', async () => {
  const email = uniqueEmail('srp-wrong');
  await adminUser(email);
  const outcome = await srpSignIn(email, 'Wrong-Password-1');
  expect(outcome).toEqual({ error: expect.objectContaining({ code: 'NotAuthorizedException', message: 'Incorrect username or password.' }) });
});

test('an unknown user gets a simulated challenge, then the same NotAuthorizedException (PreventUserExistenceErrors)', async () => {
  const email = uniqueEmail('srp-nobody');
  const first = await t.sdk.send(new InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: t.webClientId, AuthParameters: { USERNAME: email, SRP_A: 'abc123' } }));
  expect(first.ChallengeName).toBe('PASSWORD_VERIFIER');
  const again = await t.sdk.send(new InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: t.webClientId, AuthParameters: { USERNAME: email, SRP_A: 'abc123' } }));
  // Probing twice reveals nothing: the same salt and user id each time.
  expect([again.ChallengeParameters?.SALT, again.ChallengeParameters?.USER_ID_FOR_SRP]).toEqual([first.ChallengeParameters?.SALT, first.ChallengeParameters?.USER_ID_FOR_SRP]);
  const outcome = await srpSignIn(email, STRONG_PASSWORD);
  expect(outcome).toEqual({ error: expect.objectContaining({ code: 'NotAuthorizedException', message: 'Incorrect username or password.' }) });
});

test('a temporary password leads to NEW_PASSWORD_REQUIRED, as with password sign-in', async () => {
  const email = uniqueEmail('srp-temporary');
  await adminUser(email, 'Temporary-Passw0rd!', false);
  expect(await srpSignIn(email, 'Temporary-Passw0rd!')).toEqual({ newPasswordRequired: true });
});

test('the challenge parameters Amplify reads, and a proof replayed on a used session is refused', async () => {
  const email = uniqueEmail('srp-wire');
  await adminUser(email);
  const started = await t.sdk.send(new InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: t.webClientId, AuthParameters: { USERNAME: email, SRP_A: 'abcdef0123456789' } }));
  expect(started.ChallengeName).toBe('PASSWORD_VERIFIER');
  expect(started.Session).toEqual(expect.any(String));
  expect(Object.keys(started.ChallengeParameters ?? {}).sort()).toEqual(['SALT', 'SECRET_BLOCK', 'SRP_B', 'USERNAME', 'USER_ID_FOR_SRP']);
  expect(started.ChallengeParameters?.USER_ID_FOR_SRP).toMatch(/^[0-9a-f-]{36}$/);
  const answer = () => t.sdk.send(new RespondToAuthChallengeCommand({
    ClientId: t.webClientId,
    ChallengeName: 'PASSWORD_VERIFIER',
    Session: started.Session,
    ChallengeResponses: {
      USERNAME: started.ChallengeParameters!.USER_ID_FOR_SRP!,
      PASSWORD_CLAIM_SECRET_BLOCK: started.ChallengeParameters!.SECRET_BLOCK!,
      PASSWORD_CLAIM_SIGNATURE: Buffer.alloc(32).toString('base64'),
      TIMESTAMP: 'Sun Dec 6 19:16:37 UTC 2026',
    },
  }));
  expect(await failure(answer())).toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  expect(await failure(answer())).toMatchObject({ name: 'NotAuthorizedException' });
});

test('the confidential user client needs SECRET_HASH for SRP too; a client without ALLOW_USER_SRP_AUTH refuses the flow', async () => {
  expect(await failure(t.sdk.send(new InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: t.clients.UserClient.id, AuthParameters: { USERNAME: 'a@example.com', SRP_A: 'abc' } }))))
    .toMatchObject({ name: 'NotAuthorizedException', message: `Client ${t.clients.UserClient.id} is configured with secret but SECRET_HASH was not received` });
  expect(await failure(t.sdk.send(new InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: t.clients.M2MClient.id, AuthParameters: { USERNAME: 'a@example.com', SRP_A: 'abc' } }))))
    .toMatchObject({ name: 'InvalidParameterException', message: 'Auth flow not enabled for this client' });
});

describe('refresh, as Amplify v6 (GetTokensFromRefreshToken) and amazon-cognito-identity-js (REFRESH_TOKEN_AUTH) do it', () => {
  async function signedIn(label: string): Promise<CognitoUserSession> {
    const email = uniqueEmail(label);
    await adminUser(email);
    const outcome = await srpSignIn(email, STRONG_PASSWORD);
    if (!('session' in outcome)) throw new Error(`expected tokens, got ${JSON.stringify(outcome)}`);
    return outcome.session;
  }

  test('GetTokensFromRefreshToken: new ID and access tokens, no new refresh token (no rotation), the old one still valid', async () => {
    const session = await signedIn('refresh-v6');
    const refreshToken = session.getRefreshToken().getToken();
    const first = await t.sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: t.webClientId, RefreshToken: refreshToken }));
    expect(first.AuthenticationResult?.RefreshToken).toBeUndefined();
    const claims = await verifyToken(first.AuthenticationResult!.AccessToken!, { issuer: t.issuer, tokenUse: 'access', clientId: t.webClientId });
    expect(claims.sub).toBe(session.getAccessToken().decodePayload().sub);
    const second = await t.sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: t.webClientId, RefreshToken: refreshToken }));
    expect(second.AuthenticationResult?.IdToken).toEqual(expect.any(String));
  });

  test('GetTokensFromRefreshToken refuses a made-up token, another client\'s, and a confidential client without ClientSecret', async () => {
    const session = await signedIn('refresh-refused');
    expect(await failure(t.sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: t.webClientId, RefreshToken: 'not-a-token' }))))
      .toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid Refresh Token' });
    expect(await failure(t.sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: t.clients.UserClient.id, RefreshToken: session.getRefreshToken().getToken() }))))
      .toMatchObject({ name: 'NotAuthorizedException', message: `Client ${t.clients.UserClient.id} is configured with secret but ClientSecret was not received` });
    expect(await failure(t.sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: t.clients.UserClient.id, ClientSecret: t.clients.UserClient.secret, RefreshToken: session.getRefreshToken().getToken() }))))
      .toMatchObject({ name: 'NotAuthorizedException' });
  });

  test('amazon-cognito-identity-js refreshSession (REFRESH_TOKEN_AUTH) on the web client', async () => {
    const session = await signedIn('refresh-ci');
    const pool = new CognitoUserPool({ UserPoolId: t.poolId, ClientId: t.webClientId, endpoint: t.cognito.url });
    const user = new CognitoUser({ Username: session.getIdToken().decodePayload().email as string, Pool: pool });
    const refreshed = await new Promise<CognitoUserSession>((done, fail) => user.refreshSession(session.getRefreshToken(), (error: Error | null, next: CognitoUserSession) => (error ? fail(error) : done(next))));
    expect(refreshed.isValid()).toBe(true);
    expect(refreshed.getAccessToken().decodePayload().client_id).toBe(t.webClientId);
  });
});
