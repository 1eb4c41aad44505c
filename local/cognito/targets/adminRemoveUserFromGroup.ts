import { z } from 'zod';
import { adminUser } from '../auth/userOperation';
import { groupNamed } from '../groups';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), Username: required(), GroupName: required() });

/** AdminRemoveUserFromGroup: the user's next tokens no longer carry the group. Removing a non-member is not an error. */
export const adminRemoveUserFromGroup: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { pool, user } = adminUser(s, request);
  const group = groupNamed(s, pool, request.GroupName);
  user.groups = (user.groups ?? []).filter((name) => name !== group.name);
  user.updatedAt = s.clock();
  s.store.save();
  return {};
};
