import { z } from 'zod';
import { userOfAccessToken } from '../auth/accessToken';
import { verifyPassword } from '../crypto';
import { messages, notAuthorized } from '../errors';
import { assertPasswordAllowed } from '../passwordPolicy';
import { setPassword } from '../users';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ AccessToken: required(), PreviousPassword: required(), ProposedPassword: required() });

/**
 * ChangePassword (Amplify's updatePassword): the signed-in user, by an access token with the user-admin scope,
 * proves the current password and sets a new one the policy accepts. A wrong current password is
 * "Incorrect username or password." (amplify-js#1580).
 */
export const changePassword: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { pool, user } = await userOfAccessToken(s, request.AccessToken);
  if (!(await verifyPassword(request.PreviousPassword, user.passwordHash))) throw notAuthorized(messages.incorrectCredentials);
  assertPasswordAllowed(request.ProposedPassword, pool.passwordPolicy, 'proposedPassword');
  await setPassword(pool, user, request.ProposedPassword);
  user.updatedAt = s.clock();
  s.store.save();
  return {};
};
