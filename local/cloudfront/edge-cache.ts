/**
 * The edge cache of one local distribution: which origin responses CloudFront keeps, for how long, and
 * serving them back. Rules from the CloudFront Developer Guide: "Manage how long content stays in the cache"
 * (TTLs vs Cache-Control) and "HTTP 4xx and 5xx status codes that CloudFront caches".
 */
import type { CachePolicy } from './policies';

export interface StoredResponse {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

interface Entry extends StoredResponse {
  storedAt: number;
  expiresAt: number;
}

/** CloudFront caches these for the error caching minimum TTL (10 s unless CustomErrorResponses say otherwise). */
const ALWAYS_CACHED_ERRORS = new Set([404, 414, 500, 501, 502, 503, 504]);
/** …and these only when the origin sends Cache-Control max-age or s-maxage. */
const CACHED_ERRORS_WITH_MAX_AGE = new Set([400, 403, 405, 412, 415]);
/** For these, no-store / no-cache / private stop the error from being cached. */
const ERRORS_HONOURING_NO_STORE = new Set([404, 414, 501]);
export const DEFAULT_ERROR_CACHING_MIN_TTL = 10;

interface CacheControl {
  maxAge?: number;
  noStore: boolean;
}

function parseCacheControl(value: string | undefined): CacheControl {
  const directives = (value ?? '').toLowerCase().split(',').map((d) => d.trim());
  const seconds = (name: string) => {
    const directive = directives.find((d) => d.startsWith(`${name}=`));
    const parsed = directive ? Number(directive.slice(name.length + 1).replace(/"/g, '')) : NaN;
    return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
  };
  return {
    maxAge: seconds('s-maxage') ?? seconds('max-age'),
    noStore: directives.some((d) => d === 'no-store' || d === 'no-cache' || d === 'private'),
  };
}

/**
 * Seconds CloudFront keeps this response, or undefined when it does not cache it. A cache policy with
 * MaxTTL 0 (Managed-CachingDisabled) caches nothing, error responses included.
 */
export function cacheTtlSeconds(
  status: number,
  cacheControlHeader: string | undefined,
  policy: CachePolicy,
  errorCachingMinTtl: Record<number, number>,
): number | undefined {
  if (policy.maxTtl === 0) return undefined;
  const cacheControl = parseCacheControl(cacheControlHeader);
  if (status >= 400) return errorTtl(status, cacheControl, policy, errorCachingMinTtl);
  // "If the minimum TTL is greater than 0, CloudFront uses the cache policy's minimum TTL, even if the
  // Cache-Control: no-cache, no-store, and/or private directives are present."
  if (cacheControl.noStore) return policy.minTtl > 0 ? policy.minTtl : undefined;
  const ttl = cacheControl.maxAge === undefined ? policy.defaultTtl : Math.min(Math.max(cacheControl.maxAge, policy.minTtl), policy.maxTtl);
  return ttl > 0 ? ttl : undefined;
}

function errorTtl(status: number, cacheControl: CacheControl, policy: CachePolicy, errorCachingMinTtl: Record<number, number>): number | undefined {
  const minimum = errorCachingMinTtl[status] ?? DEFAULT_ERROR_CACHING_MIN_TTL;
  const fromHeader = cacheControl.maxAge === undefined ? 0 : Math.min(cacheControl.maxAge, policy.maxTtl);
  let ttl: number | undefined;
  if (ALWAYS_CACHED_ERRORS.has(status)) {
    ttl = ERRORS_HONOURING_NO_STORE.has(status) && cacheControl.noStore ? undefined : Math.max(minimum, fromHeader);
  } else if (CACHED_ERRORS_WITH_MAX_AGE.has(status) && cacheControl.maxAge !== undefined) {
    ttl = Math.max(minimum, fromHeader);
  }
  return ttl !== undefined && ttl > 0 ? ttl : undefined;
}

/** Bounded: the oldest entries go first once it holds `maxEntries`. */
export class EdgeCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now, private readonly maxEntries = 1000) {}

  /** A stored response still fresh, and its age in seconds. */
  get(key: string): { response: StoredResponse; ageSeconds: number } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return { response: entry, ageSeconds: Math.floor((this.now() - entry.storedAt) / 1000) };
  }

  set(key: string, response: StoredResponse, ttlSeconds: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const storedAt = this.now();
    this.entries.set(key, { ...response, storedAt, expiresAt: storedAt + ttlSeconds * 1000 });
  }

  get size(): number {
    return this.entries.size;
  }
}
