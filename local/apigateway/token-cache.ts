import { createHash } from 'node:crypto';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';

/**
 * Tokens whose signature and issuer were verified, for the rest of their life, so a client calling again with
 * the same token costs a hash and a lookup instead of an RSA verification (API Gateway caches its authorizer
 * results too). Keyed by the token's SHA-256: the token itself is never kept. An entry is good until the
 * token's `exp` (as aws-jwt-verify's own check: expired once `exp` < now in seconds); a token that is not in
 * the cache is verified in full, and only verified tokens get in.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, { payload: JwtPayload; expSeconds: number }>();

  constructor(private readonly maxEntries = 10_000) {}

  /** The verified payload, 'expired' for a cached token past its `exp`, undefined for a token not seen. */
  get(token: string, nowMs: number): JwtPayload | 'expired' | undefined {
    const key = keyOf(token);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expSeconds < nowMs / 1000) {
      this.entries.delete(key);
      return 'expired';
    }
    return entry.payload;
  }

  /** Remembers a verified token; one without a numeric `exp` is not cached (it is verified every time). */
  set(token: string, payload: JwtPayload): void {
    if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) return;
    if (this.entries.size >= this.maxEntries) this.evict();
    this.entries.set(keyOf(token), { payload, expSeconds: payload.exp });
  }

  get size(): number {
    return this.entries.size;
  }

  /** The oldest entries go first (a Map iterates in insertion order): a tenth of the cache at a time. */
  private evict(): void {
    let drop = Math.max(1, Math.floor(this.maxEntries / 10));
    for (const key of this.entries.keys()) {
      if (drop-- <= 0) break;
      this.entries.delete(key);
    }
  }
}

function keyOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
