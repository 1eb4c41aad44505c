/**
 * A REST API defined by an OpenAPI DefinitionBody with API Gateway's extensions (api-gateway-swagger-extensions),
 * through the twin over HTTP with real tokens, from test/fixtures/definition-body. Routes come from the body:
 * `aws_proxy` Lambda integrations, a `mock` preflight, `x-amazon-apigateway-any-method`. So do its
 * authorizers: `cognito_user_pools`, and a `token` authorizer with `authorizerUri`. A function's Api event is
 * not added to the body, since SAM adds one only with MergeDefinitions.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSystem } from '../../local/template/system';
import type { Twin } from '../../local/twin';
import { http, poolUserTokens, startTestTwin } from '../support/twin';
import { samTest, translate } from '../templates/samTransform';

const FIXTURE = join(__dirname, '..', 'fixtures', 'definition-body');
let twin: Twin;
let api: string;
let idToken: string;
const logs: string[] = [];

beforeAll(async () => {
  twin = await startTestTwin({ rootDir: FIXTURE, log: (line) => logs.push(line) });
  api = twin.outputs.api.ApiUrl!;
  const clientId = twin.outputs.auth.AppClientId!;
  idToken = (await poolUserTokens(twin, twin.outputs.auth.UserPoolId!, 'pets@example.com', [clientId]))[clientId]!.idToken;
});
afterAll(async () => {
  await twin?.stop();
});

test('a cognito_user_pools scheme guards GET /pets: an ID token of the pool gets in, none is 401', async () => {
  const allowed = await http(`${api}pets`, { headers: { authorization: idToken } });
  expect(allowed).toMatchObject({ status: 200, body: { resource: '/pets', stage: 'live', email: 'pets@example.com' } });
  expect((await http(`${api}pets`)).status).toBe(401);
});

test("the body's own gateway responses shape the answers (x-amazon-apigateway-gateway-responses)", async () => {
  const refused = await http(`${api}pets`);
  expect(refused.status).toBe(401);
  expect(refused.body).toEqual({ error: 'unauthorized', request: refused.headers.get('x-amzn-requestid') });
  expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="pets"');
});

test('the mock preflight answers with its response headers, without the authorizer', async () => {
  const preflight = await http(`${api}pets`, { method: 'OPTIONS' });
  expect(preflight.status).toBe(200);
  expect(preflight.headers.get('access-control-allow-methods')).toBe('GET,OPTIONS');
  expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
});

test('x-amazon-apigateway-any-method behind a token authorizer from authorizerUri', async () => {
  expect((await http(`${api}pets/rex`, { method: 'DELETE', headers: { authorization: 'Bearer allow' } })).body).toMatchObject({ resource: '/pets/{name}', name: 'rex' });
  expect((await http(`${api}pets/rex`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
});

test("a function event's route is not added to the body (no MergeDefinitions), as SAM leaves it; an integration the twin cannot run is 500 with a reason", async () => {
  const status = await http(`${api}status`);
  expect(status.status).toBe(403);
  expect(status.body).toEqual({ message: 'Missing Authentication Token' });
  expect(logs.some((line) => line.includes('GET /status: an Api event of PetsApi'))).toBe(true);
  const legacy = await http(`${api}legacy`);
  expect(legacy.status).toBe(500);
  expect(logs.some((line) => line.includes('GET /legacy: integration type http_proxy does not run locally'))).toBe(true);
});

test('an api_key scheme needs a key of a usage plan of the stage: the template\'s own key gets in, another is 403', async () => {
  expect((await http(`${api}stock`, { headers: { 'x-api-key': 'local-stock-reader-key-0123456789abcdef' } })).status).toBe(200);
  expect((await http(`${api}stock`, { headers: { 'x-api-key': 'another-key' } })).status).toBe(403);
  expect(twin.outputs.local.ApiKeys).toEqual({ 'stock-reader': 'local-stock-reader-key-0123456789abcdef' });
});

samTest('the real SAM transform keeps the body as written: the event route is not added', async () => {
  const system = loadSystem({ rootDir: FIXTURE });
  const processed = await translate(system, system.api);
  const body = processed.Resources.PetsApi!.Properties!.Body as { paths: Record<string, Record<string, unknown>> };
  expect(Object.keys(body.paths).sort()).toEqual(['/legacy', '/pets', '/pets/{name}', '/stock']);
  expect(Object.keys(body.paths['/pets/{name}']!)).toEqual(['x-amazon-apigateway-any-method']);
});

describe('a raw AWS::ApiGateway::RestApi defined by its OpenAPI Body (no SAM Api)', () => {
  test('is served on the stage its AWS::ApiGateway::Stage names, its Lambda proxy integration and Cognito scheme enforced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raw-restapi-'));
    cpSync(join(FIXTURE, 'auth-stack'), join(dir, 'auth-stack'), { recursive: true });
    mkdirSync(join(dir, 'api-stack'));
    writeFileSync(join(dir, 'api-stack', 'template.yaml'), RAW_TEMPLATE);
    const raw = await startTestTwin({ rootDir: dir });
    try {
      const url = raw.outputs.api.RawUrl!;
      expect(url).toBe(`${raw.gateway.url}/v2/`);
      expect((await http(`${url}hello`)).status).toBe(401);
      const clientId = raw.outputs.auth.AppClientId!;
      const token = (await poolUserTokens(raw, raw.outputs.auth.UserPoolId!, 'raw@example.com', [clientId]))[clientId]!.idToken;
      expect(await http(`${url}hello`, { headers: { authorization: token } })).toMatchObject({ status: 200, body: { greeting: 'raw' } });
      expect((await http(`${raw.gateway.url}/Prod/hello`)).status).toBe(403);
    } finally {
      await raw.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const RAW_TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  PoolArn:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /links-auth/PoolArn
Resources:
  HelloFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs24.x
      Handler: index.handler
      InlineCode: |
        exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ greeting: 'raw' }) });
  RawApi:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: raw
      EndpointConfiguration: { Types: [REGIONAL] }
      Body:
        openapi: 3.0.1
        info: { title: raw, version: '1' }
        paths:
          /hello:
            get:
              security: [{ Pool: [] }]
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${HelloFunction.Arn}/invocations
        components:
          securitySchemes:
            Pool:
              type: apiKey
              name: Authorization
              in: header
              x-amazon-apigateway-authtype: cognito_user_pools
              x-amazon-apigateway-authorizer: { type: cognito_user_pools, providerARNs: [!Ref PoolArn] }
  RawDeployment:
    Type: AWS::ApiGateway::Deployment
    Properties:
      RestApiId: !Ref RawApi
  RawStage:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref RawApi
      DeploymentId: !Ref RawDeployment
      StageName: v2
Outputs:
  RawUrl:
    Value: !Sub https://\${RawApi}.execute-api.\${AWS::Region}.amazonaws.com/v2/
`;
