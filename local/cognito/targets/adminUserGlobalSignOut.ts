import { z } from 'zod';
import { revokeUser } from '../auth/authenticationResult';
import { adminUser } from '../auth/userOperation';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), Username: required() });

/** AdminUserGlobalSignOut: GlobalSignOut for an administrator — every refresh token and its access tokens revoked. */
export const adminUserGlobalSignOut: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { state, user } = adminUser(s, request);
  revokeUser(state, user.username, s.clock());
  s.store.save();
  return {};
};
