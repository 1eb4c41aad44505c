import { z } from 'zod';
import { revokeUser } from '../auth/authenticationResult';
import { adminUser } from '../auth/userOperation';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), Username: required() });

/**
 * AdminDisableUser: the user can no longer sign in ("User is disabled.") and their access and refresh tokens are
 * revoked; they are still listed (cognito-client-facts.md §3).
 */
export const adminDisableUser: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { state, user } = adminUser(s, request);
  user.enabled = false;
  user.updatedAt = s.clock();
  revokeUser(state, user.username, s.clock());
  s.store.save();
  return {};
};
