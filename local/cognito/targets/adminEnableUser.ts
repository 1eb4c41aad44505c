import { z } from 'zod';
import { adminUser } from '../auth/userOperation';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), Username: required() });

/** AdminEnableUser: a disabled user may sign in again (their revoked tokens stay revoked). */
export const adminEnableUser: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { user } = adminUser(s, request);
  user.enabled = true;
  user.updatedAt = s.clock();
  s.store.save();
  return {};
};
