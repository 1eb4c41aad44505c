import { z } from 'zod';
import { revokeUser } from '../auth/authenticationResult';
import { userNotFound } from '../errors';
import { poolById, stateOf } from '../services';
import { findUser } from '../users';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), Username: required() });

/** AdminUserGlobalSignOut: GlobalSignOut for an administrator — every refresh token and its access tokens revoked. */
export const adminUserGlobalSignOut: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const pool = poolById(s, request.UserPoolId);
  const state = stateOf(s, pool);
  const user = findUser(pool, state, request.Username);
  if (!user) throw userNotFound();
  revokeUser(state, user.username, s.clock());
  s.store.save();
  return {};
};
