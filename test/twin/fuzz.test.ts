/**
 * A few thousand hostile requests, from a fixed seed, through a running twin over HTTP: the API Gateway (every
 * route, with no, bad, forged and real tokens) and the Cognito endpoints (the JSON API by X-Amz-Target, signed
 * and not, and /oauth2/token and /oauth2/revoke), plus raw bytes no HTTP client would send.
 *
 * What must hold for every answer: no 5xx except a documented 503 (with Retry-After); a JSON body, or one of
 * the plain-text refusals API Gateway's front end sends (local/apigateway/request-limits.ts), or no body where
 * HTTP has none (HEAD, 204, a revoke's 200). And afterwards the twin still serves real calls.
 *
 * The seed is fixed so a failure is repeatable: the report names the request. FUZZ_SEED=<n> explores.
 */
import { Agent } from 'node:http';
import { generateKeyPair, SignJWT, type JWK } from 'jose';
import { refusals } from '../../local/apigateway/request-limits';
import type { Twin } from '../../local/twin';
import { headerOf, payloadOf, withAlgNone, withHs256PublicKey, withTamperedPayload } from '../support/forgedTokens';
import { badJson, Dice, encode, headerSafe, inPool, JsonObject, jsonText, oddJson, oddQuery, oddSegment, oddString, prng, PROTOTYPE_NAMES, send, type FuzzRequest, type FuzzResponse } from '../support/fuzz';
import { rawExchange, responses } from '../support/rawHttp';
import { clientCredentialsToken, http, signedInUser, startTestTwin } from '../support/twin';

/** Fixed, so `npm test` is repeatable; FUZZ_SEED=<n> explores other sequences. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_105);
const COUNTS = { api: 1_800, cognitoJson: 750, oauth: 350, cognitoOther: 100 };

let twin: Twin;
let stageUrl: string;
let poolId: string;
const tokens: Record<'userAccess' | 'userId' | 'write' | 'read', string> = { userAccess: '', userId: '', write: '', read: '' };
let forged: string[] = [];
let clientIds: string[] = [];
let m2m: { id: string; secret: string };

beforeAll(async () => {
  // The fuzz is about hostile input, not load: the stage throttle (50 rps) would turn most of it into 429s.
  twin = await startTestTwin({ apiParameters: { ThrottlingRateLimit: '100000', ThrottlingBurstLimit: '100000' } });
  stageUrl = twin.outputs.api.ApiUrl!.replace(/\/?$/, '/');
  poolId = twin.outputs.auth.UserPoolId!;
  const userClient = twin.outputs.api.UserClientId!;
  m2m = { id: twin.outputs.api.M2MClientId!, secret: twin.outputs.local.ClientSecrets[twin.outputs.api.M2MClientId!]! };
  clientIds = [userClient, m2m.id, twin.outputs.api.ReadOnlyClientId!];
  ({ accessToken: tokens.userAccess, idToken: tokens.userId } = await signedInUser(twin, 'fuzz-owner@example.com'));
  tokens.write = await clientCredentialsToken(twin, m2m.id);
  tokens.read = await clientCredentialsToken(twin, twin.outputs.api.ReadOnlyClientId!);
  forged = await forgeries(tokens.write);
  await warmUp();
}, 120_000);
afterAll(async () => {
  await twin?.stop();
});

/** The forgeries attackers try, from a real access token (test/support/forgedTokens.ts), and garbage. */
async function forgeries(real: string): Promise<string[]> {
  const jwks = (await (await fetch(`${twin.cognito.issuerFor(poolId)}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
  const jwk = jwks.keys.find((key) => key.kid === headerOf(real).kid)!;
  const foreign = await generateKeyPair('RS256');
  const ownKey = await new SignJWT(payloadOf(real)).setProtectedHeader({ alg: 'RS256', kid: String(headerOf(real).kid) }).sign(foreign.privateKey);
  const expired = await new SignJWT({ ...payloadOf(real), exp: 1 }).setProtectedHeader({ alg: 'RS256', kid: 'nope' }).sign(foreign.privateKey);
  return [
    withTamperedPayload(real, { sub: 'someone-else', scope: 'links-api/write' }), withAlgNone(real), withHs256PublicKey(real, jwk), ownKey, expired,
    'not-a-jwt', 'a.b.c', 'e30.e30.e30', '..', `${real}x`, real.split('.').slice(0, 2).join('.'), 'Bearer', 'AWS4-HMAC-SHA256 Credential=x',
  ];
}

/** One real call per function, so the fuzz meets warm functions (bundled, workers started). */
async function warmUp(): Promise<void> {
  const as = (token: string, method: string, path: string, body?: unknown) =>
    http(`${stageUrl}${path}`, { method, headers: { authorization: token, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const created = await as(tokens.write, 'POST', 'links', { url: 'https://example.com/warm', title: 'warm', tags: ['warm'] });
  expect(created.status).toBe(201);
  const id = (created.body as { id: string }).id;
  for (const [method, path] of [['GET', 'links'], ['GET', `links/${id}`], ['PUT', `links/${id}/tags/t`], ['DELETE', `links/${id}/tags/t`], ['GET', 'tags'], ['DELETE', `links/${id}`]] as const) {
    expect((await as(tokens.write, method, path)).status).toBeLessThan(500);
  }
  expect((await as(tokens.userId, 'GET', 'me')).status).toBe(200);
}

// ---- what the fuzz sends ----

const ROUTES: [string, string][] = [
  ['POST', 'links'], ['GET', 'links'], ['GET', 'links/{id}'], ['DELETE', 'links/{id}'], ['PUT', 'links/{id}/tags/{tag}'],
  ['DELETE', 'links/{id}/tags/{tag}'], ['GET', 'tags'], ['GET', 'me'],
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'PROPFIND', 'PURGE', 'TRACE', 'LINK', 'SEARCH', 'MKCOL', 'REPORT'];
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', '*/*', '', 'json', 'application/x-amz-json-1.1'];
const COGNITO_TARGETS = [
  'AdminConfirmSignUp', 'AdminCreateUser', 'AdminDeleteUser', 'AdminGetUser', 'AdminInitiateAuth', 'AdminSetUserPassword', 'ConfirmSignUp',
  'DescribeUserPoolClient', 'GetUser', 'GlobalSignOut', 'InitiateAuth', 'ListUserPoolClients', 'RespondToAuthChallenge', 'RevokeToken', 'SignUp',
];
const COGNITO_MEMBERS = [
  'ClientId', 'UserPoolId', 'Username', 'AuthFlow', 'AuthParameters', 'Password', 'ChallengeName', 'ChallengeResponses', 'Session',
  'AccessToken', 'Token', 'ClientSecret', 'UserAttributes', 'ValidationData', 'ClientMetadata', 'ConfirmationCode', 'SecretHash',
  'MessageAction', 'TemporaryPassword', 'Permanent', 'MaxResults', 'NextToken', 'USERNAME', 'PASSWORD', 'SECRET_HASH', 'REFRESH_TOKEN',
];
const SIGNED = ['authorization', 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=00', 'x-amz-date', '20260101T000000Z'];

function authorization(d: Dice): string[] {
  if (d.chance(0.2)) return [];
  const token = d.chance(0.5) ? d.pick(Object.values(tokens)) : d.pick(forged);
  return ['Authorization', d.pick([token, `Bearer ${token}`, `bearer  ${token} `, `${token}, ${token}`])];
}

function oddHeaders(d: Dice): string[] {
  const headers: string[] = [];
  for (let i = d.int(0, 5); i > 0; i--) headers.push(d.chance(0.6) ? d.pick(PROTOTYPE_NAMES) : d.pick(['X-Forwarded-For', 'Origin', 'Accept', 'Host', 'Cookie', 'X-Amz-Target', 'Content-Encoding', 'Expect-Not']), headerSafe(oddString(d)).slice(0, 300));
  if (d.chance(0.02)) headers.push('X-Big', 'b'.repeat(d.int(9_000, 12_000)));
  if (d.chance(0.5)) headers.push('Content-Type', d.pick(CONTENT_TYPES));
  return headers;
}

function oddBody(d: Dice): Buffer | undefined {
  switch (d.int(0, 9)) {
    case 0: case 1: return undefined;
    case 2: return Buffer.from(badJson(d));
    case 3: return Buffer.from(jsonText(oddJson(d)));
    case 4: return Buffer.from(Array.from({ length: d.int(1, 2_000) }, () => d.int(0, 255)));
    case 5: return d.chance(0.03) ? Buffer.alloc(d.pick([7, 11]) * 1024 * 1024, 0x61) : Buffer.from(`{"url":"${'u'.repeat(d.int(1_000, 400_000))}"}`);
    default: {
      const link = { url: d.chance(0.5) ? 'https://example.com/fuzz' : oddString(d), title: oddString(d), tags: d.some([...PROTOTYPE_NAMES, 'ok', oddString(d)], 6) };
      return Buffer.from(d.chance(0.3) ? jsonText(oddJson(d, 0, ['url', 'title', 'tags', ...Object.keys(link)])) : JSON.stringify(link));
    }
  }
}

function apiRequest(d: Dice): FuzzRequest {
  const [routeMethod, template] = d.pick(ROUTES);
  const path = d.chance(0.8)
    ? template.replace('{id}', () => oddSegment(d)).replace('{tag}', () => oddSegment(d))
    : Array.from({ length: d.int(0, 4) }, () => oddSegment(d)).join('/');
  const stage = d.chance(0.9) ? stageUrl : `${twin.gateway.url}/${d.pick(['Stage', 'V1', '__proto__', '', 'prod', '%2e%2e'])}/`;
  return {
    target: 'api',
    url: `${stage}${path}${d.chance(0.1) ? '/' : ''}${oddQuery(d)}`,
    method: d.chance(0.8) ? routeMethod : d.pick(METHODS),
    headers: [...authorization(d), ...oddHeaders(d)],
    body: oddBody(d),
  };
}

function cognitoJsonRequest(d: Dice): FuzzRequest {
  const operation = d.chance(0.85) ? d.pick(COGNITO_TARGETS) : d.pick([...PROTOTYPE_NAMES, '', 'DeleteUserPool', 'initiateauth']);
  const target = d.chance(0.9) ? `AWSCognitoIdentityProviderService.${operation}` : d.pick(['', 'AWSCognitoIdentityProviderService', 'Other.InitiateAuth', operation]);
  const members = new Map<string, unknown>();
  for (let i = d.int(0, 6); i > 0; i--) members.set(d.chance(0.7) ? d.pick(COGNITO_MEMBERS) : d.pick(PROTOTYPE_NAMES), oddJson(d, 1, COGNITO_MEMBERS));
  // Real ids often enough that the operations get past "no such pool/client" into their own checks.
  if (d.chance(0.5)) members.set('UserPoolId', poolId);
  if (d.chance(0.5)) members.set('ClientId', d.pick(clientIds));
  return {
    target: `cognito ${operation}`,
    url: `${twin.cognito.url}/${d.chance(0.05) ? oddQuery(d) : ''}`,
    method: d.chance(0.95) ? 'POST' : d.pick(METHODS),
    headers: [
      ...(target ? ['X-Amz-Target', headerSafe(target)] : []),
      'Content-Type', d.chance(0.8) ? 'application/x-amz-json-1.1' : d.pick(CONTENT_TYPES),
      ...(d.chance(0.5) ? SIGNED : d.chance(0.3) ? ['Authorization', headerSafe(d.pick([...forged, oddString(d)]))] : []),
      ...oddHeaders(d).slice(0, 4),
    ],
    body: Buffer.from(d.chance(0.15) ? badJson(d) : jsonText(new JsonObject([...members]))),
  };
}

function oauthRequest(d: Dice): FuzzRequest {
  const path = d.pick(['/oauth2/token', '/oauth2/token', '/oauth2/revoke']);
  const names = ['grant_type', 'client_id', 'client_secret', 'scope', 'refresh_token', 'code', 'code_verifier', 'token', 'redirect_uri', ...PROTOTYPE_NAMES];
  const fields = Array.from({ length: d.int(0, 7) }, () => {
    const name = d.pick(names);
    const value = name === 'grant_type' && d.chance(0.6) ? d.pick(['client_credentials', 'refresh_token', 'authorization_code', 'password']) : name === 'client_id' && d.chance(0.5) ? d.pick(clientIds) : oddString(d);
    return `${encode(name)}=${encode(value)}`;
  });
  const basic = d.pick([
    [], [], ['Authorization', `Basic ${Buffer.from(`${m2m.id}:${m2m.secret}`).toString('base64')}`], ['Authorization', 'Basic'], ['Authorization', 'Basic Og=='],
    ['Authorization', `Basic ${Buffer.from(`${d.pick(PROTOTYPE_NAMES)}:${oddString(d)}`).toString('base64')}`], ['Authorization', 'Basic !!!'], ['Authorization', headerSafe(d.pick(forged))],
  ]);
  return {
    target: `cognito ${path}`,
    url: `${twin.cognito.url}${path}${d.chance(0.1) ? oddQuery(d) : ''}`,
    method: d.chance(0.9) ? 'POST' : d.pick(METHODS),
    headers: [...basic, 'Content-Type', d.chance(0.8) ? 'application/x-www-form-urlencoded' : d.pick(CONTENT_TYPES), ...oddHeaders(d).slice(0, 4)],
    body: d.chance(0.1) ? oddBody(d) : Buffer.from(fields.join(d.chance(0.9) ? '&' : ';')),
  };
}

function cognitoOtherRequest(d: Dice): FuzzRequest {
  const path = d.pick([
    `/${poolId}/.well-known/jwks.json`, `/${poolId}/.well-known/openid-configuration`, '/.well-known/jwks.json', '/oauth2/userInfo', '/login',
    '/logout', '/oauth2/authorize', '//', '/%00', `/${d.pick(PROTOTYPE_NAMES)}`, `/${d.pick(PROTOTYPE_NAMES)}/.well-known/jwks.json`, `/${oddSegment(d)}`,
  ]);
  const preflight = ['Origin', 'https://evil.example', 'Access-Control-Request-Method', d.pick(METHODS), 'Access-Control-Request-Headers', d.pick(['authorization,x-amz-target', 'x-amz-target', oddString(d)])];
  return {
    target: `cognito ${path.slice(0, 40)}`,
    url: `${twin.cognito.url}${path}${oddQuery(d)}`,
    method: d.pick(['GET', 'GET', 'HEAD', 'OPTIONS', 'POST', 'DELETE', 'PROPFIND']),
    headers: [...(d.chance(0.3) ? preflight.map(headerSafe) : []), ...oddHeaders(d)],
    body: d.chance(0.2) ? oddBody(d) : undefined,
  };
}

// ---- what every answer must be ----

const FRONT_END_TEXTS = new Set(Object.values(refusals).map((refusal) => refusal.body));
const HOSTED_LOGIN_PAGES = /^\/(login|logout|signup|confirm|oauth2\/authorize)$/;

/** Why an answer is wrong, or undefined. */
function problemWith(req: FuzzRequest, res: FuzzResponse): string | undefined {
  if (res.status >= 500 && !(res.status === 503 && res.headers['retry-after'])) return `status ${res.status}`;
  const noBody = req.method === 'HEAD' || res.status === 204 || res.status === 304 || (res.status === 200 && req.url.includes('/oauth2/revoke'));
  if (noBody) return res.body.length === 0 || req.method !== 'HEAD' ? undefined : 'a HEAD answer with a body';
  const type = String(res.headers['content-type'] ?? '');
  const text = res.body.toString('utf8');
  if (type.startsWith('text; charset=utf-8')) return FRONT_END_TEXTS.has(text) ? undefined : `unknown plain-text answer ${JSON.stringify(text.slice(0, 80))}`;
  // The hosted login's pages are HTML, as Cognito's managed login is (its sign-in page, its error page).
  if (HOSTED_LOGIN_PAGES.test(new URL(req.url).pathname) && type.startsWith('text/html')) {
    return type === 'text/html; charset=utf-8' && /^<!doctype html>/i.test(text) ? undefined : `hosted login answered ${JSON.stringify(type)}`;
  }
  if (!/json/.test(type)) return `content type ${JSON.stringify(type)}`;
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    return `body is not JSON: ${JSON.stringify(text.slice(0, 80))}`;
  }
}

function summary(req: FuzzRequest): string {
  const headers = [];
  for (let i = 0; i + 1 < req.headers.length; i += 2) headers.push(`${req.headers[i]}: ${req.headers[i + 1]!.slice(0, 60)}`);
  return `${req.method} ${req.url.slice(0, 200)} [${headers.join(' | ')}] body=${req.body ? JSON.stringify(req.body.toString('latin1').slice(0, 120)) : '-'}`;
}

test(`${Object.values(COUNTS).reduce((a, b) => a + b)} fuzzed requests (seed ${SEED}): no 5xx but documented 503s, every answer JSON or AWS-shaped, the twin still up`, async () => {
  const d = new Dice(prng(SEED));
  const requests: FuzzRequest[] = [
    ...Array.from({ length: COUNTS.api }, () => apiRequest(d)),
    ...Array.from({ length: COUNTS.cognitoJson }, () => cognitoJsonRequest(d)),
    ...Array.from({ length: COUNTS.oauth }, () => oauthRequest(d)),
    ...Array.from({ length: COUNTS.cognitoOther }, () => cognitoOtherRequest(d)),
  ];
  // Interleaved (deterministically), so the gateway and Cognito are under fire at the same time.
  requests.sort((a, b) => hash(a.url + a.method) - hash(b.url + b.method));
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const problems: string[] = [];
  const seen = new Map<string, number>();
  try {
    await inPool(requests, 8, async (req) => {
      let res: FuzzResponse;
      try {
        res = await send(req, agent);
      } catch (error) {
        problems.push(`${(error as Error).message}: ${summary(req)}`);
        return;
      }
      const key = `${req.target.split(' ')[0]} ${res.status}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      const problem = problemWith(req, res);
      if (problem) problems.push(`${problem} [${res.status}] (${req.target}): ${summary(req)} → ${res.body.toString('utf8').slice(0, 160)}`);
    });
  } finally {
    agent.destroy();
  }
  expect({ problems: problems.slice(0, 15), count: problems.length }).toEqual({ problems: [], count: 0 });
  // Not a vacuous run: the fuzz reached the functions (2xx and their own 4xx) as well as the refusals around them.
  expect([...seen.keys()]).toEqual(expect.arrayContaining(['api 200', 'api 401', 'api 403', 'cognito 400', 'cognito 200']));
  await expectStillUp();
}, 120_000);

test('raw bytes no HTTP client sends: each gets a 4xx (or a closed connection), and both servers go on', async () => {
  const garbage = [
    'NOT A REQUEST\r\n\r\n', 'GET\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', 'GET /v1/links HTTP/1.1\r\nHost: localhost\r\nContent-Length: -1\r\n\r\n',
    'POST /v1/links HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    'POST /v1/links HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', `GET /${'a'.repeat(80_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
    'GET /v1/links HTTP/1.1\r\nHost: localhost\r\nX-Bad\u0001Name: 1\r\n\r\n', 'GET /v1/links HTTP/1.1\r\nHost: localhost\r\n__proto__: 1\r\nconstructor: 2\r\n\r\n',
    '\u0000\u0001\u0002\r\n\r\n', 'GET /v1/links HTTP/1.1\r\n' + 'X-H: v\r\n'.repeat(3_000) + '\r\n',
  ];
  for (const url of [twin.gateway.url, twin.cognito.url]) {
    for (const bytes of garbage) {
      const exchange = await rawExchange(url, bytes, { waitMs: 2_000, until: (text) => responses({ text, ending: 'open' }).length > 0 });
      for (const response of responses(exchange)) expect({ bytes: bytes.slice(0, 60), status: response.status < 500 }).toEqual({ bytes: bytes.slice(0, 60), status: true });
    }
  }
  await expectStillUp();
});

async function expectStillUp(): Promise<void> {
  const links = await http(`${stageUrl}links`, { headers: { authorization: tokens.read } });
  expect(links.status).toBe(200);
  const token = await clientCredentialsToken(twin, m2m.id);
  expect(token.split('.')).toHaveLength(3);
  const jwks = await http(`${twin.cognito.issuerFor(poolId)}/.well-known/jwks.json`);
  expect(jwks.status).toBe(200);
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
