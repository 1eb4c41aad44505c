/**
 * One shared user pool, two API stacks (test/fixtures/two-apis/samconfig.toml: the project's samconfig with its
 * commented `notes` env turned on), over HTTP through the twin. A REST API Cognito authorizer accepts every app
 * client of its pool (aws-behaviour.md, "What a REST API Cognito authorizer does not check"), so what keeps API B's
 * callers out of API A is the API's own client check: 403 with a message, never data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import type { Twin } from '../../local/twin';
import { payloadOf } from '../support/forgedTokens';
import { run } from '../support/tools';
import { clientCredentialsToken, http, PASSWORD, secretHash, startTestTwin } from '../support/twin';

const CONFIG_FILE = join(__dirname, '..', 'fixtures', 'two-apis', 'samconfig.toml');
const LINK_ID = '01JD5Q8Z3N4V6W7X8Y9Z0ABCDE';
const ROUTES: [string, string, unknown?][] = [
  ['POST', 'links', { url: 'https://example.com/from-b' }],
  ['GET', 'links'],
  ['GET', `links/${LINK_ID}`],
  ['DELETE', `links/${LINK_ID}`],
  ['PUT', `links/${LINK_ID}/tags/b`],
  ['DELETE', `links/${LINK_ID}/tags/b`],
  ['GET', 'tags'],
];

interface UserTokens {
  access: string;
  id: string;
}

describe('one user pool shared by two API stacks, through the twin', () => {
  let twin: Twin;
  let localDir: string;
  let cognito: CognitoIdentityProviderClient;
  const email = 'shared@example.com';

  async function signIn(clientId: string): Promise<UserTokens> {
    const result = await cognito.send(new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD, SECRET_HASH: secretHash(twin.outputs.local.ClientSecrets[clientId]!, email, clientId) },
    }));
    return { access: result.AuthenticationResult!.AccessToken!, id: result.AuthenticationResult!.IdToken! };
  }

  beforeAll(async () => {
    localDir = mkdtempSync(join(tmpdir(), 'shared-pool-'));
    twin = await startTestTwin({ configFile: CONFIG_FILE, outputsFile: join(localDir, 'outputs.json') });
    cognito = new CognitoIdentityProviderClient({ endpoint: twin.cognito.url, region: twin.system.region, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    const pool = twin.outputs.auth.UserPoolId!;
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: pool, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }] }));
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: pool, Username: email, Password: PASSWORD, Permanent: true }));
  });
  afterAll(async () => {
    cognito?.destroy();
    await twin?.stop();
    if (localDir) rmSync(localDir, { recursive: true, force: true });
  });

  const call = (apiUrl: string, method: string, path: string, token: string, body?: unknown) =>
    http(`${apiUrl}${path}`, {
      method,
      headers: { authorization: token, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });

  test('every API env runs on its own base URL; outputs keep auth/api/local and list every API under apis', () => {
    const { apis, api } = twin.outputs;
    expect(Object.keys(apis)).toEqual(['api', 'notes']);
    expect(api).toEqual(apis.api);
    expect(apis.api!.ApiUrl).not.toBe(apis.notes!.ApiUrl);
    expect(new URL(apis.api!.ApiUrl!).port).not.toBe(new URL(apis.notes!.ApiUrl!).port);
    for (const outputs of Object.values(apis)) {
      expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['ApiUrl', 'M2MClientId', 'ReadOnlyClientId', 'UserClientId', 'ResourceServerId', 'TableName']));
    }
    expect(apis.api!.ResourceServerId).toBe('links-api');
    expect(apis.notes!.ResourceServerId).toBe('links-notes-api');
    expect(apis.api!.TableName).not.toBe(apis.notes!.TableName);
  });

  test('the published issuer is the iss of the pool\'s tokens, and serves the discovery document and JWKS', async () => {
    const issuer = twin.outputs.auth.IssuerUrl!;
    const published = twin.system.ssm[`/${twin.system.auth.name}/CognitoIssuerUrl`];
    expect(published).toBe(twin.system.auth.outputs.IssuerUrl);
    expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/us-east-1_[A-Za-z0-9]{9}$/);
    const machine = await clientCredentialsToken(twin, twin.outputs.api.M2MClientId!);
    const user = await signIn(twin.outputs.api.UserClientId!);
    for (const token of [machine, user.access, user.id]) expect(payloadOf(token).iss).toBe(issuer);
    const discovery = await http(`${issuer}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect((discovery.body as { issuer: string }).issuer).toBe(issuer);
    expect((discovery.body as { jwks_uri: string }).jwks_uri).toBe(`${issuer}/.well-known/jwks.json`);
    // aws-jwt-verify, given only the published issuer and its JWKS, accepts the pool's ID token for this client.
    const jwks = await http(`${issuer}/.well-known/jwks.json`);
    const verifier = JwtRsaVerifier.create({ issuer, audience: twin.outputs.api.UserClientId!, jwksUri: `${issuer}/.well-known/jwks.json` });
    verifier.cacheJwks(jwks.body as Parameters<typeof verifier.cacheJwks>[0]);
    await expect(verifier.verify(user.id)).resolves.toMatchObject({ iss: issuer, token_use: 'id' });
  });

  test('API B\'s user access token is refused with 403 by every route of API A, and writes nothing', async () => {
    const a = twin.outputs.apis.api!.ApiUrl!;
    const ofB = await signIn(twin.outputs.apis.notes!.UserClientId!);
    for (const [method, path, body] of ROUTES) {
      const result = await call(a, method, path, ofB.access, body);
      expect({ route: `${method} ${path}`, status: result.status }).toEqual({ route: `${method} ${path}`, status: 403 });
      expect((result.body as { message: string }).message).toMatch(/not issued to an app client of this API/);
    }
    const own = await signIn(twin.outputs.api.UserClientId!);
    expect(((await call(a, 'GET', 'links', own.access)).body as { items: unknown[] }).items).toEqual([]);
  });

  test('API B\'s ID token is refused with 403 by API A\'s ID-token route (/me); API A\'s own passes', async () => {
    const a = twin.outputs.apis.api!.ApiUrl!;
    const ofB = await signIn(twin.outputs.apis.notes!.UserClientId!);
    const refused = await call(a, 'GET', 'me', ofB.id);
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).not.toContain(email);
    const own = await signIn(twin.outputs.api.UserClientId!);
    expect((await call(a, 'GET', 'me', own.id)).status).toBe(200);
  });

  test('API B\'s machine tokens carry only B\'s scopes: API A\'s authorizer refuses them (401) on every route', async () => {
    const a = twin.outputs.apis.api!.ApiUrl!;
    for (const clientId of [twin.outputs.apis.notes!.M2MClientId!, twin.outputs.apis.notes!.ReadOnlyClientId!]) {
      const token = await clientCredentialsToken(twin, clientId);
      expect(String(payloadOf(token).scope)).toMatch(/^links-notes-api\//);
      for (const [method, path, body] of ROUTES) {
        expect({ route: `${method} ${path}`, status: (await call(a, method, path, token, body)).status }).toEqual({ route: `${method} ${path}`, status: 401 });
      }
    }
  });

  test('npm run token --api notes prints a token of the second API\'s M2M client, which that API accepts', async () => {
    const root = join(__dirname, '..', '..');
    const result = await run(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/token.ts', '--client', 'm2m', '--api', 'notes', '--local-dir', localDir], { cwd: root, input: '' });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const token = result.stdout.trim();
    expect(payloadOf(token).client_id).toBe(twin.outputs.apis.notes!.M2MClientId);
    expect((await call(twin.outputs.apis.notes!.ApiUrl!, 'GET', 'tags', token)).status).toBe(200);
  });

  test('each API serves its own callers: B\'s machine and user tokens work on B, and B\'s data stays in B', async () => {
    const b = twin.outputs.apis.notes!.ApiUrl!;
    const machine = await clientCredentialsToken(twin, twin.outputs.apis.notes!.M2MClientId!);
    const created = await call(b, 'POST', 'links', machine, { url: 'https://example.com/in-b' });
    expect(created.status).toBe(201);
    const reader = await clientCredentialsToken(twin, twin.outputs.apis.notes!.ReadOnlyClientId!);
    expect(((await call(b, 'GET', 'links', reader)).body as { items: { url: string }[] }).items.map((i) => i.url)).toEqual(['https://example.com/in-b']);
    const ofB = await signIn(twin.outputs.apis.notes!.UserClientId!);
    expect((await call(b, 'GET', 'me', ofB.id)).status).toBe(200);
    const aMachine = await clientCredentialsToken(twin, twin.outputs.api.M2MClientId!);
    expect(((await call(twin.outputs.api.ApiUrl!, 'GET', 'links', aMachine)).body as { items: { url: string }[] }).items.map((i) => i.url)).not.toContain('https://example.com/in-b');
  });
});

test('two API stacks with one resource server identifier fail to start, as the second stack would fail to create', async () => {
  await expect(startTestTwin({ configFile: CONFIG_FILE, apiParameters: { ResourceServerIdentifier: 'same-for-both' } }))
    .rejects.toThrow(/links-notes-api: ResourceServer: a resource server with identifier same-for-both already exists in user pool/);
});
