/**
 * The API behind its optional CloudFront distribution (api-stack EnableCloudFront=true), over HTTP through the
 * twin: the journey of seed-flows.md (an ID token from USER_PASSWORD_AUTH + SECRET_HASH through the
 * distribution: 401 without, 200 with, and nothing cached for the next caller), writes and CORS through it.
 */
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { loadSystem } from '../../local/template/system';
import type { Twin } from '../../local/twin';
import { clientCredentialsToken, http, PASSWORD, secretHash, startTestTwin } from '../support/twin';

const ROOT = process.cwd();

describe('the API through its CloudFront distribution (EnableCloudFront=true), in the twin', () => {
  let twin: Twin;
  let cognito: CognitoIdentityProviderClient;
  let cloudFrontUrl: string;

  async function idTokenOf(email: string): Promise<string> {
    const pool = twin.outputs.auth.UserPoolId!;
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: pool, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }] }));
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: pool, Username: email, Password: PASSWORD, Permanent: true }));
    const clientId = twin.outputs.api.UserClientId!;
    const result = await cognito.send(new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD, SECRET_HASH: secretHash(twin.outputs.local.ClientSecrets[clientId]!, email, clientId) },
    }));
    return result.AuthenticationResult!.IdToken!;
  }

  beforeAll(async () => {
    twin = await startTestTwin({ apiParameters: { EnableCloudFront: 'true' } });
    cognito = new CognitoIdentityProviderClient({ endpoint: twin.cognito.url, region: twin.system.region, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    cloudFrontUrl = twin.outputs.api.CloudFrontUrl!;
  });
  afterAll(async () => {
    cognito?.destroy();
    await twin?.stop();
  });

  test('the CloudFrontUrl output is the local distribution, one per enabled distribution, distinct from the API URL', () => {
    expect(twin.distributions).toHaveLength(1);
    expect(cloudFrontUrl).toBe(`${twin.distributions[0]!.url}/`);
    expect(cloudFrontUrl).not.toBe(twin.outputs.api.ApiUrl);
    expect(twin.distributions[0]!.domainName).toMatch(/^d[a-z0-9]{13}\.cloudfront\.net$/);
  });

  test('ID token through the distribution: 401 without it, 200 with it, 401 again for the next caller without one', async () => {
    const idToken = await idTokenOf('cloudfront-user@example.com');
    const without = await http(`${cloudFrontUrl}me`);
    expect(without.status).toBe(401);
    expect(without.body).toEqual({ message: 'Unauthorized' });
    const withToken = await http(`${cloudFrontUrl}me`, { headers: { Authorization: idToken } });
    expect(withToken.status).toBe(200);
    expect(withToken.body).toMatchObject({ email: 'cloudfront-user@example.com' });
    expect(withToken.headers.get('x-cache')).toBe('Miss from cloudfront');
    expect(withToken.headers.get('via')).toMatch(/\(CloudFront\)$/);
    const nextCaller = await http(`${cloudFrontUrl}me`);
    expect(nextCaller.status).toBe(401);
  });

  test('two users on the same URL each get their own answer: nothing is served from the cache', async () => {
    const [alice, bob] = [await idTokenOf('cf-alice@example.com'), await idTokenOf('cf-bob@example.com')];
    const first = await http(`${cloudFrontUrl}me`, { headers: { Authorization: alice } });
    const second = await http(`${cloudFrontUrl}me`, { headers: { Authorization: bob } });
    expect(first.body).toMatchObject({ email: 'cf-alice@example.com' });
    expect(second.body).toMatchObject({ email: 'cf-bob@example.com' });
    expect(second.headers.get('x-cache')).not.toMatch(/Hit/);
  });

  test('writes and reads with an M2M access token reach the API through it; the link is not served to a caller without one', async () => {
    const token = await clientCredentialsToken(twin, twin.outputs.api.M2MClientId!);
    const created = await http(`${cloudFrontUrl}links`, {
      method: 'POST',
      headers: { Authorization: token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: 'https://example.com/through-cloudfront', tags: ['cdn'] }),
    });
    expect(created.status).toBe(201);
    const id = (created.body as { linkId: string }).linkId;
    const read = await http(`${cloudFrontUrl}links/${id}`, { headers: { Authorization: token } });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ linkId: id, url: 'https://example.com/through-cloudfront' });
    const anonymous = await http(`${cloudFrontUrl}links/${id}`);
    expect(anonymous.status).toBe(401);
    expect(JSON.stringify(anonymous.body)).not.toContain('through-cloudfront');
    // Query strings reach the API (the origin request policy forwards them all): a bad limit is the API's 400.
    const badLimit = await http(`${cloudFrontUrl}links?limit=0`, { headers: { Authorization: token } });
    expect(badLimit.status).toBe(400);
  });

  test('a CORS preflight passes through with the API\'s CORS answer, no token needed', async () => {
    const preflight = await http(`${cloudFrontUrl}links`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/i);
  });

  test('what CloudFront itself refuses gets its own HTML error, not the API\'s JSON: a GET with a body', async () => {
    // fetch will not send a GET body, so the request is written by hand.
    const raw = await rawRequest(cloudFrontUrl, 'GET /links HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
    expect(raw).toMatch(/^HTTP\/1\.1 403/);
    expect(raw).toMatch(/X-Cache: Error from cloudfront/i);
    expect(raw).toContain('The request could not be satisfied');
  });
});

test('EnableCloudFront defaults to false: no distribution, no CloudFrontUrl output', () => {
  const system = loadSystem({ rootDir: ROOT });
  const types = Object.values(system.api.resources).map((resource) => resource.type);
  expect(types).not.toContain('AWS::CloudFront::Distribution');
  expect(system.api.outputs.CloudFrontUrl).toBeUndefined();
  const enabled = loadSystem({ rootDir: ROOT, apiParameters: { EnableCloudFront: 'true' } });
  expect(enabled.api.outputs.CloudFrontUrl).toMatch(/^https:\/\/d[a-z0-9]{13}\.cloudfront\.net\/$/);
});

async function rawRequest(baseUrl: string, text: string): Promise<string> {
  const { connect } = await import('node:net');
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}
