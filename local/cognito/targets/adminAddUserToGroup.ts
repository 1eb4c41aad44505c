import { z } from 'zod';
import { adminUser } from '../auth/userOperation';
import { groupNamed } from '../groups';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), Username: required(), GroupName: required() });

/**
 * AdminAddUserToGroup: the user's next tokens carry the group in `cognito:groups` (tokens already issued do not
 * change). Adding a member again is not an error. The groups are the templates' (AWS::Cognito::UserPoolGroup).
 */
export const adminAddUserToGroup: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { pool, user } = adminUser(s, request);
  const group = groupNamed(s, pool, request.GroupName);
  if (!(user.groups ?? []).includes(group.name)) user.groups = [...(user.groups ?? []), group.name];
  user.updatedAt = s.clock();
  s.store.save();
  return {};
};
