/** The gateway's pure parts: API model, route matching, claims, proxy events and results, gateway responses. */
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { apiModelOf, type Route } from '../../local/apigateway/api-model';
import { tokenFitsMethod, tokenFromHeader } from '../../local/apigateway/authorizers/cognito';
import { javaDateString, stringifyClaims } from '../../local/apigateway/claims';
import { gatewayErrors, incompleteSignatureMessage, renderGatewayResponse, renderTemplate, type ResponseContext } from '../../local/apigateway/gateway-responses';
import { buildProxyEvent, clfTime, headerMaps, isBinary, queryMaps, withForwardingHeaders } from '../../local/apigateway/proxy-event';
import { clientHeaders, parseProxyResult } from '../../local/apigateway/proxy-result';
import { matchRoute } from '../../local/apigateway/route-match';
import { accessLogLine } from '../../local/apigateway/access-log';
import { evaluatePolicy, parseAuthorizerOutput, wildcardMatch } from '../../local/apigateway/authorizers/policy';
import { loadSystem } from '../../local/template/system';

const route = (resourcePath: string, method: string, fn = `${method} ${resourcePath}`): Route => ({
  resourcePath,
  method,
  integration: { type: 'lambda', functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${fn}`, functionLogicalId: fn },
  auth: undefined,
  resourceId: 'abc123',
});

describe('API model from the real api stack', () => {
  const system = loadSystem({ rootDir: process.cwd() });
  const model = apiModelOf(system.api);
  const find = (method: string, path: string) => model.routes.find((r) => r.method === method && r.resourcePath === path);

  test('routes come from the functions’ Api events, with SAM’s auth rules', () => {
    expect(model.stages).toEqual(['v1']);
    expect(model.apiId).toBe(system.api.resources.LinksApi!.physicalId);
    expect(find('POST', '/links')).toMatchObject({
      integration: { type: 'lambda', functionArn: system.api.resources.CreateLinkFunction!.arn, functionLogicalId: 'CreateLinkFunction' },
      auth: { authorizer: 'CognitoAuthorizer', scopes: ['links-api/write', 'aws.cognito.signin.user.admin'] },
    });
    expect(find('GET', '/me')).toMatchObject({ auth: { authorizer: 'CognitoAuthorizer', scopes: [] } });
    expect(find('PUT', '/links/{linkId}/tags/{tag}')?.integration).toEqual({ type: 'lambda', functionArn: system.api.resources.TagLinkFunction!.arn, functionLogicalId: 'TagLinkFunction' });
    expect(model.authorizers.CognitoAuthorizer).toEqual({
      kind: 'cognito',
      name: 'CognitoAuthorizer',
      poolIds: [system.auth.resources.UserPool!.physicalId],
      header: 'Authorization',
      scopes: undefined,
    });
  });

  test('every path gets an unauthenticated OPTIONS preflight (AddDefaultAuthorizerToCorsPreflight: false)', () => {
    const paths = [...new Set(model.routes.filter((r) => r.method !== 'OPTIONS').map((r) => r.resourcePath))].sort();
    const preflights = model.routes.filter((r) => r.method === 'OPTIONS');
    expect(preflights.map((r) => r.resourcePath).sort()).toEqual(paths);
    expect(preflights.every((r) => r.auth === undefined && r.integration.type === 'cors-mock')).toBe(true);
  });

  test('GatewayResponses keep their (quoted) header expressions and templates', () => {
    expect(model.gatewayResponses.UNAUTHORIZED).toEqual({
      statusCode: undefined,
      headers: { 'Access-Control-Allow-Origin': "'*'", 'WWW-Authenticate': "'Bearer'" },
      templates: { 'application/json': '{"message":$context.error.messageString}' },
    });
  });
});

describe('route matching', () => {
  const routes = [
    route('/links', 'GET'),
    route('/links', 'POST'),
    route('/links/{linkId}', 'GET'),
    route('/links/special', 'GET'),
    route('/links/{linkId}/tags/{tag}', 'PUT'),
    route('/files/{proxy+}', 'ANY'),
    route('/files/{proxy+}', 'GET'),
    route('/', 'GET'),
  ];
  const match = (method: string, path: string) => {
    const m = matchRoute(routes, method, path);
    return m.found ? { fn: (m.route.integration as { functionLogicalId: string }).functionLogicalId, params: m.pathParameters } : 'none';
  };

  test('literal beats a path variable; variables come back raw (still percent-encoded)', () => {
    expect(match('GET', '/links/special')).toEqual({ fn: 'GET /links/special', params: null });
    expect(match('GET', '/links/a%2Fb')).toEqual({ fn: 'GET /links/{linkId}', params: { linkId: 'a%2Fb' } });
    expect(match('PUT', '/links/L1/tags/t1')).toEqual({ fn: 'PUT /links/{linkId}/tags/{tag}', params: { linkId: 'L1', tag: 't1' } });
  });

  test('an explicit method beats ANY; a greedy variable needs at least one segment', () => {
    expect(match('GET', '/files/a/b')).toEqual({ fn: 'GET /files/{proxy+}', params: { proxy: 'a/b' } });
    expect(match('DELETE', '/files/a')).toEqual({ fn: 'ANY /files/{proxy+}', params: { proxy: 'a' } });
    expect(match('GET', '/files')).toBe('none');
  });

  test('one trailing slash is ignored; unknown paths, methods and empty segments do not match', () => {
    expect(match('GET', '/links/')).toEqual({ fn: 'GET /links', params: null });
    expect(match('GET', '/')).toEqual({ fn: 'GET /', params: null });
    expect(match('DELETE', '/links')).toBe('none');
    expect(match('HEAD', '/links')).toBe('none');
    expect(match('GET', '/nope')).toBe('none');
    expect(match('GET', '/links//tags')).toBe('none');
    expect(match('GET', '/Links')).toBe('none');
  });
});

describe('authorizer rules', () => {
  const id = { token_use: 'id', aud: 'client-a' } as unknown as JwtPayload;
  const access = (scope: string) => ({ token_use: 'access', scope, client_id: 'client-a' }) as unknown as JwtPayload;

  test('with scopes: an access token holding any one of them', () => {
    expect(tokenFitsMethod(access('links-api/read links-api/write'), ['links-api/write', 'aws.cognito.signin.user.admin'], [])).toBe(true);
    expect(tokenFitsMethod(access('aws.cognito.signin.user.admin'), ['links-api/write', 'aws.cognito.signin.user.admin'], [])).toBe(true);
    expect(tokenFitsMethod(access('links-api/read'), ['links-api/write'], [])).toBe(false);
    expect(tokenFitsMethod(access('links-api/writer'), ['links-api/write'], [])).toBe(false);
    expect(tokenFitsMethod(id, ['links-api/read'], ['client-a'])).toBe(false);
  });

  test('without scopes: an ID token for an app client of the pool', () => {
    expect(tokenFitsMethod(id, [], ['client-a'])).toBe(true);
    expect(tokenFitsMethod(id, [], ['client-b'])).toBe(false);
    expect(tokenFitsMethod(access('links-api/read'), [], ['client-a'])).toBe(false);
  });

  test('the identity header holds the raw token or "Bearer <token>"', () => {
    expect(tokenFromHeader('abc.def.ghi')).toBe('abc.def.ghi');
    expect(tokenFromHeader('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(tokenFromHeader('bearer  abc')).toBe('abc');
    expect(tokenFromHeader('  ')).toBeUndefined();
    expect(tokenFromHeader(undefined)).toBeUndefined();
  });
});

describe('claims as the integration sees them', () => {
  test('every value a string: dates as Java renders them, numbers, booleans, lists', () => {
    expect(
      stringifyClaims({
        sub: 'u1',
        exp: 1469818373,
        iat: 1469814773,
        auth_time: 1469814773,
        version: 2,
        email_verified: true,
        'cognito:groups': ['admins', 'editors'],
        scope: 'links-api/read links-api/write',
        address: { street: 'x' },
        gone: null,
      }),
    ).toEqual({
      sub: 'u1',
      exp: 'Fri Jul 29 18:52:53 UTC 2016',
      iat: 'Fri Jul 29 17:52:53 UTC 2016',
      auth_time: '1469814773',
      version: '2',
      email_verified: 'true',
      'cognito:groups': 'admins,editors',
      scope: 'links-api/read links-api/write',
      address: '{"street":"x"}',
    });
    expect(stringifyClaims({ scope: ['a', 'b'] })).toEqual({ scope: 'a b' });
    expect(javaDateString(0)).toBe('Thu Jan 01 00:00:00 UTC 1970');
  });
});

describe('proxy event pieces', () => {
  test('headers: last value single, all values multi, one entry per name whatever the casing', () => {
    expect(headerMaps(['Accept', 'a', 'X-A', '1', 'x-a', '2'])).toEqual({
      headers: { Accept: 'a', 'X-A': '2' },
      multiValueHeaders: { Accept: ['a'], 'X-A': ['1', '2'] },
    });
  });

  test('query: null when absent, form-decoded, last value single', () => {
    expect(queryMaps('')).toBeNull();
    expect(queryMaps('a=1&a=2&b=x+y%2Bz&c&d=%E2%9C%93&bad=%E0')).toEqual({
      single: { a: '2', b: 'x y+z', c: '', d: '✓', bad: '%E0' },
      multi: { a: ['1', '2'], b: ['x y+z'], c: [''], d: ['✓'], bad: ['%E0'] },
    });
  });

  test('forwarding headers are added, X-Forwarded-For appended to the client’s', () => {
    const out = withForwardingHeaders(['Host', 'h', 'X-Forwarded-For', '10.0.0.1'], { sourceIp: '127.0.0.1', port: 3000, protocol: 'http', traceId: 'Root=1-a-b' });
    expect(headerMaps(out).headers).toEqual({
      Host: 'h',
      'X-Forwarded-For': '10.0.0.1, 127.0.0.1',
      'X-Forwarded-Port': '3000',
      'X-Forwarded-Proto': 'http',
      'X-Amzn-Trace-Id': 'Root=1-a-b',
    });
  });

  test('binary bodies only for BinaryMediaTypes; requestTime in CLF', () => {
    expect(isBinary('image/png', [])).toBe(false);
    expect(isBinary('image/png; q=1', ['image/*'])).toBe(true);
    expect(isBinary('application/json', ['image/png'])).toBe(false);
    expect(clfTime(new Date(Date.UTC(2015, 3, 9, 12, 34, 56)))).toBe('09/Apr/2015:12:34:56 +0000');
    const base = {
      route: route('/up', 'POST'),
      pathParameters: null,
      apiId: 'api',
      accountId: '000000000000',
      stage: 'v1',
      stageVariables: null,
      requestId: 'r',
      extendedRequestId: 'e',
      deploymentId: 'd',
      now: new Date(0),
      domainName: 'localhost',
      protocol: 'HTTP/1.1',
      authorizer: undefined,
    };
    const request = { method: 'POST', path: '/up', query: '', rawHeaders: ['Content-Type', 'image/png'], body: Buffer.from([0xff, 0x00]), sourceIp: '127.0.0.1' };
    expect(buildProxyEvent(request, { ...base, binaryMediaTypes: ['image/png'] })).toMatchObject({ body: '/wA=', isBase64Encoded: true });
    expect(buildProxyEvent({ ...request, body: Buffer.from('hi') }, { ...base, binaryMediaTypes: [] })).toMatchObject({ body: 'hi', isBase64Encoded: false });
  });
});

describe('proxy result validation', () => {
  test('valid results are normalised; headers merge with multi-value winning', () => {
    expect(parseProxyResult({ statusCode: 204 })).toEqual({ ok: true, result: { statusCode: 204, headers: {}, body: '', isBase64Encoded: false } });
    expect(parseProxyResult({ statusCode: '200', headers: { 'X-A': 'a', 'x-b': 1 }, multiValueHeaders: { 'X-A': ['1', '2'] }, body: 'x', isBase64Encoded: false })).toEqual({
      ok: true,
      result: { statusCode: 200, headers: { 'x-b': ['1'], 'X-A': ['1', '2'] }, body: 'x', isBase64Encoded: false },
    });
  });

  test.each([
    ['not an object', 'ok'],
    ['null', null],
    ['no statusCode', { body: 'x' }],
    ['statusCode out of range', { statusCode: 42 }],
    ['object body', { statusCode: 200, body: { a: 1 } }],
    ['unknown field', { statusCode: 200, cookies: ['a=1'] }],
    ['header value object', { statusCode: 200, headers: { a: { b: 1 } } }],
    ['multi-value not a list', { statusCode: 200, multiValueHeaders: { a: 'b' } }],
    ['isBase64Encoded not boolean', { statusCode: 200, isBase64Encoded: 'true' }],
  ])('%s is malformed', (_, payload) => {
    expect(parseProxyResult(payload)).toMatchObject({ ok: false, reason: expect.stringMatching(/^Malformed Lambda proxy response/) });
  });

  test('headers API Gateway owns on the client connection are remapped', () => {
    expect(clientHeaders({ 'Content-Length': ['5'], Date: ['x'], 'WWW-Authenticate': ['Bearer'], Authorization: ['t'], 'X-Ok': ['1'] })).toEqual({
      'x-amzn-Remapped-Content-Length': ['5'],
      'x-amzn-Remapped-Date': ['x'],
      'x-amzn-Remapped-WWW-Authenticate': ['Bearer'],
      'x-amzn-Remapped-Authorization': ['t'],
      'X-Ok': ['1'],
    });
  });
});

describe('gateway responses', () => {
  const ctx: ResponseContext = {
    headers: { origin: 'https://app.example' },
    query: { q: 'v' },
    pathParameters: {},
    stageVariables: { env: 'dev' },
    context: { requestId: 'req-1' },
  };
  const custom = {
    UNAUTHORIZED: { statusCode: undefined, headers: { 'Access-Control-Allow-Origin': "'*'", 'X-Origin': 'method.request.header.Origin', 'X-Q': 'method.request.querystring.q', 'X-None': 'method.request.header.Nope' }, templates: { 'application/json': '{"message":$context.error.messageString,"id":"$context.requestId","env":"${stageVariables.env}"}' } },
    DEFAULT_4XX: { statusCode: undefined, headers: { 'Access-Control-Allow-Origin': "'*'" }, templates: { 'application/json': '{"message":$context.error.messageString}' } },
  };

  test('the specific type wins; mapping expressions resolve; messageString is JSON-quoted', () => {
    expect(renderGatewayResponse(gatewayErrors.unauthorized('The incoming token has expired'), custom, ctx)).toEqual({
      status: 401,
      headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'UnauthorizedException', 'Access-Control-Allow-Origin': '*', 'X-Origin': 'https://app.example', 'X-Q': 'v' },
      body: '{"message":"The incoming token has expired","id":"req-1","env":"dev"}',
    });
  });

  test('unmapped types fall back to DEFAULT_4XX/5XX; without GatewayResponses there are no CORS headers', () => {
    expect(renderGatewayResponse(gatewayErrors.missingAuthenticationToken(), custom, ctx)).toMatchObject({
      status: 403,
      headers: { 'Access-Control-Allow-Origin': '*' },
      body: '{"message":"Missing Authentication Token"}',
    });
    expect(renderGatewayResponse(gatewayErrors.integrationFailure(), {}, ctx)).toEqual({
      status: 502,
      headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'InternalServerErrorException' },
      body: '{"message":"Internal server error"}',
    });
    expect(renderGatewayResponse(gatewayErrors.integrationFailure(), { DEFAULT_5XX: { statusCode: 500, headers: {}, templates: {} } }, ctx).status).toBe(500);
  });

  test('templates: a substituted value is never read again as a reference', () => {
    expect(renderTemplate('$context.a|${context.a}|$context.a.b.|$stageVariables.s', { a: '$context.b', b: 'no', 'a.b': 'ab' }, { s: 'S' })).toBe('$context.b|$context.b|ab.|S');
  });

  test('the SigV4 complaint names the header only by its hash', () => {
    expect(incompleteSignatureMessage('eyJ.a.b')).toMatch(/^Invalid key=value pair \(missing equal-sign\) in Authorization header \(hashed with SHA-256 and encoded with Base64\): '.{44}'\.$/);
    expect(incompleteSignatureMessage('Basic dXNlcjpwYXNz==')).toMatch(/^Authorization header requires 'Credential' parameter\./);
    expect(incompleteSignatureMessage('eyJ.a.b')).not.toContain('eyJ');
  });

  test('access-log lines carry identifiers, never tokens', () => {
    expect(accessLogLine({ requestId: 'r', method: 'GET', path: '/v1/me', status: 200, latencyMs: 3.4, principal: 's', client: 'c' })).toBe(
      '[api] GET /v1/me 200 3ms principal=s client=c requestId=r',
    );
  });
});

describe('Lambda authorizer policies (IAM policy evaluation against the method ARN)', () => {
  const arn = 'arn:aws:execute-api:us-east-1:000000000000:abc123/dev/GET/links/L1';
  const statement = (Effect: string, Resource: unknown, Action: unknown = 'execute-api:Invoke') => ({ Effect, Action, Resource });
  const decide = (...Statement: unknown[]) => {
    const parsed = parseAuthorizerOutput({ principalId: 'p', policyDocument: { Version: '2012-10-17', Statement } });
    if ('invalid' in parsed) throw new Error(parsed.invalid);
    return evaluatePolicy(parsed.statements, arn);
  };

  test('IAM wildcards: * spans any characters (slashes too), ? exactly one; the match is over the whole ARN', () => {
    expect(wildcardMatch('arn:aws:execute-api:*:*:abc123/*', arn)).toBe(true);
    expect(wildcardMatch('arn:aws:execute-api:us-east-1:000000000000:abc123/dev/GET/links/L?', arn)).toBe(true);
    expect(wildcardMatch('arn:aws:execute-api:us-east-1:000000000000:abc123/dev/GET/links', arn)).toBe(false);
    expect(wildcardMatch('arn:aws:execute-api:us-east-1:000000000000:abc123/dev/POST/*', arn)).toBe(false);
  });

  test('an explicit Deny wins over any Allow; no matching Allow is an implicit deny', () => {
    expect(decide(statement('Allow', '*'))).toBe('allow');
    expect(decide(statement('Allow', '*'), statement('Deny', arn))).toBe('explicit-deny');
    expect(decide(statement('Allow', 'arn:aws:execute-api:*:*:other/*'))).toBe('implicit-deny');
    expect(decide(statement('Allow', [arn, 'x']), statement('Deny', 'arn:aws:execute-api:*:*:abc123/dev/DELETE/*'))).toBe('allow');
    expect(decide(statement('Allow', '*', 'execute-api:*'))).toBe('allow');
    expect(decide(statement('Allow', '*', 's3:GetObject'))).toBe('implicit-deny');
  });

  test('outputs API Gateway cannot parse are refused; context values become strings', () => {
    expect(parseAuthorizerOutput(null)).toHaveProperty('invalid');
    expect(parseAuthorizerOutput({ policyDocument: { Statement: [] } })).toHaveProperty('invalid');
    expect(parseAuthorizerOutput({ principalId: 'p' })).toHaveProperty('invalid');
    expect(parseAuthorizerOutput({ principalId: 'p', policyDocument: { Statement: [{ Effect: 'Maybe', Action: 'x', Resource: '*' }] } })).toHaveProperty('invalid');
    expect(parseAuthorizerOutput({ principalId: 'p', policyDocument: { Statement: [statement('Allow', '*')] }, context: { list: [1] } })).toHaveProperty('invalid');
    expect(parseAuthorizerOutput({ principalId: 'p', policyDocument: { Statement: statement('Allow', '*') }, context: { n: 1, b: true, s: 'x', gone: null } }))
      .toMatchObject({ principalId: 'p', context: { n: '1', b: 'true', s: 'x' } });
  });
});
