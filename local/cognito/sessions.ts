import { opaqueToken, sha256 } from './crypto';
import { messages, notAuthorized } from './errors';

/**
 * Challenge sessions (NEW_PASSWORD_REQUIRED, PASSWORD_VERIFIER): opaque, single-use, valid for the client's
 * AuthSessionValidity minutes. Kept in memory only: a restart ends them, as a lost session would.
 */

export interface Session {
  poolId: string;
  clientId: string;
  username: string;
  challenge: 'NEW_PASSWORD_REQUIRED' | 'PASSWORD_VERIFIER';
  expiresAt: number;
  /**
   * PASSWORD_VERIFIER: the server's half of the SRP exchange (auth/srp.ts), and the SECRET_BLOCK handed to the
   * client. `verifier` undefined: an unknown user given a simulated challenge, which no proof can pass.
   */
  srp?: { A: string; b: string; B: string; verifier: string | undefined; secretBlock: string };
}

export class Sessions {
  private readonly open = new Map<string, Session & { used: boolean }>();

  create(session: Session): string {
    const token = opaqueToken();
    this.open.set(sha256(token), { ...session, used: false });
    return token;
  }

  /** The live session behind `token`, or AWS's NotAuthorizedException wording. */
  get(token: string, clientId: string, now: number): Session {
    this.sweep(now);
    const session = this.open.get(sha256(token));
    if (!session || session.clientId !== clientId) throw notAuthorized(messages.invalidSession);
    if (session.used) throw notAuthorized(messages.sessionUsed);
    if (session.expiresAt <= now) throw notAuthorized(messages.sessionExpired);
    return session;
  }

  /**
   * Marks the session used, once the answer was accepted: an answer refused (say, a new password the
   * policy rejects) leaves it open for another try, as AWS does.
   */
  consume(token: string): void {
    const session = this.open.get(sha256(token));
    if (session) session.used = true;
  }

  /** Forgets sessions long past use, so the map cannot grow without bound. */
  private sweep(now: number): void {
    for (const [key, session] of this.open) if (session.expiresAt + 3_600_000 < now) this.open.delete(key);
  }
}
