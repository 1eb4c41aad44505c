/**
 * The local API Gateway over HTTP: the Cognito authorizer matrix against the project's real templates
 * and handlers (with a stand-in Cognito serving a JWKS), then proxy-integration details against the
 * fixture project's API (echo, failures, timeouts, limits).
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { LocalGateway } from '../../local/contracts';
import { startGateway } from '../../local/apigateway/server';
import { createTableFromTemplate } from '../../local/dynamodb/tables';
import { createFunctionInvoker, type LocalFunctionInvoker } from '../../local/lambda/invoker';
import { loadSystem, type System } from '../../local/template/system';
import { payloadOf, startFakeCognito, withAlgNone, withHs256PublicKey, withTamperedPayload, type FakeCognito } from './gatewaySupport';
import { http, type HttpResult } from '../support/twin';

const SCRATCH = join(process.cwd(), '.local', 'test-build', `gateway-${randomBytes(4).toString('hex')}`);
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

/** node:http, not fetch: fetch folds a repeated header into one line, and this must send it twice. */
function getWithRepeatedHeader(url: string, name: string, values: string[], headers: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.setHeader(name, values);
    req.on('error', reject);
    req.end();
  });
}

let cognito: FakeCognito;
const logs: string[] = [];

beforeAll(async () => {
  cognito = await startFakeCognito();
});
afterAll(async () => {
  await cognito?.stop();
  rmSync(SCRATCH, { recursive: true, force: true });
});

describe('gateway over the real templates: the Cognito authorizer as AWS enforces it', () => {
  let system: System;
  let invoker: LocalFunctionInvoker;
  let gateway: LocalGateway;
  let poolId: string;
  let userClient: string;
  let m2mClient: string;
  let idToken: string;
  let write: string;
  let read: string;
  let userAccess: string;

  beforeAll(async () => {
    system = loadSystem({ rootDir: process.cwd() });
    const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB!;
    const table = system.api.resources.LinksTable!;
    const dynamo = new DynamoDBClient({ endpoint, region: system.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await createTableFromTemplate(dynamo, table.physicalId, table.properties);
    dynamo.destroy();
    invoker = createFunctionInvoker({
      system,
      buildDir: join(SCRATCH, 'real'),
      baseEnvironment: { AWS_ENDPOINT_URL_DYNAMODB: endpoint, ...CREDENTIALS },
      log: (line) => logs.push(line),
    });
    gateway = await startGateway({ system, stack: system.api, cognito, invoker, accessLog: (line) => logs.push(line) });
    poolId = system.auth.resources.UserPool!.physicalId;
    userClient = system.api.resources.UserClient!.physicalId;
    m2mClient = system.api.resources.M2MClient!.physicalId;
    const readOnlyClient = system.api.resources.ReadOnlyClient!.physicalId;
    idToken = await cognito.idToken(poolId, userClient);
    write = await cognito.accessToken(poolId, m2mClient, 'links-api/read links-api/write');
    read = await cognito.accessToken(poolId, readOnlyClient, 'links-api/read');
    userAccess = await cognito.accessToken(poolId, userClient, 'aws.cognito.signin.user.admin', {
      claims: { sub: 'a1b2c3d4-0000-4000-8000-000000000001', username: 'a1b2c3d4-0000-4000-8000-000000000001' },
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await invoker?.stop();
  });

  const get = (path: string, token?: string, init: RequestInit = {}) =>
    http(`${gateway.stageUrl}${path}`, { ...init, headers: { ...(token === undefined ? {} : { Authorization: token }), ...(init.headers as Record<string, string>) } });
  const post = (path: string, token: string, body: unknown) =>
    get(path, token, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
  const unauthorized = { status: 401, body: { message: 'Unauthorized' } };
  const pick = (reply: HttpResult) => ({ status: reply.status, body: reply.body });

  test('stageUrl is the ApiUrl layout: <url>/<StageName>/', () => {
    expect(gateway.stageUrl).toBe(`${gateway.url}/v1/`);
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('no token → 401 Unauthorized, shaped by the UNAUTHORIZED gateway response (CORS, WWW-Authenticate)', async () => {
    const reply = await get('links');
    expect(pick(reply)).toEqual(unauthorized);
    expect(reply.headers.get('access-control-allow-origin')).toBe('*');
    expect(reply.headers.get('www-authenticate')).toBe('Bearer');
    expect(reply.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
    expect(reply.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('garbage, bad signature, alg none, HS256 with the public key, unknown kid, wrong issuer → 401', async () => {
    const forgeries = [
      'not-a-jwt',
      'a.b.c',
      withTamperedPayload(write, { sub: 'someone-else' }),
      withAlgNone(write),
      withHs256PublicKey(write, cognito.accessJwk),
      await cognito.accessToken(poolId, m2mClient, 'links-api/read', { foreignKey: true }),
      await cognito.accessToken('us-east-1_Other0000', m2mClient, 'links-api/read'),
      await cognito.accessToken(poolId, m2mClient, 'links-api/read', { issuer: `https://cognito-idp.us-east-1.amazonaws.com/${poolId}` }),
    ];
    for (const token of forgeries) expect(pick(await get('links', token))).toEqual(unauthorized);
  });

  test('expired → 401 "The incoming token has expired"', async () => {
    const expired = await cognito.accessToken(poolId, m2mClient, 'links-api/read', { expiresIn: -60 });
    expect(pick(await get('links', expired))).toEqual({ status: 401, body: { message: 'The incoming token has expired' } });
  });

  test('an ID token on a scoped route → 401; an access token on the ID-token route (/me) → 401', async () => {
    expect(pick(await get('links', idToken))).toEqual(unauthorized);
    expect(pick(await get('me', write))).toEqual(unauthorized);
    expect(pick(await get('me', userAccess))).toEqual(unauthorized);
  });

  test('an ID token whose audience is no app client of the pool → 401', async () => {
    expect(pick(await get('me', await cognito.idToken(poolId, 'notaclientofthispool0000')))).toEqual(unauthorized);
  });

  test('read-only scope on a write route → 401 (REST answers 401, not 403); on a read route it passes', async () => {
    expect(pick(await post('links', read, { url: 'https://example.com/ro' }))).toEqual(unauthorized);
    expect((await get('links', read)).status).toBe(200);
  });

  test('any listed scope suffices: links-api/write, or aws.cognito.signin.user.admin; Bearer prefix accepted', async () => {
    expect((await post('links', write, { url: 'https://example.com/m2m' })).status).toBe(201);
    expect((await post('links', userAccess, { url: 'https://example.com/user' })).status).toBe(201);
    expect((await get('links', `Bearer ${write}`)).status).toBe(200);
  });

  test('GET /me with an ID token reaches the handler with the verified claims', async () => {
    const reply = await get('me', idToken);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ sub: payloadOf(idToken).sub, email: 'ada@example.com', emailVerified: true });
    expect(reply.headers.get('content-type')).toBe('application/json');
  });

  test('CORS preflight needs no token and answers from the Api Cors block', async () => {
    for (const path of ['links', 'links/01JABCDEFGHJKMNPQRSTVWXYZ0', 'me']) {
      const reply = await get(path, undefined, { method: 'OPTIONS', headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' } });
      expect(reply.status).toBe(200);
      expect(Object.fromEntries([...reply.headers].filter(([name]) => name.startsWith('access-control-')))).toEqual({
        'access-control-allow-origin': '*',
        'access-control-allow-headers': 'Authorization,Content-Type',
        'access-control-allow-methods': 'GET,POST,PUT,DELETE,OPTIONS',
        'access-control-max-age': '600',
      });
    }
  });

  test('unknown route or method → 403 before any authorizer; with an Authorization header AWS answers as SigV4 does', async () => {
    const missing = { status: 403, body: { message: 'Missing Authentication Token' } };
    const nope = await get('nope');
    expect(pick(nope)).toEqual(missing);
    expect(nope.headers.get('access-control-allow-origin')).toBe('*'); // DEFAULT_4XX
    expect(nope.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(pick(await get('links', undefined, { method: 'PATCH' }))).toEqual(missing);
    expect(pick(await get('', undefined))).toEqual(missing);
    const signed = await get('nope', write);
    expect(signed.status).toBe(403);
    expect((signed.body as { message: string }).message).toMatch(
      /^Invalid key=value pair \(missing equal-sign\) in Authorization header \(hashed with SHA-256 and encoded with Base64\): '[A-Za-z0-9+/]{43}='\.$/,
    );
    expect(signed.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');
  });

  test('a path outside any stage → 403 Forbidden, which GatewayResponses do not shape', async () => {
    const reply = await http(`${gateway.url}/links`);
    expect(pick(reply)).toEqual({ status: 403, body: { message: 'Forbidden' } });
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('one access-log line per request, with principal and client but never the token', async () => {
    logs.length = 0;
    await get('me', idToken);
    await get('links');
    const access = logs.filter((line) => line.startsWith('[api] '));
    expect(access).toHaveLength(2);
    expect(access[0]).toMatch(new RegExp(`^\\[api\\] GET /v1/me 200 \\d+ms principal=${payloadOf(idToken).sub} client=${userClient} requestId=`));
    expect(access[1]).toMatch(/^\[api\] GET \/v1\/links 401 \d+ms principal=- client=- requestId=\S+ error="Unauthorized"$/);
    const everything = logs.join('\n');
    for (const token of [idToken, write]) expect(everything).not.toContain(token.split('.')[2]);
  });
});

describe('gateway over the fixture API: the Lambda proxy integration', () => {
  let system: System;
  let invoker: LocalFunctionInvoker;
  let gateway: LocalGateway;

  beforeAll(async () => {
    system = loadSystem({ rootDir: join(__dirname, '..', 'fixtures', 'runner-project') });
    invoker = createFunctionInvoker({ system, buildDir: join(SCRATCH, 'fixture'), baseEnvironment: CREDENTIALS, log: (line) => logs.push(line) });
    gateway = await startGateway({ system, stack: system.api, cognito, invoker, accessLog: (line) => logs.push(line) });
  });
  afterAll(async () => {
    await gateway?.stop();
    await invoker?.stop();
  });

  const echo = async (path: string, init: RequestInit = {}) => {
    const reply = await http(`${gateway.url}/test${path}`, init);
    expect(reply.status).toBe(200);
    return reply.body as APIGatewayProxyEvent;
  };

  test('the v1 proxy event is what API Gateway builds', async () => {
    const event = (await getWithRepeatedHeader(`${gateway.url}/test/echo/a%20b/c?x=1&x=2&y=a+b%2Bc&flag`, 'x-multi', ['first', 'second'], {
      'X-Custom': 'one',
      'User-Agent': 'jest-agent',
    })) as APIGatewayProxyEvent;
    expect(event).toMatchObject({
      resource: '/echo/{proxy+}',
      path: '/echo/a%20b/c',
      httpMethod: 'GET',
      pathParameters: { proxy: 'a%20b/c' },
      queryStringParameters: { x: '2', y: 'a b+c', flag: '' },
      multiValueQueryStringParameters: { x: ['1', '2'], y: ['a b+c'], flag: [''] },
      stageVariables: { stageVar: 'from-stage' },
      body: null,
      isBase64Encoded: false,
    });
    expect(event.headers).toMatchObject({ 'X-Custom': 'one', 'x-multi': 'second', 'User-Agent': 'jest-agent', 'X-Forwarded-Proto': 'http' });
    expect(event.headers['X-Forwarded-For']).toBe('127.0.0.1');
    expect(event.headers['X-Amzn-Trace-Id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event.multiValueHeaders['x-multi']).toEqual(['first', 'second']);
    const ctx = event.requestContext;
    expect(ctx).toMatchObject({
      accountId: system.accountId,
      apiId: system.api.resources.FixtureApi!.physicalId,
      stage: 'test',
      path: '/test/echo/a%20b/c',
      resourcePath: '/echo/{proxy+}',
      httpMethod: 'GET',
      protocol: 'HTTP/1.1',
      domainName: '127.0.0.1',
      identity: { sourceIp: '127.0.0.1', userAgent: 'jest-agent', cognitoIdentityId: null },
    });
    expect(ctx.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ctx.requestTime).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(typeof ctx.requestTimeEpoch).toBe('number');
    expect(ctx.resourceId).toMatch(/^[a-z0-9]{6}$/);
    expect(ctx.authorizer).toBeUndefined();
  });

  test('no query string and no path parameters are null; a body passes as text; a trailing slash still matches', async () => {
    const event = await echo('/echo/x/', { method: 'POST', body: '{"a":1}', headers: { 'Content-Type': 'application/json' } });
    expect(event).toMatchObject({ path: '/echo/x/', httpMethod: 'POST', queryStringParameters: null, multiValueQueryStringParameters: null, body: '{"a":1}' });
  });

  test('claims of a verified ID token arrive stringified', async () => {
    const poolId = system.auth.resources.Pool!.physicalId;
    const token = await cognito.idToken(poolId, system.auth.resources.PoolClient!.physicalId);
    const reply = await http(`${gateway.url}/test/secured`, { headers: { Authorization: token } });
    expect(reply.status).toBe(200);
    const claims = (reply.body as APIGatewayProxyEvent).requestContext.authorizer!.claims as Record<string, string>;
    const payload = payloadOf(token);
    expect(claims).toMatchObject({
      sub: payload.sub,
      email_verified: 'true',
      'cognito:groups': 'admins,editors',
      auth_time: String(payload.auth_time),
      token_use: 'id',
    });
    expect(claims.exp).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
    expect(Object.values(claims).every((value) => typeof value === 'string')).toBe(true);
  });

  test('handler throw, timeout and malformed results → 502 Internal server error (no CORS without GatewayResponses)', async () => {
    for (const mode of ['throw', 'slow', 'object-body', 'no-status']) {
      const reply = await http(`${gateway.url}/test/mode/${mode}`);
      expect({ mode, status: reply.status, body: reply.body }).toEqual({ mode, status: 502, body: { message: 'Internal server error' } });
      expect(reply.headers.get('access-control-allow-origin')).toBeNull();
      expect(reply.headers.get('x-amzn-errortype')).toBe('InternalServerErrorException');
    }
    expect(logs.some((line) => line.includes('/test/mode/object-body 502') && line.includes('Malformed Lambda proxy response'))).toBe(true);
  });

  test('headers and multiValueHeaders merge, multi-value winning', async () => {
    const reply = await http(`${gateway.url}/test/mode/multi`);
    expect(reply.status).toBe(201);
    expect(reply.headers.get('x-single')).toBe('one');
    expect(reply.headers.get('x-both')).toBe('a, b');
    expect(reply.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(reply.body).toBe('multi');
  });

  test('SAM preflight for an ANY method lists every method; the API without OpenApiVersion also has the "Stage" stage', async () => {
    const reply = await http(`${gateway.url}/test/echo/x`, { method: 'OPTIONS' });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(reply.headers.get('access-control-allow-methods')).toBe('DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT');
    expect((await http(`${gateway.url}/Stage/echo/x`)).status).toBe(200);
  });

  test('a body over 10 MB → 413 from the front end (more in gateway.requests.test.ts)', async () => {
    const reply = await http(`${gateway.url}/test/echo/big`, { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1, 97) });
    expect(reply.status).toBe(413);
    expect(reply.body).toBe('HTTP content length exceeded 10485760 bytes.');
  });
});
