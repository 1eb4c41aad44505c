import { verifyPassword } from '../crypto';
import { notAuthorized } from '../errors';
import type { Services } from '../services';
import type { UserRecord } from '../store';

/**
 * Cognito's lockout after wrong passwords (cognito-client-facts.md §3): from the fifth failure in a row the user is
 * locked for 1 s, doubling with each further failure up to about 15 minutes; attempts while locked get
 * NotAuthorizedException "Password attempts exceeded" and are not counted; 15 quiet minutes start the count over.
 */
const FREE_FAILURES = 5;
const MAX_LOCK_MS = 15 * 60_000;
const RESET_AFTER_MS = 15 * 60_000;
const LOCKED = 'Password attempts exceeded';

export function assertNotLocked(s: Services, user: UserRecord): void {
  const locked = user.failedSignIns?.lockedUntil;
  if (locked !== undefined && locked > s.clock()) throw notAuthorized(LOCKED);
}

/**
 * Checks a password the way every sign-in does: refused unheard while the user is locked, then compared, and the
 * outcome counted. The password sign-ins and the hosted login's page share it.
 */
export async function passwordMatches(s: Services, user: UserRecord, password: string): Promise<boolean> {
  assertNotLocked(s, user);
  if (!(await verifyPassword(password, user.passwordHash))) {
    recordFailedSignIn(s, user);
    return false;
  }
  recordSuccessfulSignIn(s, user);
  return true;
}

export function recordFailedSignIn(s: Services, user: UserRecord): void {
  const now = s.clock();
  const previous = user.failedSignIns;
  const count = previous && now - previous.lastFailureAt < RESET_AFTER_MS ? previous.count + 1 : 1;
  const lockMs = count >= FREE_FAILURES ? Math.min(MAX_LOCK_MS, 1000 * 2 ** (count - FREE_FAILURES)) : 0;
  user.failedSignIns = { count, lastFailureAt: now, ...(lockMs > 0 ? { lockedUntil: now + lockMs } : {}) };
  s.store.save();
}

export function recordSuccessfulSignIn(s: Services, user: UserRecord): void {
  if (!user.failedSignIns) return;
  delete user.failedSignIns;
  s.store.save();
}
