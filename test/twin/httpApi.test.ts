/**
 * HTTP APIs (AWS::Serverless::HttpApi) through the twin over HTTP, with real tokens from the local Cognito, from
 * the fixture project test/fixtures/http-api-jwt. Expected answers follow shared/reference/aws-api-shapes.md §1 and
 * §4: the API Gateway developer guide's JWT authorizer, troubleshooting, Lambda integration (payload 2.0), CORS
 * and routes pages, and the captures cited there. SAM's implicit ServerlessHttpApi follows its
 * ImplicitHttpApiPlugin.
 */
import { join } from 'node:path';
import { loadSystem } from '../../local/template/system';
import type { Twin } from '../../local/twin';
import { http, poolUserTokens, startTestTwin } from '../support/twin';
import { samTest, translate } from '../templates/samTransform';
import { SIGNING_CREDENTIALS, signedGetHeaders } from '../support/sigv4';

const FIXTURE = join(__dirname, '..', 'fixtures', 'http-api-jwt');
const EMAIL = 'http-api@example.com';

let twin: Twin;
let api: string;
let implicit: string;
const tokens: Record<'id' | 'access' | 'otherId' | 'otherAccess', string> = { id: '', access: '', otherId: '', otherAccess: '' };
const logs: string[] = [];

beforeAll(async () => {
  twin = await startTestTwin({ rootDir: FIXTURE, log: (line) => logs.push(line) });
  api = twin.outputs.api.HttpApiUrl!;
  implicit = twin.outputs.api.ImplicitApiEndpoint!;
  const [mine, other] = [twin.outputs.auth.AppClientId!, twin.outputs.auth.OtherClientId!];
  const signedIn = await poolUserTokens(twin, twin.outputs.auth.UserPoolId!, EMAIL, [mine, other]);
  Object.assign(tokens, { id: signedIn[mine]!.idToken, access: signedIn[mine]!.accessToken, otherId: signedIn[other]!.idToken, otherAccess: signedIn[other]!.accessToken });
});
afterAll(async () => {
  await twin?.stop();
});

interface Echo {
  version: string;
  routeKey: string | null;
  rawPath: string | null;
  httpMethod: string | null;
  pathParameters: Record<string, string> | null;
  query: Record<string, string> | null;
  cookies: string[] | null;
  custom: string | null;
  body: string | null;
  isBase64Encoded: boolean;
  stage: string;
  jwt: { claims: Record<string, string>; scopes: string[] | null } | null;
  lambda: Record<string, unknown> | null;
  iam: Record<string, unknown> | null;
}

const get = (url: string, headers: Record<string, string> = {}) => http(url, { headers });

test('both HTTP APIs run on the $default stage, at the root of their own ports; outputs point at them', () => {
  expect(twin.apiGateways.map((gateway) => gateway.logicalId).sort()).toEqual(['HttpApi', 'LambdaGuardedApi', 'ServerlessHttpApi']);
  const byId = Object.fromEntries(twin.apiGateways.map((gateway) => [gateway.logicalId, gateway]));
  expect(api).toBe(`${byId.HttpApi!.url}/`);
  expect(implicit).toBe(byId.ServerlessHttpApi!.url);
});

describe('JWT authorizer', () => {
  test('an ID token of an audience client passes an unscoped route; claims all strings, scopes null', async () => {
    const reply = await get(`${api}me`, { authorization: `Bearer ${tokens.id}` });
    expect(reply.status).toBe(200);
    const echo = reply.body as Echo;
    expect(echo).toMatchObject({ version: '2.0', routeKey: 'GET /me', rawPath: '/me', stage: '$default' });
    expect(echo.jwt?.scopes).toBeNull();
    expect(echo.jwt?.claims).toMatchObject({ email: EMAIL, aud: twin.outputs.auth.AppClientId, token_use: 'id', email_verified: expect.any(String) });
    expect(typeof echo.jwt?.claims.exp).toBe('string');
  });

  test('an access token passes through client_id (it has no aud), bare or Bearer', async () => {
    for (const authorization of [tokens.access, `Bearer ${tokens.access}`]) {
      const reply = await get(`${api}me`, { authorization });
      expect(reply.status).toBe(200);
      expect((reply.body as Echo).jwt?.claims.client_id).toBe(twin.outputs.auth.AppClientId);
    }
  });

  test('no token: 401 Unauthorized with www-authenticate: Bearer', async () => {
    const reply = await get(`${api}me`);
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ message: 'Unauthorized' });
    expect(reply.headers.get('www-authenticate')).toBe('Bearer');
  });

  test('a malformed token and a token of another client: 401 with the invalid_token description AWS gives', async () => {
    const malformed = await get(`${api}me`, { authorization: 'Bearer not-a-jwt' });
    expect(malformed.status).toBe(401);
    expect(malformed.headers.get('www-authenticate')).toBe('Bearer scope="" error="invalid_token" error_description="token contains an invalid number of segments"');
    for (const token of [tokens.otherId, tokens.otherAccess]) {
      const foreign = await get(`${api}me`, { authorization: token });
      expect(foreign.status).toBe(401);
      expect(foreign.body).toEqual({ message: 'Unauthorized' });
      expect(foreign.headers.get('www-authenticate')).toBe('Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"');
    }
  });

  test('a forged signature: 401', async () => {
    const [header, payload] = tokens.access.split('.');
    const reply = await get(`${api}me`, { authorization: `${header}.${payload}.${'A'.repeat(342)}` });
    expect(reply.status).toBe(401);
  });

  test('a scoped route: 403 Forbidden without the scope (the ID token has none); the access token gets its scope list', async () => {
    const refused = await get(`${api}admin`, { authorization: tokens.id });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ message: 'Forbidden' });
    const allowed = await get(`${api}admin`, { authorization: tokens.access });
    expect(allowed.status).toBe(200);
    expect((allowed.body as Echo).jwt?.scopes).toEqual(['aws.cognito.signin.user.admin']);
  });
});

describe('routes, the 2.0 event and the result', () => {
  test('ANY /items/{id}: path parameters, cookies, comma-joined query and headers, a text body', async () => {
    const reply = await http(`${api}items/42?a=1&a=2&b=x+y`, {
      method: 'POST',
      headers: { cookie: 'c1=v1; c2=v2', 'x-custom': 'yes', 'content-type': 'application/json' },
      body: '{"n":1}',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ routeKey: 'ANY /items/{id}', pathParameters: { id: '42' }, query: { a: '1,2', b: 'x y' }, cookies: ['c1=v1', 'c2=v2'], custom: 'yes', body: '{"n":1}', isBase64Encoded: false });
    expect(reply.headers.get('set-cookie')).toBe('a=1, b=2; Path=/');
    expect(reply.headers.get('apigw-requestid')).toBeTruthy();
  });

  test('the path reaches the function percent-decoded (rawPath and path parameters), the query string encoded', async () => {
    const reply = await get(`${api}items/a%20b%C3%A9?q=x%20y`);
    expect(reply.body).toMatchObject({ rawPath: '/items/a bé', pathParameters: { id: 'a bé' }, query: { q: 'x y' } });
  });

  test('a form post arrives base64-encoded (HTTP APIs have no binary media types)', async () => {
    const reply = await http(`${api}items/1`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
    expect(reply.body).toMatchObject({ body: Buffer.from('a=1').toString('base64'), isBase64Encoded: true });
  });

  test('a result without statusCode is the JSON body of a 200', async () => {
    const reply = await get(`${api}plain`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(reply.body).toEqual({ hello: 'world' });
  });

  test('RouteSettings throttle a route: past its burst, 429 {"message":"Too Many Requests"}', async () => {
    expect((await get(`${api}throttled`)).status).toBe(200);
    const throttled = await get(`${api}throttled`);
    expect(throttled).toMatchObject({ status: 429, body: { message: 'Too Many Requests' } });
    expect((await get(`${api}plain`)).status).toBe(200);
  });

  test('no route: 404 {"message":"Not Found"}', async () => {
    const reply = await get(`${api}nowhere`);
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ message: 'Not Found' });
  });

  test("the implicit API's $default route catches any path; a 1.0 route gets the 1.0 event", async () => {
    const anything = await http(`${implicit}/some/where`, { method: 'DELETE' });
    expect(anything.body).toMatchObject({ version: '2.0', routeKey: '$default', rawPath: '/some/where' });
    const old = await get(`${implicit}/old`);
    expect(old.body).toMatchObject({ version: '1.0', httpMethod: 'GET' });
  });
});

describe('Lambda authorizers (a named stage, v1)', () => {
  const lambdaApi = () => twin.outputs.api.LambdaApiUrl!;

  test('2.0 simple responses: isAuthorized true lets in with the context under authorizer.lambda, false is 403', async () => {
    const allowed = await get(`${lambdaApi()}guarded`, { authorization: 'let-me-in' });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({ rawPath: '/v1/guarded', stage: 'v1', lambda: { user: 'ada', routeKey: 'GET /guarded' } });
    const refused = await get(`${lambdaApi()}guarded`, { authorization: 'no' });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ message: 'Forbidden' });
  });

  test('no identity source: 401 without a call; the function failing: 500', async () => {
    const missing = await get(`${lambdaApi()}guarded`);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ message: 'Unauthorized' });
    const failing = await get(`${lambdaApi()}guarded`, { authorization: 'boom' });
    expect(failing.status).toBe(500);
    expect(failing.body).toEqual({ message: 'Internal Server Error' });
  });

  test('ReauthorizeEvery 0 calls every time; the 1.0 IAM-policy authorizer caches its Allow and its Deny', async () => {
    const calls = async (path: string, token: string) => Number(((await get(`${lambdaApi()}${path}`, { authorization: token })).body as Echo).lambda?.calls);
    const first = await calls('guarded', 'let-me-in');
    expect(await calls('guarded', 'let-me-in')).toBeGreaterThan(first);
    const cached = await calls('policy', 'let-me-in');
    expect(await calls('policy', 'let-me-in')).toBe(cached);
    const denied = await get(`${lambdaApi()}policy`, { authorization: 'deny' });
    expect(denied.status).toBe(403);
  });

  test('a path outside the named stage is 404', async () => {
    expect((await get(`${lambdaApi().replace(/v1\/$/, '')}guarded`, { authorization: 'let-me-in' })).status).toBe(404);
  });
});

describe('IAM authorization (EnableIamAuthorizer, a route with Authorizer: AWS_IAM)', () => {
  test('unsigned or not a signature: 403 Forbidden; SigV4-signed: in, with the caller under authorizer.iam', async () => {
    for (const headers of [{}, { authorization: `Bearer ${tokens.access}` }] as Record<string, string>[]) {
      const refused = await get(`${api}signed`, headers);
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ message: 'Forbidden' });
    }
    const url = `${api}signed`;
    const signed = await get(url, await signedGetHeaders(url, twin.system.region));
    expect(signed.status).toBe(200);
    expect((signed.body as Echo).iam).toMatchObject({ accessKey: SIGNING_CREDENTIALS.accessKeyId, accountId: twin.system.accountId });
  });
});

describe('CORS configuration', () => {
  test('the API answers preflights itself (no authorizer): allowed origin gets the headers, another gets none', async () => {
    const preflight = (origin: string) =>
      http(`${api}me`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    const allowed = await preflight('https://app.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(allowed.headers.get('access-control-max-age')).toBe('600');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  test("responses carry the API's CORS headers, not the function's", async () => {
    const reply = await get(`${api}items/1`, { origin: 'https://app.example' });
    expect(reply.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const foreign = await get(`${api}items/1`, { origin: 'https://backend.example' });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});

test('the access log names the principal, never the token', () => {
  expect(logs.some((line) => /^\[api\] GET \/admin 200 .*principal=\S+-/.test(line))).toBe(true);
  expect(logs.join('\n')).not.toContain(tokens.access.split('.')[2]);
});

samTest('the real SAM transform makes the same HTTP APIs of the fixture', async () => {
  const system = loadSystem({ rootDir: FIXTURE });
  const processed = await translate(system, system.api);
  const apis = Object.entries(processed.Resources).filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Api').map(([id]) => id).sort();
  expect(apis).toEqual(['HttpApi', 'LambdaGuardedApi', 'ServerlessHttpApi']);
  const stages = Object.values(processed.Resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Stage').map((r) => r.Properties?.StageName);
  expect(stages.sort()).toEqual(['$default', '$default', 'v1']);
  const body = processed.Resources.HttpApi!.Properties!.Body as { components: { securitySchemes: Record<string, Record<string, unknown>> }; paths: Record<string, Record<string, { security?: unknown[]; 'x-amazon-apigateway-integration': { payloadFormatVersion: string } }>> };
  expect(body.components.securitySchemes.PoolJwt).toMatchObject({
    type: 'oauth2',
    'x-amazon-apigateway-authorizer': { type: 'jwt', identitySource: '$request.header.Authorization', jwtConfiguration: { issuer: { Ref: 'Issuer' }, audience: [{ Ref: 'ClientId' }] } },
  });
  // ...which CloudFormation fills from SSM with the pool's ProviderURL and the app client: what the twin resolved.
  expect(system.api.parameters).toMatchObject({ Issuer: `https://cognito-idp.${system.region}.amazonaws.com/${system.auth.resources.Pool!.physicalId}`, ClientId: system.auth.resources.AppClient!.physicalId });
  expect(body.paths['/admin']!.get!.security).toEqual([{ PoolJwt: ['aws.cognito.signin.user.admin'] }]);
  expect(body.paths['/me']!.get!.security).toEqual([{ PoolJwt: [] }]);
  const implicitBody = processed.Resources.ServerlessHttpApi!.Properties!.Body as { paths: Record<string, Record<string, { 'x-amazon-apigateway-integration': { payloadFormatVersion: string } }>> };
  expect(Object.keys(implicitBody.paths).sort()).toEqual(['$default', '/old']);
  expect(implicitBody.paths['/old']!.get!['x-amazon-apigateway-integration'].payloadFormatVersion).toBe('1.0');
});
