/**
 * The twin's CloudFront on its own, against a plain HTTP origin that records what reaches it: the traps of
 * putting CloudFront in front of an authenticated API, as CloudFront's documentation describes them, so that a
 * distribution configured the wrong way misbehaves locally exactly as it would on AWS.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { LocalDistribution } from '../../local/contracts';
import { distributionsOf, pathPatternMatches, type CacheBehavior, type DistributionModel } from '../../local/cloudfront/distribution-model';
import { cacheTtlSeconds } from '../../local/cloudfront/edge-cache';
import { cacheKey, forwardsAuthorization } from '../../local/cloudfront/origin-request';
import { MANAGED_CACHE_POLICIES, MANAGED_ORIGIN_REQUEST_POLICIES, originRequestPolicyFromConfig } from '../../local/cloudfront/policies';
import { startDistribution } from '../../local/cloudfront/server';
import { loadSystem } from '../../local/template/system';
import { rawExchange, rawRequest, statuses } from '../support/rawHttp';

const CACHING_DISABLED = MANAGED_CACHE_POLICIES['4135ea2d-6df8-44a3-9df3-4b5a84be39ad']!;
const CACHING_OPTIMIZED = MANAGED_CACHE_POLICIES['658327ea-f89d-4fab-a63d-7e88639e58f6']!;
const ALL_VIEWER = MANAGED_ORIGIN_REQUEST_POLICIES['216adef6-5c7f-47e4-b989-5492eafa07d3']!;
const ALL_VIEWER_EXCEPT_HOST = MANAGED_ORIGIN_REQUEST_POLICIES['b689b0a8-53d0-40ab-baf2-68738e2966ac']!;
const ORIGIN_DOMAIN = 'abcdef1234.execute-api.us-east-1.amazonaws.com';
const ALL_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'];

function behavior(overrides: Partial<CacheBehavior> = {}): CacheBehavior {
  return {
    pathPattern: '*',
    targetOriginId: 'api',
    viewerProtocolPolicy: 'https-only',
    allowedMethods: ALL_METHODS,
    cachedMethods: ['GET', 'HEAD'],
    cachePolicy: CACHING_DISABLED,
    originRequestPolicy: ALL_VIEWER_EXCEPT_HOST,
    ...overrides,
  };
}

function model(defaultBehavior: CacheBehavior, errorCachingMinTtl: Record<number, number> = {}): DistributionModel {
  return {
    logicalId: 'Distribution',
    stackName: 'test',
    distributionId: 'E1TESTTESTTEST',
    domainName: 'd1234567890abc.cloudfront.net',
    enabled: true,
    origins: { api: { id: 'api', domainName: ORIGIN_DOMAIN, originPath: '/v1', customHeaders: [['X-Origin-Verify', 'from-cloudfront']], readTimeoutSeconds: 30 } },
    behaviors: [defaultBehavior],
    errorCachingMinTtl,
  };
}

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

describe('a local distribution in front of a recording origin', () => {
  let origin: Server;
  let originUrl: string;
  let seen: Seen[];
  let distribution: LocalDistribution | undefined;
  let status = 200;

  beforeAll(async () => {
    origin = createServer((req, res) => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers });
      req.resume();
      req.on('end', () => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ caller: req.headers.authorization ?? null, n: seen.length }));
      });
    });
    await new Promise<void>((done) => origin.listen(0, '127.0.0.1', done));
    originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    seen = [];
    status = 200;
  });
  afterEach(async () => {
    await distribution?.stop();
    distribution = undefined;
  });
  afterAll(() => new Promise<void>((done) => origin.close(() => done())));

  async function serve(m: DistributionModel, originUrls = { [ORIGIN_DOMAIN]: originUrl }): Promise<string> {
    distribution = await startDistribution({ model: m, port: 0, originUrls });
    return distribution.url;
  }

  test('CachingDisabled + AllViewerExceptHostHeader (the template\'s choice): Authorization, query and origin path reach the origin, the Host is the origin\'s, nothing is cached', async () => {
    const url = await serve(model(behavior()));
    const first = await fetch(`${url}/links?limit=2`, { headers: { Authorization: 'token-a' } });
    const second = await fetch(`${url}/links?limit=2`);
    expect(await first.json()).toMatchObject({ caller: 'token-a' });
    expect(await second.json()).toMatchObject({ caller: null });
    expect(seen).toHaveLength(2);
    expect(seen[0]!.url).toBe('/v1/links?limit=2');
    expect(seen[0]!.headers.host).toBe(new URL(originUrl).host);
    expect(seen[0]!.headers['x-origin-verify']).toBe('from-cloudfront');
    expect(seen[0]!.headers.via).toBe('2.0 d1234567890abc.cloudfront.net (CloudFront)');
    expect(seen[0]!.headers['x-amz-cf-id']).toMatch(/^[A-Za-z0-9_-]{56}$/);
    expect(second.headers.get('x-cache')).toBe('Miss from cloudfront');
  });

  test('CachingOptimized without Authorization in the key: a GET loses its token, and the cached answer is served to the next caller', async () => {
    const url = await serve(model(behavior({ cachePolicy: CACHING_OPTIMIZED, originRequestPolicy: undefined })));
    const first = await fetch(`${url}/links`, { headers: { Authorization: 'token-a' } });
    expect(await first.json()).toMatchObject({ caller: null });
    const second = await fetch(`${url}/links`, { headers: { Authorization: 'token-b' } });
    expect(second.headers.get('x-cache')).toBe('Hit from cloudfront');
    expect(await second.json()).toMatchObject({ n: 1 });
    expect(seen).toHaveLength(1);
    // A POST keeps its Authorization whatever the policies say.
    await fetch(`${url}/links`, { method: 'POST', headers: { Authorization: 'token-c', 'Content-Type': 'application/json' }, body: '{}' });
    expect(seen[1]!.headers.authorization).toBe('token-c');
  });

  test('errors are cached as CloudFront caches them: a 404 for 10 s by default, a 401 never, none with CachingDisabled', async () => {
    const url = await serve(model(behavior({ cachePolicy: CACHING_OPTIMIZED, originRequestPolicy: undefined })));
    status = 404;
    await fetch(`${url}/links/missing`);
    const again = await fetch(`${url}/links/missing`);
    expect(again.headers.get('x-cache')).toBe('Hit from cloudfront');
    status = 401;
    await fetch(`${url}/me`);
    await fetch(`${url}/me`);
    expect(seen.filter((s) => s.url === '/v1/me')).toHaveLength(2);
    expect(cacheTtlSeconds(404, undefined, CACHING_OPTIMIZED, {})).toBe(10);
    expect(cacheTtlSeconds(404, undefined, CACHING_OPTIMIZED, { 404: 0 })).toBeUndefined();
    expect(cacheTtlSeconds(403, undefined, CACHING_OPTIMIZED, {})).toBeUndefined();
    expect(cacheTtlSeconds(403, 'max-age=60', CACHING_OPTIMIZED, {})).toBe(60);
    expect(cacheTtlSeconds(200, 'no-store', CACHING_OPTIMIZED, {})).toBe(1);
    for (const code of [200, 403, 404, 500, 503]) expect(cacheTtlSeconds(code, 'max-age=600', CACHING_DISABLED, {})).toBeUndefined();
  });

  test('DNS rebinding: a request for a foreign Host gets 403 and never reaches the origin; the distribution\'s own name is served', async () => {
    const url = new URL(await serve(model(behavior())));
    const ask = (host: string) => rawExchange(url.href, rawRequest('GET', '/links', { Host: host, Connection: 'close' }));
    expect(statuses(await ask(`attacker.example:${url.port}`))).toEqual([403]);
    expect(seen).toHaveLength(0);
    expect(statuses(await ask(`localhost:${url.port}`))).toEqual([200]);
    expect(statuses(await ask('d111111abcdef8.cloudfront.net'))).toEqual([200]);
  });

  test('a method the behavior does not allow is refused by CloudFront itself (403 HTML), never reaching the origin', async () => {
    const url = await serve(model(behavior({ allowedMethods: ['GET', 'HEAD'] })));
    const response = await fetch(`${url}/links`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(response.headers.get('x-cache')).toBe('Error from cloudfront');
    expect(await response.text()).toContain('This distribution is not configured to allow the HTTP request method');
    expect(seen).toHaveLength(0);
  });

  test('a request over 20,480 bytes of headers gets 413 and the connection is closed', async () => {
    const url = new URL(await serve(model(behavior())));
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.write(`GET /links HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(21_000)}\r\n\r\n`));
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 413/);
    expect(raw).toMatch(/Connection: close/i);
    expect(seen).toHaveLength(0);
  });

  test('an origin that is down gets CloudFront\'s 502 page; forwarding the viewer\'s Host (AllViewer) gets API Gateway\'s 403', async () => {
    let url = await serve(model(behavior()), { [ORIGIN_DOMAIN]: 'http://127.0.0.1:1' });
    const down = await fetch(`${url}/links`);
    expect(down.status).toBe(502);
    expect(await down.text()).toContain("CloudFront wasn't able to connect to the origin.");
    await distribution!.stop();
    url = await serve(model(behavior({ originRequestPolicy: ALL_VIEWER })));
    const forwardedHost = await fetch(`${url}/links`, { headers: { Authorization: 'token-a' } });
    expect(forwardedHost.status).toBe(403);
    expect(await forwardedHost.json()).toEqual({ message: 'Forbidden' });
    expect(seen).toHaveLength(0);
  });
});

describe('CloudFront rules, as pure functions', () => {
  test('Authorization reaches the origin: always on writes; on GET only when keyed or caching is disabled with all viewer headers', () => {
    const optimized = behavior({ cachePolicy: CACHING_OPTIMIZED, originRequestPolicy: ALL_VIEWER_EXCEPT_HOST });
    expect(forwardsAuthorization('POST', optimized)).toBe(true);
    expect(forwardsAuthorization('DELETE', optimized)).toBe(true);
    expect(forwardsAuthorization('GET', optimized)).toBe(false);
    expect(forwardsAuthorization('GET', behavior())).toBe(true);
    expect(forwardsAuthorization('OPTIONS', behavior({ cachePolicy: CACHING_OPTIMIZED, originRequestPolicy: undefined, cachedMethods: ['GET', 'HEAD', 'OPTIONS'] }))).toBe(false);
    expect(forwardsAuthorization('OPTIONS', behavior({ cachePolicy: CACHING_OPTIMIZED, originRequestPolicy: undefined }))).toBe(true);
    const keyed = behavior({ cachePolicy: { ...CACHING_OPTIMIZED, headers: { kind: 'only', names: ['authorization'] } }, originRequestPolicy: undefined });
    expect(forwardsAuthorization('GET', keyed)).toBe(true);
  });

  test('the cache key holds only what the cache policy names: two tokens share an entry unless Authorization is in the key', () => {
    const viewer = (token: string) => ({ method: 'GET', path: '/links', query: 'limit=2', headers: [['Authorization', token]] as [string, string][], clientIp: '127.0.0.1' });
    const optimized = behavior({ cachePolicy: CACHING_OPTIMIZED });
    expect(cacheKey(viewer('a'), optimized)).toBe(cacheKey(viewer('b'), optimized));
    const keyed = behavior({ cachePolicy: { ...CACHING_OPTIMIZED, headers: { kind: 'only', names: ['authorization'] } } });
    expect(cacheKey(viewer('a'), keyed)).not.toBe(cacheKey(viewer('b'), keyed));
  });

  test('an origin request policy cannot forward Authorization (CloudFront answers 400 to creating one)', () => {
    expect(() => originRequestPolicyFromConfig('Bad', { HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Authorization'] } })).toThrow(/cannot forward Authorization/);
  });

  test('path patterns: * and ?, case-sensitive, leading slash optional', () => {
    expect(pathPatternMatches('/api/*', '/api/links')).toBe(true);
    expect(pathPatternMatches('api/*.json', '/api/a.json')).toBe(true);
    expect(pathPatternMatches('/API/*', '/api/links')).toBe(false);
    expect(pathPatternMatches('/v?/x', '/v1/x')).toBe(true);
  });

  test('the api stack\'s distribution, read from the template: the API stage as origin, every method, CachingDisabled, AllViewerExceptHostHeader', () => {
    const system = loadSystem({ rootDir: process.cwd(), apiParameters: { EnableCloudFront: 'true' } });
    const [distribution] = distributionsOf(system.api, system.ids);
    const restApiId = Object.values(system.api.resources).find((r) => r.type === 'AWS::Serverless::Api')!.physicalId;
    expect(distribution!.origins.LinksApi).toMatchObject({ domainName: `${restApiId}.execute-api.${system.region}.amazonaws.com`, originPath: `/${system.api.parameters.StageName}` });
    const [only] = distribution!.behaviors;
    expect(only!.allowedMethods.sort()).toEqual([...ALL_METHODS].sort());
    expect(only!.cachePolicy.name).toBe('Managed-CachingDisabled');
    expect(only!.originRequestPolicy!.name).toBe('Managed-AllViewerExceptHostHeader');
    expect(only!.viewerProtocolPolicy).toBe('https-only');
    expect(forwardsAuthorization('GET', only!)).toBe(true);
  });
});
