/**
 * The seed flows (../shared/reference/seed-flows.md) end to end through the twin, driven by the AWS CLI,
 * the AWS SDK v3 and plain HTTP — the same commands a person would point at AWS.
 */
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Twin } from '../../local/twin';
import { verifyToken } from '../support/cognitoVerify';
import { awsCognitoIdp, cliTest } from '../support/cognitoCli';
import { clientCredentialsToken, http, PASSWORD, secretHash, startTestTwin } from '../support/twin';

/** `aws cognito-idp …` against the twin; resolves the JSON it printed, rejects with its error text. */
async function awsCognito(twin: Twin, args: string[]): Promise<unknown> {
  const result = await awsCognitoIdp(twin, args);
  if (result.code !== 0) throw new Error(result.stderr);
  return result.json;
}

interface AuthResult {
  AuthenticationResult: { AccessToken: string; IdToken: string; RefreshToken: string; ExpiresIn: number; TokenType: string };
}

function sdk(twin: Twin): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint: twin.cognito.url,
    region: twin.system.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

describe('seed flows 1, 3 and 4 (self sign-up allowed, no auto-confirm — the shipped samconfig)', () => {
  let twin: Twin;
  beforeAll(async () => {
    twin = await startTestTwin();
  });
  afterAll(() => twin?.stop());

  cliTest('1: admin-created user, permanent password, secret from describe-user-pool-client, SECRET_HASH, links API', async () => {
    const pool = twin.outputs.auth.UserPoolId!;
    const clientId = twin.outputs.api.UserClientId!;
    const email = 'Flow.One@Example.com';
    await awsCognito(twin, ['admin-create-user', '--user-pool-id', pool, '--username', email,
      '--user-attributes', `Name=email,Value=${email}`, 'Name=email_verified,Value=true', '--message-action', 'SUPPRESS']);
    await awsCognito(twin, ['admin-set-user-password', '--user-pool-id', pool, '--username', email, '--password', PASSWORD, '--permanent']);
    const described = (await awsCognito(twin, ['describe-user-pool-client', '--user-pool-id', pool, '--client-id', clientId])) as {
      UserPoolClient: { ClientSecret: string };
    };
    const secret = described.UserPoolClient.ClientSecret;
    expect(secret).toBe(twin.outputs.local.ClientSecrets[clientId]);

    // Users sign in by email, case-insensitively.
    const username = email.toLowerCase();
    const auth = (await awsCognito(twin, ['initiate-auth', '--client-id', clientId, '--auth-flow', 'USER_PASSWORD_AUTH',
      '--auth-parameters', `USERNAME=${username},PASSWORD=${PASSWORD},SECRET_HASH=${secretHash(secret, username, clientId)}`])) as AuthResult;
    expect(auth.AuthenticationResult.TokenType).toBe('Bearer');

    const api = twin.outputs.api.ApiUrl!;
    const body = JSON.stringify({ url: 'https://example.com/flow-one', tags: ['seed'] });
    const anonymous = await http(`${api}links`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ message: 'Unauthorized' });

    const created = await http(`${api}links`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', authorization: auth.AuthenticationResult.AccessToken },
    });
    expect(created.status).toBe(201);
    const link = created.body as { linkId: string; url: string };
    expect(link.linkId).toEqual(expect.any(String));

    const fetched = await http(`${api}links/${link.linkId}`, { headers: { authorization: auth.AuthenticationResult.AccessToken } });
    expect(fetched.status).toBe(200);
    expect(fetched.body).toMatchObject({ linkId: link.linkId, url: 'https://example.com/flow-one', tags: ['seed'] });

    const preflight = await http(`${api}links`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });

  cliTest('3: sign-up, admin-confirm-sign-up, initiate-auth, protected route 401 without / 200 with the ID token', async () => {
    const pool = twin.outputs.auth.UserPoolId!;
    const clientId = twin.outputs.api.UserClientId!;
    const secret = twin.outputs.local.ClientSecrets[clientId]!;
    const email = 'flow.three@example.com';
    const signedUp = (await awsCognito(twin, ['sign-up', '--client-id', clientId, '--username', email, '--password', PASSWORD,
      '--secret-hash', secretHash(secret, email, clientId), '--user-attributes', `Name=email,Value=${email}`])) as {
      UserConfirmed: boolean; UserSub: string;
    };
    expect(signedUp.UserConfirmed).toBe(false);

    await expect(awsCognito(twin, ['initiate-auth', '--client-id', clientId, '--auth-flow', 'USER_PASSWORD_AUTH',
      '--auth-parameters', `USERNAME=${email},PASSWORD=${PASSWORD},SECRET_HASH=${secretHash(secret, email, clientId)}`]))
      .rejects.toThrow(/UserNotConfirmedException/);

    await awsCognito(twin, ['admin-confirm-sign-up', '--user-pool-id', pool, '--username', email]);
    const auth = (await awsCognito(twin, ['initiate-auth', '--client-id', clientId, '--auth-flow', 'USER_PASSWORD_AUTH',
      '--auth-parameters', `USERNAME=${email},PASSWORD=${PASSWORD},SECRET_HASH=${secretHash(secret, email, clientId)}`])) as AuthResult;

    const me = `${twin.outputs.api.ApiUrl}me`;
    expect((await http(me)).status).toBe(401);
    const withToken = await http(me, { headers: { authorization: auth.AuthenticationResult.IdToken } });
    expect(withToken.status).toBe(200);
    expect(withToken.body).toMatchObject({ sub: signedUp.UserSub, email, username: signedUp.UserSub });
  });

  test('4: client credentials from the token URL (Basic auth), 401 without a token, 2xx with one', async () => {
    const api = twin.outputs.api.ApiUrl!;
    const m2m = twin.outputs.api.M2MClientId!;
    const token = await clientCredentialsToken(twin, m2m);
    const claims = await verifyToken(token, { issuer: twin.outputs.auth.IssuerUrl!, tokenUse: 'access', clientId: m2m, scope: 'links-api/write' });
    expect(claims).toMatchObject({ token_use: 'access', client_id: m2m, sub: m2m, scope: 'links-api/read links-api/write' });

    expect((await http(`${api}links`)).status).toBe(401);
    const listed = await http(`${api}links`, { headers: { authorization: token } });
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ items: expect.any(Array) });
  });
});

describe('seed flow 2 (self sign-up auto-confirmed by the PreSignUp trigger)', () => {
  let twin: Twin;
  beforeAll(async () => {
    twin = await startTestTwin({ authParameters: { AllowSelfSignUp: 'true', AutoConfirmSelfSignUp: 'true' } });
  });
  afterAll(() => twin?.stop());

  test('a new user signs up and can sign in at once; the ID token opens /me', async () => {
    const client = sdk(twin);
    const clientId = twin.outputs.api.UserClientId!;
    const secret = twin.outputs.local.ClientSecrets[clientId]!;
    const email = 'flow.two@example.com';
    const signedUp = await client.send(new SignUpCommand({
      ClientId: clientId,
      Username: email,
      Password: PASSWORD,
      SecretHash: secretHash(secret, email, clientId),
      UserAttributes: [{ Name: 'email', Value: email }],
    }));
    // The trigger is the template's real PreSignUp function, built and run by the twin.
    expect(signedUp.UserConfirmed).toBe(true);
    const auth = await client.send(new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD, SECRET_HASH: secretHash(secret, email, clientId) },
    }));
    const idToken = auth.AuthenticationResult?.IdToken;
    expect(idToken).toBeDefined();
    const me = await http(`${twin.outputs.api.ApiUrl}me`, { headers: { authorization: idToken! } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email, emailVerified: true });
    client.destroy();
  });
});
