import { z } from 'zod';
import { assertSecretHash } from '../auth/secretHash';
import { safeEqual, sha256 } from '../crypto';
import { codeMismatch, expiredCode, limitExceeded, messages, notAuthorized, userNotFound } from '../errors';
import { assertPasswordAllowed } from '../passwordPolicy';
import { clientById, poolOf, stateOf } from '../services';
import { findUser, setPassword } from '../users';
import { parseRequest, required, stringMap } from '../validation';
import type { Target } from './target';

const Request = z.object({
  ClientId: required(),
  Username: required(),
  ConfirmationCode: required(),
  Password: required(),
  SecretHash: z.string().optional(),
  AnalyticsMetadata: z.unknown().optional(),
  UserContextData: z.unknown().optional(),
  ClientMetadata: stringMap().optional(),
});

/** Wrong codes allowed before LimitExceededException (AWS publishes no number; identity-js#548). */
const MAX_FAILURES = 5;

/**
 * ConfirmForgotPassword (cognito-client-facts.md §3): the emailed code and a new password. A wrong code is
 * CodeMismatchException, an expired one (or none requested) ExpiredCodeException, too many wrong ones
 * LimitExceededException; the new password must pass the pool's policy. The user is CONFIRMED afterwards.
 */
export const confirmForgotPassword: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const client = clientById(s, request.ClientId);
  const pool = poolOf(s, client);
  const user = findUser(pool, stateOf(s, pool), request.Username);
  assertSecretHash(client, request.SecretHash, [request.Username, user?.username]);
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
