/**
 * The local Cognito's HTTP layer against what a hostile page or a careless client sends: oversized bodies on
 * keep-alive connections, Object.prototype names as members, and admin calls that are not SigV4-signed or
 * come from another origin. AWS's behaviour is cited in local/cognito/iamAuth.ts and http.ts.
 */
import { AdminCreateUserCommand, AdminGetUserCommand, CognitoIdentityProviderClient, DescribeUserPoolClientCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { rawExchange, rawRequest, responses } from '../support/rawHttp';
import { failure, postForm, startTestCognito, uniqueEmail, userExists, type TestCognito } from '../support/cognitoHarness';

let t: TestCognito;
beforeAll(async () => {
  t = await startTestCognito();
});
afterAll(() => t.stop());

const TARGET = 'AWSCognitoIdentityProviderService.';
const AMZ_JSON = 'application/x-amz-json-1.1';
/** A SigV4 Authorization header as the SDK or CLI sends it; the twin checks its form, not its signature. */
const SIGNED = {
  authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0123abcd',
  'x-amz-date': '20260101T000000Z',
};

async function call(operation: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(t.cognito.url, {
    method: 'POST',
    headers: { 'content-type': AMZ_JSON, 'x-amz-target': `${TARGET}${operation}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

describe('an early error never breaks the keep-alive connection', () => {
  const twoMegabytes = `a=${'x'.repeat(2 * 1024 * 1024)}`;
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const untilTwo = (text: string) => responses({ text, ending: 'open' }).length === 2;

  test('an oversized form body at /oauth2/token is drained: the next request on the socket is answered (it was reset)', async () => {
    const exchange = await rawExchange(t.cognito.url, rawRequest('POST', '/oauth2/token', form, twoMegabytes) + rawRequest('POST', '/oauth2/token', form, 'grant_type=client_credentials'), { until: untilTwo });
    const [first, second] = responses(exchange);
    expect(exchange.ending).not.toBe('reset');
    expect({ status: first?.status, body: first?.body }).toEqual({ status: 400, body: '{"error":"invalid_request"}' });
    expect({ status: second?.status, body: second?.body }).toEqual({ status: 400, body: '{"error":"invalid_client"}' });
  });

  test('the same at /oauth2/revoke and at the JSON API (SerializationException, then the next call)', async () => {
    const revoke = await rawExchange(t.cognito.url, rawRequest('POST', '/oauth2/revoke', form, twoMegabytes) + rawRequest('GET', '/nope', {}), { until: untilTwo });
    expect(responses(revoke).map((r) => r.status)).toEqual([400, 404]);
    const api = { 'Content-Type': AMZ_JSON, 'X-Amz-Target': `${TARGET}InitiateAuth` };
    const json = await rawExchange(t.cognito.url, rawRequest('POST', '/', api, `{"a":"${'x'.repeat(2 * 1024 * 1024)}"}`) + rawRequest('POST', '/', api, '{}'), { until: untilTwo });
    const [tooLarge, next] = responses(json);
    expect(JSON.parse(tooLarge!.body)).toEqual({ __type: 'SerializationException', message: 'Request body is too large' });
    expect(JSON.parse(next!.body)).toMatchObject({ __type: 'InvalidParameterException' });
  });

  test('a declared body too large even to drain gets its answer with Connection: close, then a clean close', async () => {
    const exchange = await rawExchange(t.cognito.url, `POST /oauth2/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\n`);
    const [answer] = responses(exchange);
    expect(answer?.status).toBe(400);
    expect(answer?.headers.connection).toBe('close');
    expect(exchange.ending).toBe('closed');
  });
});

describe('Object.prototype names in bodies are data', () => {
  test('form fields named __proto__, constructor, toString: an OAuth error, never a 500', async () => {
    // fromEntries, not a literal: in a literal `__proto__: 'x'` would set the prototype instead of a key.
    const fields = Object.fromEntries([['__proto__', 'x'], ['constructor', 'y'], ['toString', 'z'], ['hasOwnProperty', '1'], ['grant_type', 'client_credentials']]);
    const result = await postForm(t.cognito.tokenUrl, fields, t.clients.M2MClient);
    expect(result.status).toBe(200);
    const bad = await postForm(t.cognito.tokenUrl, { grant_type: 'toString', client_id: 'constructor' });
    expect({ status: bad.status, body: bad.body }).toEqual({ status: 400, body: { error: 'unsupported_grant_type' } });
  });

  test('JSON members and AuthParameters named after Object.prototype: AWS validation errors', async () => {
    const body = '{"__proto__":{"AuthFlow":"USER_PASSWORD_AUTH"},"constructor":{"prototype":{}},"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"' + t.clients.UserClient.id + '","AuthParameters":{"__proto__":"x","toString":"y","USERNAME":"constructor"}}';
    const reply = await call('InitiateAuth', body);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ __type: 'InvalidParameterException', message: 'Missing required parameter PASSWORD' });
    expect(({} as Record<string, unknown>).AuthFlow).toBeUndefined();
    const target = await call('toString', '{}');
    expect(target.body.__type).toBe('UnknownOperationException');
  });
});

describe('IAM-authorized operations need a SigV4-signed request, as on AWS', () => {
  const missing = { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };

  test('an unsigned AdminCreateUser → 400 MissingAuthenticationTokenException, and no user is created', async () => {
    const email = uniqueEmail('unsigned');
    const reply = await call('AdminCreateUser', { UserPoolId: t.poolId, Username: email, MessageAction: 'SUPPRESS' });
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 400, body: missing });
    expect(reply.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await failure(t.sdk.send(new AdminGetUserCommand({ UserPoolId: t.poolId, Username: email })))).toMatchObject({ name: 'UserNotFoundException' });
  });

  test('an unsigned DescribeUserPoolClient → the same error and no client secret; the signed SDK call gets it', async () => {
    const reply = await call('DescribeUserPoolClient', { UserPoolId: t.poolId, ClientId: t.clients.UserClient.id });
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 400, body: missing });
    expect(JSON.stringify(reply.body)).not.toContain(t.clients.UserClient.secret);
    const described = await t.sdk.send(new DescribeUserPoolClientCommand({ UserPoolId: t.poolId, ClientId: t.clients.UserClient.id }));
    expect(described.UserPoolClient?.ClientSecret).toBe(t.clients.UserClient.secret);
  });

  test('the signed SDK AdminCreateUser works; the same SDK call sent unsigned fails with the AWS error, as the SDK reports it', async () => {
    const email = uniqueEmail('signed');
    const created = await t.sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email, MessageAction: 'SUPPRESS' }));
    expect(created.User?.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    // A signer that signs nothing: what a client configured with anonymous credentials sends.
    const anonymous = new CognitoIdentityProviderClient({ region: t.system.region, endpoint: t.cognito.url, maxAttempts: 1, signer: { sign: async (request) => request } });
    try {
      expect(await failure(anonymous.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: uniqueEmail('anonymous'), MessageAction: 'SUPPRESS' }))))
        .toEqual({ name: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token', status: 400 });
    } finally {
      anonymous.destroy();
    }
    expect((await call('ListUserPoolClients', { UserPoolId: t.poolId })).body).toEqual(missing);
  });

  test('an Authorization header that is not a SigV4 signature → IncompleteSignatureException', async () => {
    const bearer = await call('AdminGetUser', { UserPoolId: t.poolId, Username: 'x@example.com' }, { authorization: 'Bearer not-a-signature' });
    expect(bearer.status).toBe(400);
    expect(bearer.body.__type).toBe('IncompleteSignatureException');
    expect(bearer.body.message).toContain("Authorization header requires 'Credential' parameter.");
    expect(JSON.stringify(bearer.body)).not.toContain('not-a-signature');
    const noDate = await call('AdminGetUser', { UserPoolId: t.poolId, Username: 'x@example.com' }, { authorization: SIGNED.authorization });
    expect(noDate.body).toEqual({ __type: 'IncompleteSignatureException', message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." });
    const signed = await call('AdminGetUser', { UserPoolId: t.poolId, Username: 'nobody@example.com' }, SIGNED);
    expect(signed.body.__type).toBe('UserNotFoundException');
  });

  test('public operations stay unsigned (the SDK sends InitiateAuth without a signature); unknown operations are still UnknownOperation', async () => {
    const reply = await call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: t.clients.UserClient.id, AuthParameters: { USERNAME: 'nobody@example.com', PASSWORD: 'x' } });
    expect(reply.body.__type).toBe('NotAuthorizedException');
    expect((await call('DeleteUserPool', { UserPoolId: t.poolId })).body.__type).toBe('UnknownOperationException');
    expect(await failure(t.sdk.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: t.clients.UserClient.id, AuthParameters: { USERNAME: 'nobody@example.com', PASSWORD: 'x' } }))))
      .toMatchObject({ name: 'NotAuthorizedException' });
  });
});

describe('CORS: only what a browser app legitimately calls', () => {
  const preflight = (path: string, requestHeaders: string) =>
    fetch(`${t.cognito.url}${path}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': requestHeaders },
    });

  test('a preflight for a signed (admin) call from a foreign origin is not allowed', async () => {
    const response = await preflight('/', 'authorization,content-type,x-amz-date,x-amz-target,x-amz-user-agent');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-headers')).toBeNull();
  });

  test('a preflight for the unsigned calls a browser app makes (InitiateAuth, SignUp, GetUser…) is allowed, without signing headers', async () => {
    const response = await preflight('/', 'content-type,x-amz-target,x-amz-user-agent');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const allowed = response.headers.get('access-control-allow-headers')!.split(',');
    expect(allowed).toEqual(expect.arrayContaining(['content-type', 'x-amz-target', 'x-amz-user-agent']));
    expect(allowed).not.toContain('authorization');
  });

  test('answers: a public operation\'s are readable cross-origin; an IAM-authorized one is refused to a page, signed or not, and never readable', async () => {
    const origin = { origin: 'https://evil.example' };
    const initiate = await call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'nope' }, origin);
    expect(initiate.headers.get('access-control-allow-origin')).toBe('*');
    const described = await call('DescribeUserPoolClient', { UserPoolId: t.poolId, ClientId: t.clients.UserClient.id }, { ...origin, ...SIGNED });
    expect({ status: described.status, type: described.body.__type }).toEqual({ status: 400, type: 'AccessDeniedException' });
    expect(described.headers.get('access-control-allow-origin')).toBeNull();
    expect(JSON.stringify(described.body)).not.toContain(t.clients.UserClient.secret);
    const unsigned = await call('DescribeUserPoolClient', { UserPoolId: t.poolId, ClientId: t.clients.UserClient.id }, origin);
    expect(unsigned.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('the token endpoint stays open to browsers (public clients with PKCE), Basic authentication included', async () => {
    const response = await preflight('/oauth2/token', 'authorization,content-type');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
    const token = await postForm(t.cognito.tokenUrl, { grant_type: 'client_credentials' }, t.clients.M2MClient);
    expect(token.headers.get('access-control-allow-origin')).toBe('*');
  });
});

/**
 * Issue #20: no web page can drive the admin operations. Each refusal below is one a page would otherwise get
 * through; removing any one of them makes its test fail. After each, the pool is unchanged.
 */
describe('no web page can call an IAM-authorized operation', () => {
  const PRESIGNED = '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=x%2F20260101%2Fus-east-1%2Fcognito-idp%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=y';
  const createUser = (email: string) => ({ UserPoolId: t.poolId, Username: email, TemporaryPassword: 'Temp-Passw0rd!x', MessageAction: 'SUPPRESS' });

  async function post(query: string, operation: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${t.cognito.url}/${query}`, {
      method: 'POST',
      headers: { 'content-type': AMZ_JSON, 'x-amz-target': `${TARGET}${operation}`, ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  test('a fake presigned query is no signature: MissingAuthenticationTokenException, and no user is created', async () => {
    const email = uniqueEmail('presigned');
    expect(await post(PRESIGNED, 'AdminCreateUser', createUser(email))).toEqual({
      status: 400,
      body: { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' },
    });
    const described = await post(PRESIGNED, 'DescribeUserPoolClient', { UserPoolId: t.poolId, ClientId: t.clients.UserClient.id });
    expect(JSON.stringify(described.body)).not.toContain(t.clients.UserClient.secret);
    expect(await userExists(t, email)).toBe(false);
  });

  test('a signed-looking request from a cross-site page (Origin) is refused: AccessDeniedException, and no user is created', async () => {
    const email = uniqueEmail('cross-site');
    const reply = await post('', 'AdminCreateUser', createUser(email), { ...SIGNED, origin: 'http://127.0.0.1:5173' });
    expect(reply.status).toBe(400);
    expect(reply.body.__type).toBe('AccessDeniedException');
    expect(reply.body.message).toContain('Origin http://127.0.0.1:5173');
    expect(await userExists(t, email)).toBe(false);
  });

  test('Fetch Metadata alone marks a page too (Sec-Fetch-Site, no Origin): refused', async () => {
    const email = uniqueEmail('fetch-metadata');
    const reply = await post('', 'AdminCreateUser', createUser(email), { ...SIGNED, 'sec-fetch-site': 'same-site' });
    expect(reply.body.__type).toBe('AccessDeniedException');
    expect(await userExists(t, email)).toBe(false);
  });

  test('the same signed request without browser markers (what the SDK and CLI send) is served', async () => {
    const email = uniqueEmail('signed-cli');
    const reply = await post('', 'AdminCreateUser', createUser(email), SIGNED);
    expect(reply.status).toBe(200);
    expect(await userExists(t, email)).toBe(true);
  });

  test('DNS rebinding: a request for a foreign Host gets 403 before anything runs (no client secret, no user)', async () => {
    const email = uniqueEmail('rebound');
    const port = new URL(t.cognito.url).port;
    const headers = { 'Content-Type': AMZ_JSON, ...SIGNED };
    const exchange = await rawExchange(t.cognito.url, [
      rawRequest('POST', '/', { Host: `attacker.example:${port}`, 'X-Amz-Target': `${TARGET}DescribeUserPoolClient`, ...headers }, JSON.stringify({ UserPoolId: t.poolId, ClientId: t.clients.UserClient.id })),
    ].join(''));
    const [answer] = responses(exchange);
    expect(answer?.status).toBe(403);
    expect(answer?.body).toContain('DNS rebinding');
    expect(exchange.text).not.toContain(t.clients.UserClient.secret);
    const create = responses(await rawExchange(t.cognito.url, rawRequest('POST', '/', { Host: `attacker.example:${port}`, 'X-Amz-Target': `${TARGET}AdminCreateUser`, ...headers }, JSON.stringify(createUser(email)))));
    expect(create[0]?.status).toBe(403);
    expect(await userExists(t, email)).toBe(false);
    // The token endpoint and discovery are behind the same check; loopback names and IP literals are served.
    expect(responses(await rawExchange(t.cognito.url, rawRequest('GET', `/${t.poolId}/.well-known/jwks.json`, { Host: `attacker.example:${port}`, Connection: 'close' })))[0]?.status).toBe(403);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `app.localhost:${port}`]) {
      const served = responses(await rawExchange(t.cognito.url, rawRequest('GET', `/${t.poolId}/.well-known/jwks.json`, { Host: host, Connection: 'close' })))[0];
      expect({ host, status: served?.status }).toEqual({ host, status: 200 });
    }
  });
});
