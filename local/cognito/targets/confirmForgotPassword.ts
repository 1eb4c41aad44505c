import { userOperation } from '../auth/userOperation';
import { safeEqual, sha256 } from '../crypto';
import { codeMismatch, expiredCode, limitExceeded, messages, notAuthorized, userNotFound } from '../errors';
import { assertPasswordAllowed } from '../passwordPolicy';
import { setPassword } from '../users';
import { parseRequest, required, userOperationRequest } from '../validation';
import type { Target } from './target';

const Request = userOperationRequest().extend({ ConfirmationCode: required(), Password: required() });

/** Wrong codes allowed before LimitExceededException (AWS publishes no number; identity-js#548). */
const MAX_FAILURES = 5;

/**
 * ConfirmForgotPassword (cognito-client-facts.md §3): the emailed code and a new password. A wrong code is
 * CodeMismatchException, an expired one (or none requested) ExpiredCodeException, too many wrong ones
 * LimitExceededException; the new password must pass the pool's policy. The user is CONFIRMED afterwards.
 */
export const confirmForgotPassword: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { client, pool, user } = userOperation(s, request);
  if (!user) throw client.preventUserExistenceErrors ? codeMismatch() : userNotFound();
  if (!user.enabled) throw notAuthorized(messages.userDisabled);
  const pending = user.passwordReset;
  if (!pending || pending.expiresAt <= s.clock()) throw expiredCode();
  if (pending.failures >= MAX_FAILURES) throw limitExceeded();
  if (!safeEqual(sha256(request.ConfirmationCode.trim()), pending.codeHash)) {
    pending.failures += 1;
    s.store.save();
    throw codeMismatch();
  }
  assertPasswordAllowed(request.Password, pool.passwordPolicy);
  await setPassword(pool, user, request.Password);
  delete user.passwordReset;
  delete user.temporaryPasswordExpiresAt;
  user.status = 'CONFIRMED';
  user.updatedAt = s.clock();
  s.store.save();
  return {};
};
