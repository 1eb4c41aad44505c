/**
 * The collection's scripts, run in a vm with a fake `pm` (the logic: caching, refresh at 75 %, keys, errors),
 * and the shared TypeScript helpers (SECRET_HASH, token-request counting, totals).
 */
import { createHmac } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { basicAuthorization, secretHash } from '../scripts/lib/cognito';
import { assertionTotals, newmanUser, tokenCountProblems, TokenRequestCounter } from '../postman/run-checks';
import { FAKE_TARGET, findRequest, loadCollection, scriptOf } from './postman-support';

const collection = loadCollection();
const TOKEN_HELPER = scriptOf(collection.event, 'prerequest');

// Known-good vector, computed independently:
//   printf '%s' 'alice@example.com4abc5example6clientid789xy' | openssl dgst -sha256 -hmac '<secret>' -binary | base64
const VECTOR = {
  username: 'alice@example.com',
  clientId: '4abc5example6clientid789xy',
  clientSecret: '1example2secret3value4for5tests6abcdefghijklmnopq',
  secretHash: '0O0Doe+Miwc6oq44X1uVPbux0Ak3pYpW2VnD3FzbuOg=',
};

/** The slice of crypto-js the scripts use, on node:crypto (same semantics: HmacSHA256(message, key)). */
const cryptoJsShim = {
  HmacSHA256: (message: string, key: string) => createHmac('sha256', key).update(message).digest(),
  enc: {
    Base64: { stringify: (bytes: Buffer) => bytes.toString('base64'), parse: (text: string) => Buffer.from(text, 'base64') },
    Utf8: { parse: (text: string) => Buffer.from(text, 'utf8'), stringify: (bytes: Buffer) => bytes.toString('utf8') },
  },
};

interface SentRequest {
  url: string;
  method: string;
  header: { key: string; value: string }[];
  body: { mode: string; urlencoded: { key: string; value: string }[] };
}
type TokenReply = { code: number; body: Record<string, unknown> } | { error: Error };

/** A fake Postman sandbox: variables by scope, sendRequest answered by `reply`, a clock, recorded tests. */
class FakeSandbox {
  now = 1_700_000_000_000;
  environment: Record<string, string> = {
    tokenUrl: 'http://127.0.0.1:9229/oauth2/token',
    clientId: 'm2m-client',
    clientSecret: 'm2m-secret',
    scope: 'links-api/read links-api/write',
    readOnlyClientId: 'ro-client',
    readOnlyClientSecret: 'ro-secret',
    readOnlyScope: 'links-api/read',
  };
  collectionVariables = new Map<string, string>();
  local = new Map<string, string>();
  sent: SentRequest[] = [];
  tests: { name: string; error?: string }[] = [];
  body: string | undefined;
  reply: (request: SentRequest) => TokenReply = () => ({ code: 200, body: { access_token: `token-${this.sent.length}`, expires_in: 3600, token_type: 'Bearer' } });

  skipped = false;

  run(script: string, headers: { key: string; value: string; disabled?: boolean }[], url = '{{baseUrl}}/links'): void {
    this.local.clear(); // Postman's local variables live for one request
    this.skipped = false;
    const variable = (key: string) => this.local.get(key) ?? this.collectionVariables.get(key) ?? this.environment[key];
    const fail = (message: string) => {
      throw new Error(message);
    };
    const pm = {
      request: {
        headers: {
          each: (fn: (h: { key: string; value: string; disabled?: boolean }) => void) => headers.forEach(fn),
          has: (key: string) => headers.some((h) => h.key.toLowerCase() === key.toLowerCase()),
        },
        body: { update: (body: string) => void (this.body = body) },
        url: { toString: () => url },
      },
      execution: { skipRequest: () => void (this.skipped = true) },
      variables: { get: variable, set: (k: string, v: string) => void this.local.set(k, v) },
      collectionVariables: {
        get: (k: string) => this.collectionVariables.get(k),
        set: (k: string, v: string) => void this.collectionVariables.set(k, v),
        unset: (k: string) => void this.collectionVariables.delete(k),
      },
      sendRequest: (request: SentRequest, callback: (err: Error | null, res?: { code: number; json(): unknown }) => void) => {
        this.sent.push(request);
        const reply = this.reply(request);
        if ('error' in reply) callback(reply.error);
        else callback(null, { code: reply.code, json: () => reply.body });
      },
      test: (name: string, fn: () => void) => {
        try {
          fn();
          this.tests.push({ name });
        } catch (error) {
          this.tests.push({ name, error: (error as Error).message });
        }
      },
      expect: Object.assign(() => undefined, { fail }),
    };
    runInNewContext(script, {
      pm,
      require: (name: string) => {
        if (name !== 'crypto-js') throw new Error(`unexpected require(${name})`);
        return cryptoJsShim;
      },
      Date: { now: () => this.now },
    });
  }

  stats(): Record<string, { fetched: number; reused: number; fromEarlierRun: boolean }> {
    return JSON.parse(this.collectionVariables.get('tokenStats') ?? '{}');
  }
}

const asM2M = [{ key: 'Authorization', value: '{{m2mAccessToken}}' }];
const asReadOnly = [{ key: 'Authorization', value: '{{readOnlyAccessToken}}' }];

describe('the collection\'s token helper (pre-request script)', () => {
  it('fetches a client-credentials token on first use: Basic client auth, grant and scope', () => {
    const sandbox = new FakeSandbox();
    sandbox.run(TOKEN_HELPER, asM2M);
    expect(sandbox.sent).toHaveLength(1);
    const request = sandbox.sent[0]!;
    expect(request.url).toBe('http://127.0.0.1:9229/oauth2/token');
    expect(request.method).toBe('POST');
    expect(request.header).toContainEqual({ key: 'Authorization', value: basicAuthorization('m2m-client', 'm2m-secret') });
    expect(request.header).toContainEqual({ key: 'Content-Type', value: 'application/x-www-form-urlencoded' });
    expect(request.body).toEqual({
      mode: 'urlencoded',
      urlencoded: [
        { key: 'grant_type', value: 'client_credentials' },
        { key: 'scope', value: 'links-api/read links-api/write' },
      ],
    });
    expect(sandbox.local.get('m2mAccessToken')).toBe('token-1');
    expect(sandbox.stats().m2m).toEqual({ fetched: 1, reused: 0, fromEarlierRun: false });
    expect(sandbox.tests).toEqual([]);
  });

  it('serves every later request from the cache until 75 % of expires_in, then fetches again', () => {
    const sandbox = new FakeSandbox();
    sandbox.run(TOKEN_HELPER, asM2M);
    const fetchedAt = sandbox.now;
    for (let i = 0; i < 20; i++) {
      sandbox.now += 60_000; // 20 requests over 20 minutes of a 60-minute token
      sandbox.run(TOKEN_HELPER, asM2M);
      expect(sandbox.local.get('m2mAccessToken')).toBe('token-1');
    }
    sandbox.now = fetchedAt + 0.75 * 3600_000 - 1;
    sandbox.run(TOKEN_HELPER, asM2M);
    expect(sandbox.sent).toHaveLength(1);
    sandbox.now = fetchedAt + 0.75 * 3600_000;
    sandbox.run(TOKEN_HELPER, asM2M);
    expect(sandbox.sent).toHaveLength(2);
    expect(sandbox.local.get('m2mAccessToken')).toBe('token-2');
    expect(sandbox.stats().m2m).toEqual({ fetched: 2, reused: 21, fromEarlierRun: false });
  });

  it('honours a short expires_in', () => {
    const sandbox = new FakeSandbox();
    sandbox.reply = () => ({ code: 200, body: { access_token: `short-${sandbox.sent.length}`, expires_in: 300 } });
    sandbox.run(TOKEN_HELPER, asM2M);
    sandbox.now += 224_000;
    sandbox.run(TOKEN_HELPER, asM2M);
    expect(sandbox.sent).toHaveLength(1);
    sandbox.now += 2_000; // 226 s > 75 % of 300 s
    sandbox.run(TOKEN_HELPER, asM2M);
    expect(sandbox.sent).toHaveLength(2);
  });

  it('caches per client: the read-only client gets its own token, with its own scope', () => {
    const sandbox = new FakeSandbox();
    sandbox.run(TOKEN_HELPER, asM2M);
    sandbox.run(TOKEN_HELPER, asReadOnly);
    sandbox.run(TOKEN_HELPER, asM2M);
    sandbox.run(TOKEN_HELPER, asReadOnly);
    expect(sandbox.sent).toHaveLength(2);
    expect(sandbox.sent[1]!.header).toContainEqual({ key: 'Authorization', value: basicAuthorization('ro-client', 'ro-secret') });
    expect(sandbox.sent[1]!.body.urlencoded).toContainEqual({ key: 'scope', value: 'links-api/read' });
    expect(sandbox.local.get('readOnlyAccessToken')).toBe('token-2');
    expect(sandbox.stats()).toEqual({
      m2m: { fetched: 1, reused: 1, fromEarlierRun: false },
      readonly: { fetched: 1, reused: 1, fromEarlierRun: false },
    });
  });

  it('asks for nothing when a request uses no client token (or the header is disabled)', () => {
    const sandbox = new FakeSandbox();
    sandbox.run(TOKEN_HELPER, []);
    sandbox.run(TOKEN_HELPER, [{ key: 'Authorization', value: '{{userIdToken}}' }]);
    sandbox.run(TOKEN_HELPER, [{ key: 'Authorization', value: '{{m2mAccessToken}}', disabled: true }]);
    expect(sandbox.sent).toEqual([]);
  });

  it('does not reuse a token for another environment, client or scope', () => {
    const sandbox = new FakeSandbox();
    sandbox.run(TOKEN_HELPER, asM2M);
    sandbox.environment.tokenUrl = 'https://links-auth.auth.eu-west-1.amazoncognito.com/oauth2/token';
    sandbox.run(TOKEN_HELPER, asM2M);
    sandbox.environment.scope = 'links-api/read';
    sandbox.run(TOKEN_HELPER, asM2M);
    sandbox.environment.clientId = 'another-client';
    sandbox.run(TOKEN_HELPER, asM2M);
    expect(sandbox.sent).toHaveLength(4);
  });

  it('counts a token left by an earlier run (Postman keeps collection variables) as this run\'s one', () => {
    const sandbox = new FakeSandbox();
    sandbox.run(TOKEN_HELPER, asM2M);
    sandbox.collectionVariables.set('runId', ''); // what the last request does
    sandbox.now += 60_000;
    sandbox.run(TOKEN_HELPER, asM2M);
    expect(sandbox.sent).toHaveLength(1);
    expect(sandbox.stats().m2m).toEqual({ fetched: 0, reused: 1, fromEarlierRun: true });
  });

  it('starts a run with a fresh runId that is valid in a tag', () => {
    const sandbox = new FakeSandbox();
    sandbox.run(TOKEN_HELPER, []);
    const runId = sandbox.collectionVariables.get('runId')!;
    expect(`${runId}-alpha`).toMatch(/^[a-z0-9_-]{1,64}$/);
    sandbox.run(TOKEN_HELPER, []);
    expect(sandbox.collectionVariables.get('runId')).toBe(runId);
  });

  it('fails a test naming the OAuth error when the token endpoint refuses, and caches nothing', () => {
    const sandbox = new FakeSandbox();
    sandbox.reply = () => ({ code: 400, body: { error: 'invalid_client' } });
    sandbox.run(TOKEN_HELPER, asM2M);
    expect(sandbox.tests).toEqual([{ name: 'token for the m2m client', error: expect.stringContaining('HTTP 400 invalid_client') }]);
    expect(sandbox.local.get('m2mAccessToken')).toBe('');
    sandbox.reply = () => ({ error: new Error('connect ECONNREFUSED 127.0.0.1:9229') });
    sandbox.run(TOKEN_HELPER, asM2M);
    expect(sandbox.tests[1]!.error).toContain('ECONNREFUSED');
    expect(sandbox.sent).toHaveLength(2);
  });

  it('skips a request to an optional front the environment leaves empty (cloudFrontUrl), fetching no token for it', () => {
    const sandbox = new FakeSandbox();
    sandbox.run(TOKEN_HELPER, asM2M, '{{cloudFrontUrl}}/links');
    expect({ skipped: sandbox.skipped, sent: sandbox.sent.length }).toEqual({ skipped: true, sent: 0 });
    sandbox.environment.cloudFrontUrl = 'https://d111111abcdef8.cloudfront.net';
    sandbox.run(TOKEN_HELPER, asM2M, '{{cloudFrontUrl}}/links');
    expect({ skipped: sandbox.skipped, sent: sandbox.sent.length }).toEqual({ skipped: false, sent: 1 });
  });

  it('fails a test, without calling Cognito, when the environment lacks the client', () => {
    const sandbox = new FakeSandbox();
    delete sandbox.environment.readOnlyClientSecret;
    sandbox.run(TOKEN_HELPER, asReadOnly);
    expect(sandbox.sent).toEqual([]);
    expect(sandbox.tests[0]!.error).toContain('readOnlyClientSecret');
  });
});

describe('SECRET_HASH', () => {
  it('scripts/lib: base64(HMAC-SHA256(key = client secret, message = username + client id))', () => {
    expect(secretHash(VECTOR.username, VECTOR.clientId, VECTOR.clientSecret)).toBe(VECTOR.secretHash);
  });

  it('the collection\'s sign-in computes the same, and sends a properly escaped InitiateAuth body', () => {
    const sandbox = new FakeSandbox();
    Object.assign(sandbox.environment, {
      username: VECTOR.username,
      password: 'Pa"ss\\word-9!',
      userClientId: VECTOR.clientId,
      userClientSecret: VECTOR.clientSecret,
    });
    const signIn = findRequest(collection, 'Sign in (USER_PASSWORD_AUTH with SECRET_HASH)');
    sandbox.run(scriptOf(signIn.event, 'prerequest'), signIn.request!.header ?? []);
    expect(sandbox.local.get('secretHash')).toBe(VECTOR.secretHash);
    expect(JSON.parse(sandbox.body!)).toEqual({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: VECTOR.clientId,
      AuthParameters: { USERNAME: VECTOR.username, PASSWORD: 'Pa"ss\\word-9!', SECRET_HASH: VECTOR.secretHash },
    });
    expect(sandbox.stats().user).toEqual({ fetched: 1, reused: 0, fromEarlierRun: false });
    expect(sandbox.tests).toEqual([]);
  });

  it('the sign-in fails a test when no user is configured', () => {
    const sandbox = new FakeSandbox();
    Object.assign(sandbox.environment, { userClientId: VECTOR.clientId, userClientSecret: VECTOR.clientSecret });
    const signIn = findRequest(collection, 'Sign in (USER_PASSWORD_AUTH with SECRET_HASH)');
    sandbox.run(scriptOf(signIn.event, 'prerequest'), signIn.request!.header ?? []);
    expect(sandbox.tests[0]!.error).toMatch(/set username and password/);
  });
});

describe('run checks (postman/run-checks.ts)', () => {
  const request = (method: string, url: string, headers: Record<string, string>) => ({
    method,
    url: { toString: () => url },
    headers: { get: (key: string) => headers[key] },
  });

  it('counts token requests per client from what went over the wire', () => {
    const counter = new TokenRequestCounter(FAKE_TARGET);
    const basic = (client: 'm2m' | 'readonly') => basicAuthorization(FAKE_TARGET.clients[client].clientId, FAKE_TARGET.clients[client].clientSecret);
    counter.observe(request('POST', 'http://127.0.0.1:9229/oauth2/token', { Authorization: basic('m2m') }));
    counter.observe(request('POST', 'http://127.0.0.1:9229/oauth2/token', { Authorization: basic('readonly') }));
    counter.observe(request('POST', 'http://127.0.0.1:9229/oauth2/token', { Authorization: basic('readonly') }));
    counter.observe(request('POST', 'http://127.0.0.1:9229/', { 'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth' }));
    counter.observe(request('POST', 'http://127.0.0.1:3000/v1/links', { Authorization: 'eyJ…' }));
    counter.observe(request('GET', 'http://127.0.0.1:9229/oauth2/token', {}));
    expect(counter.counts()).toEqual({ m2m: 1, readonly: 2, user: 1 });
    expect(tokenCountProblems(counter.counts(), true)).toEqual(['readonly client: 2 token requests (expected exactly 1)']);
    expect(tokenCountProblems({ m2m: 1, readonly: 0, user: 1 }, true)).toEqual(['readonly client: 0 token requests (expected exactly 1)']);
    expect(tokenCountProblems({ m2m: 1, readonly: 0, user: 1 }, false)).toEqual([]);
  });

  it('counts script errors and requests that got no response as failures', () => {
    const stats = { assertions: { total: 10, pending: 0, failed: 1 } } as never;
    const failures = [
      { error: { name: 'AssertionError', message: 'x' }, at: 'assertion:1 in test-script' },
      { error: { name: 'ReferenceError', message: 'y is not defined' }, at: 'test-script' },
      { error: { name: 'Error', message: 'connect ECONNREFUSED' }, at: 'request' },
    ];
    expect(assertionTotals({ run: { stats, failures } } as never)).toEqual({ passed: 9, failed: 3 });
  });

  it('makes users the pool accepts (email username, 12+ chars, upper, lower, digit, symbol)', () => {
    const user = newmanUser();
    expect(user.username).toMatch(/^newman-[0-9a-f]{12}@example\.com$/);
    expect(user.password.length).toBeGreaterThanOrEqual(12);
    for (const re of [/[A-Z]/, /[a-z]/, /\d/, /[^A-Za-z0-9]/]) expect(user.password).toMatch(re);
    expect(newmanUser().username).not.toBe(user.username);
  });
});
