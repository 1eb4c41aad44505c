import { z } from 'zod';
import { userNotFound } from '../errors';
import { poolById, stateOf } from '../services';
import { findUser } from '../users';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), Username: required() });

/** AdminEnableUser: a disabled user may sign in again (their revoked tokens stay revoked). */
export const adminEnableUser: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const pool = poolById(s, request.UserPoolId);
  const user = findUser(pool, stateOf(s, pool), request.Username);
  if (!user) throw userNotFound();
  user.enabled = true;
  user.updatedAt = s.clock();
  s.store.save();
  return {};
};
