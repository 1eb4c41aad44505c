/**
 * Lambda (TOKEN and REQUEST) authorizers and AWS_IAM methods on a REST API, through the twin over HTTP, from the
 * fixture project test/fixtures/lambda-authorizers (plain JavaScript functions, no build step). Expected answers
 * follow shared/reference/aws-api-shapes.md §2: "Use API Gateway Lambda authorizers" and "Output from an API
 * Gateway Lambda authorizer" (AWS docs), the repost.aws knowledge-center pages on 401/403/500 from Lambda
 * authorizers, and the captures cited in local/apigateway/gateway-responses.ts.
 */
import { join } from 'node:path';
import type { Twin } from '../../local/twin';
import { http, startTestTwin } from '../support/twin';
import { SIGNING_CREDENTIALS, signedGetHeaders } from '../support/sigv4';
import { loadSystem } from '../../local/template/system';
import { samTest, translate } from '../templates/samTransform';

const FIXTURE = join(__dirname, '..', 'fixtures', 'lambda-authorizers');

let twin: Twin;
const logs: string[] = [];
let base: string;

beforeAll(async () => {
  twin = await startTestTwin({ rootDir: FIXTURE, log: (line) => logs.push(line) });
  base = twin.gateway.stageUrl;
});
afterAll(async () => {
  await twin?.stop();
});

const get = (path: string, headers: Record<string, string> = {}) => http(`${base}${path}`, { headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** The authorizer function's invocations so far (its REPORT lines). */
const authorizerCalls = () => logs.filter((line) => line.startsWith('[AuthorizerFunction] REPORT')).length;

interface Echo {
  path: string;
  authorizer: Record<string, unknown> | null;
  identity: Record<string, unknown>;
}

describe('TOKEN authorizer (the API default)', () => {
  test('an Allow hands principalId and the context, every value a string, to the integration', async () => {
    const reply = await get('hello', bearer('alice'));
    expect(reply.status).toBe(200);
    const { authorizer } = reply.body as Echo;
    expect(authorizer).toMatchObject({ principalId: 'user-alice', admin: 'false', level: '7', type: 'TOKEN' });
    expect(typeof authorizer?.integrationLatency).toBe('number');
  });

  test('a result is cached under the token and serves the other methods; another token calls again', async () => {
    const first = (await get('hello', bearer('bob'))).body as Echo;
    const calls = authorizerCalls();
    const again = (await get('other', bearer('bob'))).body as Echo;
    expect(again.authorizer?.calls).toBe(first.authorizer?.calls);
    expect(authorizerCalls()).toBe(calls);
    const other = (await get('hello', bearer('carol'))).body as Echo;
    expect(other.authorizer?.principalId).toBe('user-carol');
    expect(authorizerCalls()).toBe(calls + 1);
  });

  test('no token, or one failing the ValidationExpression: 401 Unauthorized without calling the function', async () => {
    const calls = authorizerCalls();
    for (const headers of [{}, { authorization: 'Basic abc' }, bearer('UPPER-case'), { authorization: '' }]) {
      const reply = await get('hello', headers);
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({ message: 'Unauthorized' });
      expect(reply.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
    }
    expect(authorizerCalls()).toBe(calls);
  });

  test('the function failing with exactly "Unauthorized": 401', async () => {
    const reply = await get('hello', bearer('unauthorized'));
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ message: 'Unauthorized' });
  });

  test.each([
    ['throws another error', 'boom'],
    ['returns no policy', 'garbage'],
    ['puts an object in its context', 'nested-context'],
  ])('the function that %s: 500 {"message": null}, AuthorizerConfigurationException', async (_, token) => {
    const reply = await get('hello', bearer(token));
    expect(reply.status).toBe(500);
    expect(reply.body).toEqual({ message: null });
    expect(reply.headers.get('x-amzn-errortype')).toBe('AuthorizerConfigurationException');
  });

  test('an explicit Deny: 403 AccessDeniedException "… with an explicit deny"', async () => {
    const reply = await get('hello', bearer('deny'));
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({ Message: 'User is not authorized to access this resource with an explicit deny' });
    expect(reply.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
  });

  test('a cached policy naming one method denies the others until it expires', async () => {
    expect((await get('hello', bearer('this-method-only'))).status).toBe(200);
    const other = await get('other', bearer('this-method-only'));
    expect(other.status).toBe(403);
    expect(other.body).toEqual({ Message: 'User is not authorized to access this resource' });
  });

  test('a method with Authorizer: NONE never asks', async () => {
    const calls = authorizerCalls();
    const reply = await get('open');
    expect(reply.status).toBe(200);
    expect((reply.body as Echo).authorizer).toBeNull();
    expect(authorizerCalls()).toBe(calls);
  });
});

describe('REQUEST authorizer (ReauthorizeEvery: 0)', () => {
  test('gets the request (headers, query) and is asked on every call: nothing is cached', async () => {
    const first = (await get('tenant?key=k1', { 'X-Tenant': 'acme' })).body as Echo;
    expect(first.authorizer).toMatchObject({ principalId: 'user-acme:k1', type: 'REQUEST' });
    const second = (await get('tenant?key=k1', { 'X-Tenant': 'acme' })).body as Echo;
    expect(Number(second.authorizer?.calls)).toBeGreaterThan(Number(first.authorizer?.calls));
  });

  test('a missing identity source (the header or the query string): 401 without a call', async () => {
    const calls = authorizerCalls();
    expect((await get('tenant?key=k1')).status).toBe(401);
    expect((await get('tenant', { 'X-Tenant': 'acme' })).status).toBe(401);
    expect((await get('tenant?key=', { 'X-Tenant': 'acme' })).status).toBe(401);
    expect(authorizerCalls()).toBe(calls);
  });
});

describe('AWS_IAM', () => {
  const credentials = SIGNING_CREDENTIALS;
  const signedHeaders = (url: string) => signedGetHeaders(url, twin.system.region);

  test('unsigned: 403 Missing Authentication Token', async () => {
    const reply = await get('signed');
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({ message: 'Missing Authentication Token' });
    expect(reply.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });

  test('an Authorization header that is not a signature: 403 IncompleteSignatureException', async () => {
    const reply = await get('signed', bearer('alice'));
    expect(reply.status).toBe(403);
    expect(reply.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');
  });

  test('SigV4-signed by an SDK signer: let in, the access key in requestContext.identity', async () => {
    const url = `${base}signed`;
    const reply = await http(url, { headers: await signedHeaders(url) });
    expect(reply.status).toBe(200);
    expect((reply.body as Echo).identity).toMatchObject({ accessKey: credentials.accessKeyId, accountId: twin.system.accountId });
  });

  test('signed, but sent by a web page (Origin): refused, since the twin takes any signature', async () => {
    const url = `${base}signed`;
    const reply = await http(url, { headers: { ...(await signedHeaders(url)), origin: 'https://evil.example' } });
    expect(reply.status).toBe(403);
    expect(reply.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
  });
});

describe('API keys (ApiKeyRequired, the usage plan SAM creates)', () => {
  test('no or a wrong x-api-key: 403 Forbidden; the generated key (in the outputs file): in, with the key in the identity', async () => {
    for (const headers of [{}, { 'x-api-key': 'not-a-key' }] as Record<string, string>[]) {
      const refused = await get('keyed', headers);
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ message: 'Forbidden' });
      expect(refused.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
    }
    const key = twin.outputs.local.ApiKeys?.ApiApiKey;
    expect(key).toMatch(/^[A-Za-z0-9]{40}$/);
    const allowed = await get('keyed', { 'x-api-key': key! });
    expect(allowed.status).toBe(200);
    expect((allowed.body as Echo).identity).toMatchObject({ apiKey: key });
  });
});

describe('request validation (RequestModel with ValidateBody / ValidateParameters, the API\'s Models)', () => {
  const post = (query: string, body: string) => http(`${base}validated${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  test('a missing required parameter, then a body the model refuses: 400 with AWS\'s messages; a valid request gets through', async () => {
    expect(await post('', '{"name":"rex"}')).toMatchObject({ status: 400, body: { message: 'Missing required request parameters: [store]' } });
    for (const body of ['not json', '{"age":3}', '{"name":"rex","age":-1}', '']) {
      const reply = await post('?store=north', body);
      expect(reply).toMatchObject({ status: 400, body: { message: 'Invalid request body' } });
      expect(reply.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    }
    expect((await post('?store=north', '{"name":"rex","age":3}')).status).toBe(200);
  });
});

test('the access log names the principal, never the token', () => {
  const access = logs.filter((line) => line.startsWith('[api] GET /dev/hello 200'));
  expect(access.some((line) => line.includes('principal=user-alice'))).toBe(true);
  expect(logs.join('\n')).not.toContain('Bearer alice');
});

// The real SAM transform reads the fixture's authorizers the way the twin's api-model does.
samTest('the real SAM transform makes the same authorizers of the fixture', async () => {
  const system = loadSystem({ rootDir: FIXTURE });
  const processed = await translate(system, system.api);
  const body = processed.Resources.Api!.Properties!.Body as { components: { securitySchemes: Record<string, Record<string, unknown>> }; paths: Record<string, { get: { security?: unknown[] } }> };
  const schemes = body.components.securitySchemes;
  expect(schemes.TokenAuthorizer).toMatchObject({
    name: 'Authorization',
    'x-amazon-apigateway-authtype': 'custom',
    'x-amazon-apigateway-authorizer': { type: 'token', identityValidationExpression: 'Bearer [a-z0-9-]+' },
  });
  // No ReauthorizeEvery: SAM leaves the TTL out, and API Gateway's default is 300 s (Authorizer.authorizerResultTtlInSeconds).
  expect(schemes.TokenAuthorizer!['x-amazon-apigateway-authorizer']).not.toHaveProperty('authorizerResultTtlInSeconds');
  expect(schemes.RequestAuthorizer).toMatchObject({
    'x-amazon-apigateway-authorizer': { type: 'request', identitySource: 'method.request.header.X-Tenant, method.request.querystring.key', authorizerResultTtlInSeconds: 0 },
  });
  expect(body.paths['/hello']!.get.security).toEqual([{ TokenAuthorizer: [] }]);
  expect(body.paths['/tenant']!.get.security).toEqual([{ RequestAuthorizer: [] }]);
  expect(body.paths['/signed']!.get.security).toEqual([{ AWS_IAM: [] }]);
  expect(body.paths['/open']!.get.security).toEqual([{ NONE: [] }]);
  // CreateUsagePlan PER_API: the key the twin names ApiApiKey, in its usage plan, and /keyed asks for it.
  expect(processed.Resources).toMatchObject({ ApiApiKey: { Type: 'AWS::ApiGateway::ApiKey' }, ApiUsagePlan: { Type: 'AWS::ApiGateway::UsagePlan' }, ApiUsagePlanKey: { Type: 'AWS::ApiGateway::UsagePlanKey' } });
  expect(body.paths['/keyed']!.get.security).toEqual([{ api_key: [] }]);
  // The validator SAM writes for ValidateBody + ValidateParameters, and the required query string.
  const validated = (body.paths['/validated'] as unknown as { post: { 'x-amazon-apigateway-request-validator': string; parameters: { in: string; name: string; required: boolean }[] } }).post;
  const validators = (body as unknown as { 'x-amazon-apigateway-request-validators': Record<string, unknown> })['x-amazon-apigateway-request-validators'];
  expect(validators[validated['x-amazon-apigateway-request-validator']]).toEqual({ validateRequestBody: true, validateRequestParameters: true });
  expect(validated.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'query', name: 'store', required: true })]));
});
