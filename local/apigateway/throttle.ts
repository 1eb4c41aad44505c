/**
 * Stage and method throttling as a REST API applies it ("Throttle requests to your REST APIs", API Gateway developer
 * guide): a token bucket per method (resource path + HTTP method) of the stage, holding up to the burst limit and
 * refilled at the rate limit per second; a request that finds it empty gets 429 "Too Many Requests" (gateway response
 * THROTTLED). `MethodSettings` with ResourcePath `/*` and HttpMethod `*` set every method's limits; an entry naming a
 * method (its path with `/` written `~1`, as the Stage resource takes it) overrides them for that method. A rate or
 * burst of 0 throttles every request; no setting leaves the method to the account's limits, which the twin does not
 * model.
 */

export interface ThrottleLimits {
  /** Requests per second, steady state. */
  rate: number;
  /** Bucket size: how many requests may arrive at once. */
  burst: number;
}

export interface MethodThrottle {
  /** `/*` or a resource path such as `/links/{linkId}`. */
  resourcePath: string;
  /** `*` or an HTTP method. */
  httpMethod: string;
  limits: ThrottleLimits;
}

/** The throttling entries of a SAM Api's / a Stage's `MethodSettings` (entries without limits are skipped). */
export function methodThrottlesOf(methodSettings: unknown): MethodThrottle[] {
  if (!Array.isArray(methodSettings)) return [];
  const out: MethodThrottle[] = [];
  for (const setting of methodSettings as Record<string, unknown>[]) {
    const rate = numberOrUndefined(setting.ThrottlingRateLimit);
    const burst = numberOrUndefined(setting.ThrottlingBurstLimit);
    if (rate === undefined && burst === undefined) continue;
    out.push({
      resourcePath: decodeResourcePath(String(setting.ResourcePath ?? '/*')),
      httpMethod: String(setting.HttpMethod ?? '*').toUpperCase(),
      // An unset half means no limit of that kind: the other one alone decides.
      limits: { rate: rate ?? Number.POSITIVE_INFINITY, burst: burst ?? Number.POSITIVE_INFINITY },
    });
  }
  return out;
}

function numberOrUndefined(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}

/** `/~1links~1{linkId}` → `/links/{linkId}` (JSON Pointer escaping, as the Stage's MethodSetting ResourcePath has it). */
function decodeResourcePath(path: string): string {
  if (path === '/*') return path;
  const decoded = path.replace(/~1/g, '/').replace(/~0/g, '~');
  return decoded.startsWith('//') ? decoded.slice(1) : decoded;
}

class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly limits: ThrottleLimits, now: number) {
    this.tokens = limits.burst;
    this.last = now;
  }

  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.limits.burst, this.tokens + elapsed * this.limits.rate);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class StageThrottle {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly throttles: readonly MethodThrottle[], private readonly clock: () => number = () => performance.now()) {}

  /** The limits that apply to one method: its own entry, else the `/*` `*` default, else none. */
  limitsFor(resourcePath: string, httpMethod: string): ThrottleLimits | undefined {
    const method = httpMethod.toUpperCase();
    const own = this.throttles.find((t) => t.resourcePath === resourcePath && (t.httpMethod === method || t.httpMethod === '*'));
    return (own ?? this.throttles.find((t) => t.resourcePath === '/*' && t.httpMethod === '*'))?.limits;
  }

  /** Whether the request may go on; false: answer 429. */
  admit(resourcePath: string, httpMethod: string): boolean {
    const limits = this.limitsFor(resourcePath, httpMethod);
    if (!limits) return true;
    const key = `${httpMethod.toUpperCase()} ${resourcePath}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(limits, this.clock());
      this.buckets.set(key, bucket);
    }
    return bucket.take(this.clock());
  }
}
