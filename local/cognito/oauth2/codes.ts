import { opaqueToken, sha256 } from '../crypto';

/** What an authorization code stands for until /oauth2/token redeems it. */
export interface CodeGrant {
  clientId: string;
  poolId: string;
  username: string;
  redirectUri: string;
  scope: string[];
  codeChallenge: string | undefined;
  nonce: string | undefined;
  /** auth_time of the sign-in, seconds. */
  authTime: number;
  expiresAt: number;
}

/** Codes are good for one use within five minutes (cognito-client-facts.md §4); in memory, by their SHA-256. */
const CODE_VALIDITY_MS = 5 * 60_000;

export class AuthorizationCodes {
  private readonly open = new Map<string, CodeGrant>();

  issue(grant: Omit<CodeGrant, 'expiresAt'>, now: number): string {
    for (const [key, held] of this.open) if (held.expiresAt <= now) this.open.delete(key);
    const code = opaqueToken(32);
    this.open.set(sha256(code), { ...grant, expiresAt: now + CODE_VALIDITY_MS });
    return code;
  }

  /** The grant behind `code`, consumed: a second redemption finds nothing. */
  redeem(code: string, now: number): CodeGrant | undefined {
    const key = sha256(code);
    const grant = this.open.get(key);
    this.open.delete(key);
    return grant && grant.expiresAt > now ? grant : undefined;
  }
}
