/**
 * What CloudFront sends to the origin for a viewer request, and what it keys its cache on. Pure. Rules from
 * the CloudFront Developer Guide, "Request and response behavior for custom origins" (HTTP request headers
 * and CloudFront behavior; Authentication) and "Control the cache key with a policy".
 */
import type { CacheBehavior } from './distribution-model';
import { selects, type NameSelection } from './policies';

export interface ViewerRequest {
  method: string;
  /** Path as the viewer sent it (no query). */
  path: string;
  /** Raw query string without `?` ('' for none). */
  query: string;
  /** [name, value] pairs as received. */
  headers: [string, string][];
  clientIp: string;
}

/** Never forwarded, whatever the policies say (hop-by-hop, or removed by CloudFront). */
const NEVER_FORWARDED = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'upgrade',
  'x-forwarded-proto', 'x-real-ip', 'expect', 'host', 'x-amz-cf-id',
]);
/** Travel with the body: a request body cannot reach the origin without them. */
const BODY_HEADERS = new Set(['content-length', 'content-type', 'transfer-encoding']);
/** Legacy cache settings (ForwardedValues) remove these unless they are in the cache key. */
const LEGACY_REMOVED = new Set(['accept', 'accept-charset', 'accept-language', 'referer', 'cookie', 'user-agent']);

/**
 * Authorization: DELETE, PATCH, POST and PUT always keep it; OPTIONS keeps it unless OPTIONS responses are
 * cached; GET and HEAD keep it only if it is in the cache key, or if caching is disabled and the origin
 * request policy forwards all viewer headers (re:Post knowledge-center/cloudfront-authorization-header).
 */
export function forwardsAuthorization(method: string, behavior: CacheBehavior): boolean {
  if (['DELETE', 'PATCH', 'POST', 'PUT'].includes(method)) return true;
  if (method === 'OPTIONS' && !behavior.cachedMethods.includes('OPTIONS')) return true;
  if (selects(behavior.cachePolicy.headers, 'authorization')) return true;
  const requestPolicy = behavior.originRequestPolicy;
  return behavior.cachePolicy.maxTtl === 0 && requestPolicy !== undefined && selects(requestPolicy.headers, 'authorization');
}

/** Whether the viewer's own Host header goes to the origin (AllViewer does; API Gateway then answers 403). */
export function forwardsViewerHost(behavior: CacheBehavior): boolean {
  return behavior.originRequestPolicy !== undefined && selects(behavior.originRequestPolicy.headers, 'host');
}

function forwardsHeader(name: string, method: string, behavior: CacheBehavior): boolean {
  if (NEVER_FORWARDED.has(name) || name.startsWith('x-edge-')) return false;
  if (name === 'authorization') return forwardsAuthorization(method, behavior);
  if (BODY_HEADERS.has(name) || selects(behavior.cachePolicy.headers, name)) return true;
  if (behavior.originRequestPolicy) return selects(behavior.originRequestPolicy.headers, name);
  // Policies, but no origin request policy: only the cache key's headers. Legacy settings: all but a few.
  return isLegacy(behavior) && !LEGACY_REMOVED.has(name);
}

function isLegacy(behavior: CacheBehavior): boolean {
  return behavior.cachePolicy.name.startsWith('legacy');
}

function either(a: NameSelection, b: NameSelection | undefined): (name: string) => boolean {
  return (name) => selects(a, name) || (b !== undefined && selects(b, name));
}

/** The query string's parameters that `keep` selects, in the viewer's order and encoding. */
export function filterQuery(query: string, keep: (name: string) => boolean): string {
  if (!query) return '';
  return query
    .split('&')
    .filter((pair) => pair !== '' && keep(safeDecode(pair.split('=')[0]!)))
    .join('&');
}

function filterCookies(cookieHeader: string, keep: (name: string) => boolean): string {
  return cookieHeader
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '' && keep(pair.split('=')[0]!))
    .join('; ');
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

export interface OriginRequestPlan {
  /** originPath + viewer path + forwarded query. */
  path: string;
  headers: [string, string][];
}

export interface OriginContext {
  originPath: string;
  /** Host header for the origin: its own domain (locally, the emulated origin's host:port). */
  originHost: string;
  customHeaders: [string, string][];
  /** `<hex>.cloudfront.net`, as CloudFront names itself in Via. */
  viaHost: string;
  requestId: string;
}

export function originRequest(viewer: ViewerRequest, behavior: CacheBehavior, origin: OriginContext): OriginRequestPlan {
  const method = viewer.method.toUpperCase();
  const cookiesKept = either(behavior.cachePolicy.cookies, behavior.originRequestPolicy?.cookies);
  const headers: [string, string][] = [];
  let forwardedFor: string | undefined;
  let via: string | undefined;
  for (const [rawName, value] of viewer.headers) {
    const name = rawName.toLowerCase();
    if (name === 'x-forwarded-for') forwardedFor = value;
    else if (name === 'via') via = value;
    else if (name === 'cookie') {
      const kept = filterCookies(value, cookiesKept);
      if (kept) headers.push([rawName, kept]);
    } else if (forwardsHeader(name, method, behavior)) headers.push([rawName, value]);
    else if (name === 'user-agent') headers.push(['User-Agent', 'Amazon CloudFront']);
  }
  headers.push(['Host', origin.originHost]);
  headers.push(['Via', [via, `2.0 ${origin.viaHost} (CloudFront)`].filter(Boolean).join(', ')]);
  headers.push(['X-Forwarded-For', [forwardedFor, viewer.clientIp].filter(Boolean).join(', ')]);
  headers.push(['X-Amz-Cf-Id', origin.requestId]);
  for (const [name, value] of origin.customHeaders) headers.push([name, value]);
  const query = filterQuery(viewer.query, either(behavior.cachePolicy.queryStrings, behavior.originRequestPolicy?.queryStrings));
  return { path: `${origin.originPath}${viewer.path}${query ? `?${query}` : ''}`, headers };
}

/**
 * The cache key: method (HEAD shares GET's entries), path, and the query strings, headers and cookies the
 * cache policy names. Callers that differ in anything else (their token, say) share an entry.
 */
export function cacheKey(viewer: ViewerRequest, behavior: CacheBehavior): string {
  const policy = behavior.cachePolicy;
  const method = viewer.method.toUpperCase() === 'HEAD' ? 'GET' : viewer.method.toUpperCase();
  const headerValues = viewer.headers
    .filter(([name]) => selects(policy.headers, name.toLowerCase()))
    .map(([name, value]) => `${name.toLowerCase()}=${value}`)
    .sort();
  const cookieHeader = viewer.headers.find(([name]) => name.toLowerCase() === 'cookie')?.[1] ?? '';
  return JSON.stringify([
    method,
    viewer.path,
    filterQuery(viewer.query, (name) => selects(policy.queryStrings, name)),
    headerValues,
    filterCookies(cookieHeader, (name) => selects(policy.cookies, name)),
  ]);
}
