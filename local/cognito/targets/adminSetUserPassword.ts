import { z } from 'zod';
import { adminUser } from '../auth/userOperation';
import { assertPasswordAllowed } from '../passwordPolicy';
import { setPassword } from '../users';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), Username: required(), Password: required(), Permanent: z.boolean().optional() });

/**
 * AdminSetUserPassword: Permanent → CONFIRMED (no NEW_PASSWORD_REQUIRED on next sign-in); otherwise a new
 * temporary password and FORCE_CHANGE_PASSWORD, valid for the pool's TemporaryPasswordValidityDays.
 */
export const adminSetUserPassword: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { pool, user } = adminUser(s, request);
  assertPasswordAllowed(request.Password, pool.passwordPolicy);
  const now = s.clock();
  await setPassword(pool, user, request.Password);
  if (request.Permanent) {
    user.status = 'CONFIRMED';
    delete user.temporaryPasswordExpiresAt;
    delete user.confirmation;
  } else {
    user.status = 'FORCE_CHANGE_PASSWORD';
    user.temporaryPasswordExpiresAt = now + pool.passwordPolicy.temporaryPasswordValidityDays * 86_400_000;
  }
  user.updatedAt = now;
  s.store.save();
  return {};
};
