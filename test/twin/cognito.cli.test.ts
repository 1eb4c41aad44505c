import { awsCognitoIdp, cliTest } from '../support/cognitoCli';
import { secretHash, startTestCognito, STRONG_PASSWORD, uniqueEmail, type TestCognito } from '../support/cognitoHarness';
import { verifyToken } from '../support/cognitoVerify';

/** Seed flows 1 and 3 up to the tokens, with the real AWS CLI (v1) and --endpoint-url, as the walkthroughs run them. */

describe('seed flow 1 with the AWS CLI (admin-only pool)', () => {
  let t: TestCognito;
  beforeAll(async () => {
    t = await startTestCognito({ authParameters: { AllowSelfSignUp: 'false', AutoConfirmSelfSignUp: 'false' } });
  });
  afterAll(() => t.stop());

  cliTest('admin-create-user → admin-set-user-password --permanent → describe-user-pool-client → initiate-auth', async () => {
    const email = uniqueEmail('cli1');
    const clientId = t.clients.UserClient.id;
    const created = await awsCognitoIdp(t, ['admin-create-user', '--user-pool-id', t.poolId, '--username', email]);
    expect(created).toMatchObject({ code: 0, json: { User: { UserStatus: 'FORCE_CHANGE_PASSWORD' } } });
    expect(await awsCognitoIdp(t, ['admin-set-user-password', '--user-pool-id', t.poolId, '--username', email, '--password', STRONG_PASSWORD, '--permanent'])).toMatchObject({ code: 0 });

    const described = await awsCognitoIdp(t, ['describe-user-pool-client', '--user-pool-id', t.poolId, '--client-id', clientId]);
    const secret = String((described.json?.UserPoolClient as Record<string, unknown>).ClientSecret);
    const hash = secretHash(email, { id: clientId, secret });
    const authParameters = (password: string) => JSON.stringify({ USERNAME: email, PASSWORD: password, SECRET_HASH: hash });

    const auth = await awsCognitoIdp(t, ['initiate-auth', '--auth-flow', 'USER_PASSWORD_AUTH', '--client-id', clientId, '--auth-parameters', authParameters(STRONG_PASSWORD)]);
    expect(auth.code).toBe(0);
    const result = auth.json?.AuthenticationResult as Record<string, string>;
    const id = await verifyToken(result.IdToken!, { issuer: t.issuer, tokenUse: 'id', clientId });
    expect(id.email).toBe(email);

    // What a CLI user sees for a wrong password.
    const wrong = await awsCognitoIdp(t, ['initiate-auth', '--auth-flow', 'USER_PASSWORD_AUTH', '--client-id', clientId, '--auth-parameters', authParameters('Wrong-Password-9')]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('An error occurred (NotAuthorizedException) when calling the InitiateAuth operation: Incorrect username or password.');
  });
});

describe('seed flow 3 with the AWS CLI (self sign-up pool)', () => {
  let t: TestCognito;
  beforeAll(async () => {
    t = await startTestCognito({ authParameters: { AllowSelfSignUp: 'true', AutoConfirmSelfSignUp: 'false' } });
  });
  afterAll(() => t.stop());

  cliTest('sign-up → admin-confirm-sign-up → initiate-auth', async () => {
    const email = uniqueEmail('cli3');
    const client = t.clients.UserClient;
    const hash = secretHash(email, client);
    const signedUp = await awsCognitoIdp(t, ['sign-up', '--client-id', client.id, '--username', email, '--password', STRONG_PASSWORD,
      '--secret-hash', hash, '--user-attributes', `Name=email,Value=${email}`]);
    expect(signedUp).toMatchObject({ code: 0, json: { UserConfirmed: false } });

    const authArgs = ['initiate-auth', '--auth-flow', 'USER_PASSWORD_AUTH', '--client-id', client.id,
      '--auth-parameters', JSON.stringify({ USERNAME: email, PASSWORD: STRONG_PASSWORD, SECRET_HASH: hash })];
    const early = await awsCognitoIdp(t, authArgs);
    expect(early.stderr).toContain('(UserNotConfirmedException)');

    expect(await awsCognitoIdp(t, ['admin-confirm-sign-up', '--user-pool-id', t.poolId, '--username', email])).toMatchObject({ code: 0 });
    const auth = await awsCognitoIdp(t, authArgs);
    expect(auth.code).toBe(0);
    const idToken = (auth.json?.AuthenticationResult as Record<string, string>).IdToken!;
    const id = await verifyToken(idToken, { issuer: t.issuer, tokenUse: 'id', clientId: client.id });
    expect(id).toMatchObject({ email, sub: signedUp.json?.UserSub });
  });
});
