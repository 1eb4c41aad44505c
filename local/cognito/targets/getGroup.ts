import { z } from 'zod';
import { groupNamed, groupType } from '../groups';
import { poolById } from '../services';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), GroupName: required() });

/** GetGroup: one of the pool's groups, or ResourceNotFoundException "Group not found.". */
export const getGroup: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const pool = poolById(s, request.UserPoolId);
  return { Group: groupType(pool, groupNamed(s, pool, request.GroupName)) };
};
