/**
 * A local CloudFront distribution: one HTTP listener (standing in for https://<d….cloudfront.net>) that
 * applies the distribution's cache behaviors as CloudFront does (allowed methods, what reaches the origin,
 * what is cached and served to whom) and forwards to the twin's local origins. The loopback listener is
 * plain HTTP and taken to be the viewer's HTTPS: https-only and redirect-to-https behave as for HTTPS viewers.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalDistribution, LocalDistributionOptions } from '../contracts';
import { refuseForeignHost, servedHosts } from '../host-check';
import { behaviorFor, type CacheBehavior, type DistributionModel } from './distribution-model';
import { cacheTtlSeconds, EdgeCache, type StoredResponse } from './edge-cache';
import { cloudFrontRefusals, cloudFrontRequestId, errorPage, type CloudFrontRefusal } from './error-page';
import { cacheKey, forwardsViewerHost, originRequest, type ViewerRequest } from './origin-request';

/** "The maximum length of a request, including the path, the query string (if any), and headers, is 20,480 bytes." */
const MAX_REQUEST_BYTES = 20_480;
/** "CloudFront constructs a URL from the request. The maximum length of this URL is 8192 bytes." */
const MAX_URL_BYTES = 8_192;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'trailer', 'te', 'content-length']);

type OriginOutcome = StoredResponse | 'unreachable' | 'timeout';

export async function startDistribution(options: LocalDistributionOptions): Promise<LocalDistribution> {
  const { model } = options;
  const log = options.accessLog ?? (() => {});
  const cache = new EdgeCache();
  const handler = distributionHandler(model, options.originUrls, cache, log);
  // Node's own header limit (16 KB) is below CloudFront's 20,480 bytes: raise it so CloudFront's limit applies.
  const allowedHosts = servedHosts(options);
  const server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    if (refuseForeignHost(req, res, allowedHosts)) return;
    handler(req, res).catch((error: unknown) => {
      log(`[cloudfront] failure: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) refuse(res, cloudFrontRefusals.originUnreachable, cloudFrontRequestId());
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    distributionId: model.distributionId,
    domainName: model.domainName,
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function distributionHandler(model: DistributionModel, originUrls: Record<string, string>, cache: EdgeCache, log: (line: string) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = cloudFrontRequestId();
    const method = (req.method ?? 'GET').toUpperCase();
    const [path = '/', query = ''] = splitUrl(req.url ?? '/');
    const behavior = behaviorFor(model, path);
    const refusal = viewerRefusal(req, method, behavior, model.domainName);
    const done = (status: number, result: string) => log(`[cloudfront] ${method} ${path} ${status} ${result}`);
    if (refusal) {
      refuse(res, refusal, requestId);
      return done(refusal.status, 'refused by CloudFront');
    }
    const viewer: ViewerRequest = { method, path, query, headers: headerPairs(req.rawHeaders), clientIp: req.socket.remoteAddress ?? '127.0.0.1' };
    const key = behavior.cachedMethods.includes(method) && behavior.cachePolicy.maxTtl > 0 ? cacheKey(viewer, behavior) : undefined;
    const hit = key ? cache.get(key) : undefined;
    if (hit) {
      send(res, hit.response, method, requestId, model.domainName, [['X-Cache', 'Hit from cloudfront'], ['Age', String(hit.ageSeconds)]]);
      return done(hit.response.status, 'Hit');
    }
    const origin = model.origins[behavior.targetOriginId]!;
    const base = originUrls[origin.domainName];
    if (!base) {
      refuse(res, cloudFrontRefusals.originUnreachable, requestId);
      return done(502, `origin ${origin.domainName} is not emulated locally`);
    }
    if (forwardsViewerHost(behavior) && /\.execute-api\./.test(origin.domainName)) {
      send(res, apiGatewayForbidden(), method, requestId, model.domainName, [['X-Cache', 'Error from cloudfront']]);
      return done(403, 'viewer Host forwarded: API Gateway refuses it');
    }
    const outcome = await fetchFromOrigin(base, req, viewer, behavior, { ...origin, requestId, viaHost: model.domainName });
    if (outcome === 'unreachable' || outcome === 'timeout') {
      const answer = outcome === 'timeout' ? cloudFrontRefusals.originTimeout : cloudFrontRefusals.originUnreachable;
      refuse(res, answer, requestId);
      return done(answer.status, `origin ${outcome}`);
    }
    const ttl = key ? cacheTtlSeconds(outcome.status, headerValue(outcome.headers, 'cache-control'), behavior.cachePolicy, model.errorCachingMinTtl) : undefined;
    if (key && ttl !== undefined) cache.set(key, outcome, ttl);
    const xCache = outcome.status >= 400 ? 'Error from cloudfront' : 'Miss from cloudfront';
    send(res, outcome, method, requestId, model.domainName, [['X-Cache', xCache]]);
    done(outcome.status, ttl === undefined ? 'Miss (not cached)' : `Miss (cached ${ttl} s)`);
  };
}

/** What CloudFront itself refuses, before looking at the cache or the origin. */
function viewerRefusal(req: IncomingMessage, method: string, behavior: CacheBehavior, domainName: string): CloudFrontRefusal | undefined {
  const url = req.url ?? '/';
  const requestBytes = `${method} ${url} HTTP/1.1\r\n`.length + req.rawHeaders.reduce((sum, part) => sum + part.length + 2, 0) + 2;
  if (requestBytes > MAX_REQUEST_BYTES || `https://${domainName}${url}`.length > MAX_URL_BYTES) return cloudFrontRefusals.requestTooLong;
  if (!behavior.allowedMethods.includes(method)) return cloudFrontRefusals.methodNotAllowed;
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if ((method === 'GET' || method === 'HEAD') && hasBody) return cloudFrontRefusals.getWithBody;
  return undefined;
}

function fetchFromOrigin(
  base: string,
  req: IncomingMessage,
  viewer: ViewerRequest,
  behavior: CacheBehavior,
  origin: { originPath: string; customHeaders: [string, string][]; readTimeoutSeconds: number; requestId: string; viaHost: string },
): Promise<OriginOutcome> {
  const target = new URL(base);
  const plan = originRequest(viewer, behavior, { ...origin, originHost: target.host });
  return new Promise<OriginOutcome>((resolve) => {
    const outgoing = httpRequest(
      { host: target.hostname, port: target.port, method: viewer.method, path: plan.path, headers: plan.headers.flat(), timeout: origin.readTimeoutSeconds * 1000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: headerPairs(response.rawHeaders), body: Buffer.concat(chunks) }));
        response.on('error', () => resolve('unreachable'));
      },
    );
    outgoing.on('timeout', () => {
      outgoing.destroy();
      resolve('timeout');
    });
    outgoing.on('error', () => resolve('unreachable'));
    if (viewer.method === 'GET' || viewer.method === 'HEAD') outgoing.end();
    else req.pipe(outgoing);
  });
}

function send(res: ServerResponse, response: StoredResponse, method: string, requestId: string, domainName: string, extra: [string, string][]): void {
  const headers = response.headers.filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()) && name.toLowerCase() !== 'via');
  const via = headerValue(response.headers, 'via');
  headers.push(['Via', [via, `1.1 ${domainName} (CloudFront)`].filter(Boolean).join(', ')]);
  headers.push(...extra, ['X-Amz-Cf-Pop', 'LOCAL-P1'], ['X-Amz-Cf-Id', requestId], ['Content-Length', String(response.body.length)]);
  res.writeHead(response.status, headers.flat());
  res.end(method === 'HEAD' ? undefined : response.body);
}

function refuse(res: ServerResponse, refusal: CloudFrontRefusal, requestId: string): void {
  const body = Buffer.from(errorPage(refusal, requestId), 'latin1');
  const closes = refusal.status === 413;
  res.writeHead(refusal.status, [
    'Server', 'CloudFront',
    'Content-Type', 'text/html',
    'Content-Length', String(body.length),
    'Connection', closes ? 'close' : 'keep-alive',
    'X-Cache', 'Error from cloudfront',
    'X-Amz-Cf-Pop', 'LOCAL-P1',
    'X-Amz-Cf-Id', requestId,
  ]);
  res.end(body);
  if (closes) res.once('finish', () => res.socket?.destroySoon());
}

/**
 * API Gateway's answer when the Host header is not its own (an origin request policy that forwards the
 * viewer's Host, e.g. Managed-AllViewer): 403 Forbidden (re:Post questions/QUoVT6GlyGTa-Y-SM4ZkClpA).
 */
function apiGatewayForbidden(): StoredResponse {
  return {
    status: 403,
    headers: [['Content-Type', 'application/json'], ['x-amzn-ErrorType', 'ForbiddenException']],
    body: Buffer.from('{"message":"Forbidden"}'),
  };
}

function splitUrl(url: string): [string, string] {
  const at = url.indexOf('?');
  return at === -1 ? [url, ''] : [url.slice(0, at), url.slice(at + 1)];
}

function headerPairs(raw: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

function headerValue(headers: [string, string][], name: string): string | undefined {
  return headers.find(([key]) => key.toLowerCase() === name)?.[1];
}
