/**
 * CloudFront cache and origin request policies: the managed ones a template names by id, and the
 * AWS::CloudFront::CachePolicy / OriginRequestPolicy resources a template declares. Settings follow the
 * CloudFront Developer Guide ("Use managed cache policies", "Use managed origin request policies").
 */

/** Which names (headers, cookies or query strings) a policy includes. Names of headers are lower-case. */
export type NameSelection =
  | { kind: 'none' }
  | { kind: 'all' }
  | { kind: 'only'; names: string[] }
  | { kind: 'allExcept'; names: string[] };

export interface CachePolicy {
  name: string;
  minTtl: number;
  defaultTtl: number;
  maxTtl: number;
  /** Cache key headers: also forwarded to the origin. Never `all` (CloudFront cannot key on every header). */
  headers: NameSelection;
  cookies: NameSelection;
  queryStrings: NameSelection;
}

export interface OriginRequestPolicy {
  name: string;
  headers: NameSelection;
  cookies: NameSelection;
  queryStrings: NameSelection;
}

const NONE: NameSelection = { kind: 'none' };
const ALL: NameSelection = { kind: 'all' };

/** Managed cache policies by id. TTLs in seconds. */
export const MANAGED_CACHE_POLICIES: Readonly<Record<string, CachePolicy>> = {
  // "With this policy, caching is disabled": TTLs 0, nothing in the cache key.
  '4135ea2d-6df8-44a3-9df3-4b5a84be39ad': { name: 'Managed-CachingDisabled', minTtl: 0, defaultTtl: 0, maxTtl: 0, headers: NONE, cookies: NONE, queryStrings: NONE },
  '658327ea-f89d-4fab-a63d-7e88639e58f6': { name: 'Managed-CachingOptimized', minTtl: 1, defaultTtl: 86_400, maxTtl: 31_536_000, headers: NONE, cookies: NONE, queryStrings: NONE },
  'b2884449-e4de-46a7-ac36-70bc7f1ddd6d': {
    name: 'Managed-CachingOptimizedForUncompressedObjects',
    minTtl: 1,
    defaultTtl: 86_400,
    maxTtl: 31_536_000,
    headers: NONE,
    cookies: NONE,
    queryStrings: NONE,
  },
};

/** Managed origin request policies by id. */
export const MANAGED_ORIGIN_REQUEST_POLICIES: Readonly<Record<string, OriginRequestPolicy>> = {
  '216adef6-5c7f-47e4-b989-5492eafa07d3': { name: 'Managed-AllViewer', headers: ALL, cookies: ALL, queryStrings: ALL },
  'b689b0a8-53d0-40ab-baf2-68738e2966ac': { name: 'Managed-AllViewerExceptHostHeader', headers: { kind: 'allExcept', names: ['host'] }, cookies: ALL, queryStrings: ALL },
  '59781a5b-3903-41f3-afcb-af62929ccde1': { name: 'Managed-CORS-CustomOrigin', headers: { kind: 'only', names: ['origin'] }, cookies: NONE, queryStrings: NONE },
  'acba4595-bd28-49b8-b9fe-13317c0390fa': { name: 'Managed-UserAgentRefererHeaders', headers: { kind: 'only', names: ['user-agent', 'referer'] }, cookies: NONE, queryStrings: ALL },
};

/** The legacy behaviour (no cache policy, no ForwardedValues headers): cache on path only, 24 h default. */
export const LEGACY_DEFAULT_CACHE_POLICY: CachePolicy = {
  name: 'legacy ForwardedValues',
  minTtl: 0,
  defaultTtl: 86_400,
  maxTtl: 31_536_000,
  headers: NONE,
  cookies: NONE,
  queryStrings: NONE,
};

type Json = Record<string, unknown>;

function asRecord(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function names(value: unknown, lowerCase: boolean): string[] {
  const list = Array.isArray(value) ? value : Array.isArray(asRecord(value).Items) ? (asRecord(value).Items as unknown[]) : [];
  return list.map((item) => (lowerCase ? String(item).toLowerCase() : String(item)));
}

/**
 * A *Config block's HeaderBehavior/CookieBehavior/QueryStringBehavior and its list, as CloudFormation takes
 * them (e.g. `HeaderBehavior: whitelist`, `Headers: [Authorization]`).
 */
function selection(behavior: unknown, list: unknown, lowerCase: boolean): NameSelection {
  switch (String(behavior ?? 'none')) {
    case 'none': return NONE;
    // allViewerAndWhitelistCloudFront adds CloudFront-* headers, which the twin does not generate.
    case 'all':
    case 'allViewer':
    case 'allViewerAndWhitelistCloudFront': return ALL;
    case 'whitelist': return { kind: 'only', names: names(list, lowerCase) };
    case 'allExcept': return { kind: 'allExcept', names: names(list, lowerCase) };
    default: throw new Error(`unknown CloudFront policy behavior '${String(behavior)}'`);
  }
}

/** An AWS::CloudFront::CachePolicy's CachePolicyConfig. */
export function cachePolicyFromConfig(name: string, config: Json): CachePolicy {
  const key = asRecord(config.ParametersInCacheKeyAndForwardedToOrigin);
  const headers = asRecord(key.HeadersConfig);
  const cookies = asRecord(key.CookiesConfig);
  const queries = asRecord(key.QueryStringsConfig);
  return {
    name: String(config.Name ?? name),
    minTtl: Number(config.MinTTL ?? 0),
    defaultTtl: Number(config.DefaultTTL ?? 86_400),
    maxTtl: Number(config.MaxTTL ?? 31_536_000),
    headers: selection(headers.HeaderBehavior, headers.Headers, true),
    cookies: selection(cookies.CookieBehavior, cookies.Cookies, false),
    queryStrings: selection(queries.QueryStringBehavior, queries.QueryStrings, false),
  };
}

/** An AWS::CloudFront::OriginRequestPolicy's OriginRequestPolicyConfig. */
export function originRequestPolicyFromConfig(name: string, config: Json): OriginRequestPolicy {
  const headers = asRecord(config.HeadersConfig);
  const cookies = asRecord(config.CookiesConfig);
  const queries = asRecord(config.QueryStringsConfig);
  const selected = selection(headers.HeaderBehavior, headers.Headers, true);
  // CloudFront refuses such a policy (HTTP 400): Authorization must be in the cache key, so a cached
  // response is never served to a caller with another token (re:Post knowledge-center/cloudfront-authorization-header).
  if (selected.kind === 'only' && selected.names.includes('authorization')) {
    throw new Error(`origin request policy ${name}: an origin request policy cannot forward Authorization; put it in the cache policy's cache key`);
  }
  return {
    name: String(config.Name ?? name),
    headers: selected,
    cookies: selection(cookies.CookieBehavior, cookies.Cookies, false),
    queryStrings: selection(queries.QueryStringBehavior, queries.QueryStrings, false),
  };
}

export function selects(selection: NameSelection, name: string): boolean {
  switch (selection.kind) {
    case 'none': return false;
    case 'all': return true;
    case 'only': return selection.names.includes(name);
    case 'allExcept': return !selection.names.includes(name);
  }
}
