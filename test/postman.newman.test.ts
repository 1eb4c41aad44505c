/**
 * The collection's scripts in the real Postman sandbox (newman, real crypto-js), against tiny fake
 * servers: what goes over the wire — one token request per client, raw JWTs in Authorization, and the
 * sign-in's SECRET_HASH. (The full run against the twin is `npm run test:api`.)
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import newman from 'newman';
import { environmentValues, postmanEnvironment } from '../postman/environment';
import { TokenRequestCounter } from '../postman/run-checks';
import { basicAuthorization } from '../scripts/lib/cognito';
import type { ApiTarget } from '../scripts/lib/targets';
import { COLLECTION_FILE, FAKE_TARGET } from './postman-support';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const fakeJwt = (claims: object) =>
  ['{"alg":"RS256","kid":"k"}', JSON.stringify(claims)].map((p) => Buffer.from(p).toString('base64url')).join('.') + '.c2lnbmF0dXJl';

let server: Server;
let seen: Seen[] = [];
let target: ApiTarget;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.setHeader('Content-Type', 'application/json');
      if (req.url === '/oauth2/token') {
        const client = Object.values(FAKE_TARGET.clients).find((c) => req.headers.authorization === basicAuthorization(c.clientId, c.clientSecret));
        res.end(JSON.stringify({ access_token: fakeJwt({ client_id: client?.clientId, token_use: 'access' }), expires_in: 3600, token_type: 'Bearer' }));
      } else if (req.headers['x-amz-target']) {
        res.end(JSON.stringify({ ChallengeParameters: {}, AuthenticationResult: { AccessToken: fakeJwt({ token_use: 'access' }), IdToken: fakeJwt({ token_use: 'id' }), TokenType: 'Bearer', ExpiresIn: 3600 } }));
      } else {
        res.end('{"items":[]}');
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  target = { ...FAKE_TARGET, apiUrl: `${origin}/v1/`, tokenUrl: `${origin}/oauth2/token`, cognitoEndpoint: `${origin}/` };
});

afterAll(() => new Promise<void>((done) => server.close(() => done())));
beforeEach(() => {
  seen = [];
});

function run(folder: string[], user = { username: 'alice@example.com', password: 'Pa"ss-word-9!' }, runTarget: ApiTarget = target): Promise<TokenRequestCounter> {
  const counter = new TokenRequestCounter(runTarget);
  return new Promise((resolve, reject) => {
    newman
      .run(
        { collection: COLLECTION_FILE, environment: postmanEnvironment('test', environmentValues(runTarget, user)), folder, reporters: process.env.DEBUG_NEWMAN ? ['cli'] : [] },
        (error) => (error ? reject(error) : resolve(counter)),
      )
      .on('request', (_error, args) => counter.observe(args.request));
  });
}

it('asks Cognito for one token per client over a whole folder, and sends the raw JWT', async () => {
  const counter = await run(['Links']);
  expect(counter.counts()).toEqual({ m2m: 1, readonly: 1, user: 0 });
  const apiCalls = seen.filter((s) => s.url.startsWith('/v1/'));
  expect(apiCalls.length).toBeGreaterThan(15);
  const authorizations = new Set(apiCalls.map((s) => s.headers.authorization));
  expect(authorizations.size).toBe(2); // the M2M and the read-only token, each reused
  for (const value of authorizations) expect(value).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/); // no "Bearer "
}, 30_000);

it('signs in with the SECRET_HASH computed by the real sandbox (crypto-js)', async () => {
  await run(['Sign in (USER_PASSWORD_AUTH with SECRET_HASH)'], { username: 'alice@example.com', password: 'Pa"ss-word-9!' });
  const signIn = seen.find((s) => s.headers['x-amz-target'] === 'AWSCognitoIdentityProviderService.InitiateAuth');
  expect(signIn?.headers['content-type']).toBe('application/x-amz-json-1.1');
  // Known-good value for this username, client id and secret (see postman.scripts.test.ts).
  expect(JSON.parse(signIn!.body)).toEqual({
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: '2user3client4id5abcdefghij',
    AuthParameters: { USERNAME: 'alice@example.com', PASSWORD: 'Pa"ss-word-9!', SECRET_HASH: expect.any(String) },
  });
  const { createHmac } = await import('node:crypto');
  const expected = createHmac('sha256', FAKE_TARGET.clients.user.clientSecret).update('alice@example.com' + FAKE_TARGET.clients.user.clientId).digest('base64');
  expect(JSON.parse(signIn!.body).AuthParameters.SECRET_HASH).toBe(expected);
}, 30_000);

describe('the CloudFront folder', () => {
  it('skips its requests when the environment has no CloudFront URL (a stack without the distribution)', async () => {
    await run(['CloudFront']);
    expect(seen).toEqual([]);
  }, 30_000);

  it('calls the distribution URL, with and without the ID token, when the environment has one', async () => {
    const origin = target.apiUrl.replace(/\/v1\/$/, '');
    await run(['User', 'CloudFront'], undefined, { ...target, cloudFrontUrl: `${origin}/edge/` });
    const edge = seen.filter((s) => s.url.startsWith('/edge/'));
    expect(edge.map((s) => `${s.method} ${s.url} ${s.headers.authorization ? 'token' : 'none'}`)).toEqual([
      'GET /edge/me none',
      'GET /edge/me token',
      'GET /edge/me none',
      'GET /edge/links?limit=1 token',
    ]);
  }, 30_000);
});
