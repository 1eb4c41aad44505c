import { z } from 'zod';
import { revokeUser } from '../auth/authenticationResult';
import { adminUser } from '../auth/userOperation';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), Username: required() });

/** AdminDeleteUser: the user is gone, and so are their sessions (refresh tokens revoked). */
export const adminDeleteUser: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { state, user } = adminUser(s, request);
  revokeUser(state, user.username, s.clock());
  state.users.delete(user.username);
  s.store.save();
  return {};
};
