/**
 * SAM's usual layout, one template.yaml and the `default` config env (test/fixtures/single-template). The one
 * stack is the auth stack and the API stack at once. Its HTTP API's JWT authorizer trusts the stack's own pool
 * (`Issuer: !GetAtt UserPool.ProviderURL`). Its SimpleTable is created in DynamoDB Local. Its plain JavaScript
 * function stores notes there through the AWS SDK, with real tokens, over HTTP.
 */
import { join } from 'node:path';
import { loadSystem } from '../../local/template/system';
import type { Twin } from '../../local/twin';
import { http, poolUserTokens, startTestTwin } from '../support/twin';
import { SIGNING_CREDENTIALS, signedGetHeaders } from '../support/sigv4';
import { samTest, translate } from '../templates/samTransform';

const FIXTURE = join(__dirname, '..', 'fixtures', 'single-template');

let twin: Twin;
let accessToken: string;

beforeAll(async () => {
  twin = await startTestTwin({ rootDir: FIXTURE });
  const clientId = twin.outputs.api.UserPoolClientId!;
  accessToken = (await poolUserTokens(twin, twin.outputs.api.UserPoolId!, 'notes@example.com', [clientId]))[clientId]!.accessToken;
});
afterAll(async () => {
  await twin?.stop();
});

test('one stack, named by the default config env, is both the auth and the API stack', () => {
  const system = loadSystem({ rootDir: FIXTURE });
  expect(system.stacks.map((stack) => [stack.name, stack.configEnv])).toEqual([['notes-app', 'default']]);
  expect(system.auth).toBe(system.api);
  expect(twin.outputs.auth).toEqual(twin.outputs.api);
  expect(twin.outputs.api.ApiUrl).toBe(twin.gateway.url);
});

test('a note written through the HTTP API is read back by its owner; no token is 401', async () => {
  const api = twin.outputs.api.ApiUrl!;
  const created = await http(`${api}/notes`, { method: 'POST', headers: { authorization: accessToken, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hello' }) });
  expect(created.status).toBe(201);
  const { id } = created.body as { id: string };
  const read = await http(`${api}/notes/${id}`, { headers: { authorization: `Bearer ${accessToken}` } });
  expect(read).toMatchObject({ status: 200, body: { id, text: 'hello' } });
  expect((await http(`${api}/notes/${id}`)).status).toBe(401);
});

test("a function's Cognito calls reach the local Cognito; a service the twin lacks is a clear error, not real AWS", async () => {
  const reply = await http(`${twin.outputs.api.ApiUrl!}/whoami`, { headers: { authorization: accessToken } });
  expect(reply.status).toBe(200);
  expect(reply.body).toEqual({
    email: 'notes@example.com',
    firehoseError: { name: 'LocalTwinUnsupportedService', message: expect.stringContaining('The local twin does not emulate firehose') },
  });
});

test("a function's own package.json is installed (dev dependencies left out); the project's packages are not visible to it, as on Lambda", async () => {
  const api = twin.outputs.api.ApiUrl!;
  expect((await http(`${api}/deps`)).body).toEqual({ greeting: 'hello, deps' });
  // zod is in the project's node_modules, not in the function's package.json: Lambda would not find it either.
  expect((await http(`${api}/undeclared`)).body).toEqual({ found: false, code: 'MODULE_NOT_FOUND' });
});

test('a function with InlineCode runs from index.js, as CloudFormation packages it', async () => {
  expect((await http(`${twin.outputs.api.ApiUrl!}/inline`)).body).toEqual({ inline: true, route: 'GET /inline' });
});

test("a function's layer (a LayerVersion of the template, built from its package.json) is on its NODE_PATH", async () => {
  expect((await http(`${twin.outputs.api.ApiUrl!}/layer`)).body).toEqual({ greeting: 'hello, layer' });
});

describe('function URLs (FunctionUrlConfig; SAM writes <Function>Url)', () => {
  test('a public URL: any path as a 2.0 event on $default, the path still encoded, Lambda answering CORS', async () => {
    const base = twin.outputs.api.PublicUrl!;
    expect(base).toBe(`${twin.functionUrls.find((url) => url.logicalId === 'UrlFunctionUrl')!.url}/`);
    const reply = await http(`${base}a%20b/c?x=1`, { headers: { origin: 'https://app.example' } });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ rawPath: '/a%20b/c', routeKey: '$default', domain: expect.stringMatching(/^[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws$/) });
    expect(reply.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });

  test('AuthType AWS_IAM: unsigned is 403 with Lambda\'s message; signed gets in, the caller under authorizer.iam', async () => {
    const url = twin.outputs.api.SignedUrl!;
    const refused = await http(url);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ Message: 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html' });
    const signed = await http(url, { headers: await signedGetHeaders(url, twin.system.region) });
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ iam: { accessKey: SIGNING_CREDENTIALS.accessKeyId } });
  });
});

// The real SAM transform agrees on the names the twin gives what SAM generates here.
samTest('the real SAM transform writes <Function>Url for FunctionUrlConfig, and the implicit pieces the twin names alike', async () => {
  const system = loadSystem({ rootDir: FIXTURE });
  const processed = await translate(system, system.api);
  expect(processed.Resources).toMatchObject({
    UrlFunctionUrl: { Type: 'AWS::Lambda::Url', Properties: { AuthType: 'NONE', TargetFunctionArn: { Ref: 'UrlFunction' } } },
    SignedUrlFunctionUrl: { Type: 'AWS::Lambda::Url', Properties: { AuthType: 'AWS_IAM' } },
    NotesTable: { Type: 'AWS::DynamoDB::Table', Properties: { KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' } },
  });
  expect(Object.values(processed.Resources).filter((r) => r.Type === 'AWS::Lambda::LayerVersion')).toHaveLength(1);
});
