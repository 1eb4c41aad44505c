/**
 * What the twin's CloudFront needs from an AWS::CloudFront::Distribution of the templates: origins, cache
 * behaviors (with their cache and origin request policies resolved), and error caching. Pure: reads the
 * resolved stack, starts nothing.
 */
import { distributionDomainName, type IdStore } from '../template/ids';
import type { ResolvedResource, ResolvedStack } from '../template/stack';
import {
  cachePolicyFromConfig,
  LEGACY_DEFAULT_CACHE_POLICY,
  MANAGED_CACHE_POLICIES,
  MANAGED_ORIGIN_REQUEST_POLICIES,
  originRequestPolicyFromConfig,
  type CachePolicy,
  type NameSelection,
  type OriginRequestPolicy,
} from './policies';

export interface DistributionOrigin {
  id: string;
  /** As the template gives it, e.g. `<api id>.execute-api.<region>.amazonaws.com`. */
  domainName: string;
  /** Prefixed to every viewer path, e.g. `/v1`. */
  originPath: string;
  /** OriginCustomHeaders: added to every origin request. */
  customHeaders: [string, string][];
  /** OriginReadTimeout in seconds (30 by default). */
  readTimeoutSeconds: number;
}

export interface CacheBehavior {
  /** `*` for the default behavior. */
  pathPattern: string;
  targetOriginId: string;
  viewerProtocolPolicy: string;
  allowedMethods: string[];
  cachedMethods: string[];
  cachePolicy: CachePolicy;
  originRequestPolicy: OriginRequestPolicy | undefined;
}

export interface DistributionModel {
  logicalId: string;
  stackName: string;
  distributionId: string;
  /** `d….cloudfront.net`, what `Fn::GetAtt <Distribution>.DomainName` gives. */
  domainName: string;
  enabled: boolean;
  origins: Record<string, DistributionOrigin>;
  /** CacheBehaviors in template order, then the default behavior. */
  behaviors: CacheBehavior[];
  /** CustomErrorResponses' ErrorCachingMinTTL by status code (CloudFront's default is 10 s). */
  errorCachingMinTtl: Record<number, number>;
}

export class DistributionConfigError extends Error {}

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function list(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  const items = record(value).Items;
  return Array.isArray(items) ? items : [];
}

export function distributionsOf(stack: ResolvedStack, ids: IdStore): DistributionModel[] {
  return Object.values(stack.resources)
    .filter((resource) => resource.type === 'AWS::CloudFront::Distribution')
    .map((resource) => distributionModel(stack, resource, ids));
}

function distributionModel(stack: ResolvedStack, resource: ResolvedResource, ids: IdStore): DistributionModel {
  const where = `${stack.name}: ${resource.logicalId}`;
  const config = record(resource.properties.DistributionConfig);
  const origins = Object.fromEntries(list(config.Origins).map((raw) => {
    const origin = originOf(record(raw));
    return [origin.id, origin];
  }));
  const policyFor = policyLookup(stack, where);
  const behaviors = [
    ...list(config.CacheBehaviors).map((raw) => behaviorOf(record(raw), String(record(raw).PathPattern), policyFor)),
    behaviorOf(record(config.DefaultCacheBehavior), '*', policyFor),
  ];
  for (const behavior of behaviors) {
    if (!origins[behavior.targetOriginId]) {
      throw new DistributionConfigError(`${where}: cache behavior '${behavior.pathPattern}' targets origin '${behavior.targetOriginId}', which the distribution does not have`);
    }
  }
  const errorCachingMinTtl: Record<number, number> = {};
  for (const raw of list(config.CustomErrorResponses)) {
    const item = record(raw);
    if (item.ErrorCachingMinTTL !== undefined) errorCachingMinTtl[Number(item.ErrorCode)] = Number(item.ErrorCachingMinTTL);
  }
  return {
    logicalId: resource.logicalId,
    stackName: stack.name,
    distributionId: resource.physicalId,
    domainName: distributionDomainName(ids, stack.name, resource.logicalId),
    enabled: config.Enabled !== false && config.Enabled !== 'false',
    origins,
    behaviors,
    errorCachingMinTtl,
  };
}

function originOf(origin: Json): DistributionOrigin {
  const custom = record(origin.CustomOriginConfig);
  return {
    id: String(origin.Id),
    domainName: String(origin.DomainName),
    originPath: String(origin.OriginPath ?? '').replace(/\/+$/, ''),
    customHeaders: list(origin.OriginCustomHeaders).map((raw) => [String(record(raw).HeaderName), String(record(raw).HeaderValue)]),
    readTimeoutSeconds: Number(custom.OriginReadTimeout ?? 30),
  };
}

interface PolicyLookup {
  cache(id: unknown): CachePolicy;
  originRequest(id: unknown): OriginRequestPolicy | undefined;
}

/** Policies by id: managed ones, or the stack's own policy resources (whose Ref is their id). */
function policyLookup(stack: ResolvedStack, where: string): PolicyLookup {
  const own = (type: string) => Object.values(stack.resources).filter((r) => r.type === type);
  const cachePolicies = new Map(own('AWS::CloudFront::CachePolicy').map((r) => [r.physicalId, cachePolicyFromConfig(r.logicalId, record(r.properties.CachePolicyConfig))]));
  const requestPolicies = new Map(own('AWS::CloudFront::OriginRequestPolicy').map((r) => [r.physicalId, originRequestPolicyFromConfig(r.logicalId, record(r.properties.OriginRequestPolicyConfig))]));
  return {
    cache(id) {
      const policy = MANAGED_CACHE_POLICIES[String(id)] ?? cachePolicies.get(String(id));
      if (!policy) throw new DistributionConfigError(`${where}: cache policy ${String(id)} is neither a managed policy the twin knows nor a CachePolicy of this stack`);
      return policy;
    },
    originRequest(id) {
      if (id === undefined) return undefined;
      const policy = MANAGED_ORIGIN_REQUEST_POLICIES[String(id)] ?? requestPolicies.get(String(id));
      if (!policy) throw new DistributionConfigError(`${where}: origin request policy ${String(id)} is neither a managed policy the twin knows nor an OriginRequestPolicy of this stack`);
      return policy;
    },
  };
}

function behaviorOf(behavior: Json, pathPattern: string, policies: PolicyLookup): CacheBehavior {
  const allowedMethods = list(behavior.AllowedMethods).map(String);
  const cachedMethods = list(behavior.CachedMethods).map(String);
  const legacy = behavior.CachePolicyId === undefined;
  return {
    pathPattern,
    targetOriginId: String(behavior.TargetOriginId),
    viewerProtocolPolicy: String(behavior.ViewerProtocolPolicy ?? 'allow-all'),
    // CloudFormation's defaults: GET and HEAD.
    allowedMethods: allowedMethods.length ? allowedMethods : ['GET', 'HEAD'],
    cachedMethods: cachedMethods.length ? cachedMethods : ['GET', 'HEAD'],
    cachePolicy: legacy ? legacyCachePolicy(behavior) : policies.cache(behavior.CachePolicyId),
    originRequestPolicy: legacy ? legacyOriginRequestPolicy(behavior) : policies.originRequest(behavior.OriginRequestPolicyId),
  };
}

/** ForwardedValues (legacy cache settings): the headers, cookies and query strings listed are the cache key. */
function legacyCachePolicy(behavior: Json): CachePolicy {
  const forwarded = record(behavior.ForwardedValues);
  const headers = list(forwarded.Headers).map((h) => String(h).toLowerCase());
  const cookies = record(forwarded.Cookies);
  const allHeaders = headers.includes('*');
  return {
    ...LEGACY_DEFAULT_CACHE_POLICY,
    minTtl: Number(behavior.MinTTL ?? 0),
    defaultTtl: Number(behavior.DefaultTTL ?? 86_400),
    maxTtl: Number(behavior.MaxTTL ?? 31_536_000),
    // Forwarding all headers (`*`) disables caching: every request is unique.
    ...(allHeaders ? { minTtl: 0, defaultTtl: 0, maxTtl: 0 } : {}),
    headers: allHeaders || headers.length === 0 ? { kind: 'none' } : { kind: 'only', names: headers },
    cookies: cookieSelection(cookies),
    queryStrings: String(forwarded.QueryString) === 'true'
      ? (list(forwarded.QueryStringCacheKeys).length ? { kind: 'only', names: list(forwarded.QueryStringCacheKeys).map(String) } : { kind: 'all' })
      : { kind: 'none' },
  };
}

function legacyOriginRequestPolicy(behavior: Json): OriginRequestPolicy | undefined {
  const headers = list(record(behavior.ForwardedValues).Headers).map(String);
  return headers.includes('*') ? { name: 'legacy ForwardedValues *', headers: { kind: 'all' }, cookies: { kind: 'none' }, queryStrings: { kind: 'none' } } : undefined;
}

function cookieSelection(cookies: Json): NameSelection {
  switch (String(cookies.Forward ?? 'none')) {
    case 'all': return { kind: 'all' };
    case 'whitelist': return { kind: 'only', names: list(cookies.WhitelistedNames).map(String) };
    default: return { kind: 'none' };
  }
}

/**
 * The cache behavior for a viewer path: the first CacheBehaviors PathPattern that matches (`*` any run of
 * characters, `?` one; case-sensitive; the leading slash optional), else the default.
 */
export function behaviorFor(model: DistributionModel, path: string): CacheBehavior {
  return model.behaviors.find((behavior) => pathPatternMatches(behavior.pathPattern, path)) ?? model.behaviors[model.behaviors.length - 1]!;
}

export function pathPatternMatches(pattern: string, path: string): boolean {
  if (pattern === '*') return true;
  const normalized = pattern.startsWith('/') ? pattern : `/${pattern}`;
  const regex = normalized.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(path);
}
