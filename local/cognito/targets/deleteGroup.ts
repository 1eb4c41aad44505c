import { z } from 'zod';
import { groupNamed } from '../groups';
import { poolById, stateOf } from '../services';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), GroupName: required() });

/**
 * DeleteGroup: the group and its memberships go. Users' next tokens no longer name it; tokens already issued keep
 * it until they expire. A template's group stays deleted until the twin's state is reset (as a group deleted outside
 * CloudFormation stays deleted until the stack is updated).
 */
export const deleteGroup: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const pool = poolById(s, request.UserPoolId);
  const group = groupNamed(s, pool, request.GroupName);
  const state = stateOf(s, pool);
  if (state.groups?.has(group.name)) state.groups.delete(group.name);
  else state.deletedGroups = [...new Set([...(state.deletedGroups ?? []), group.name])];
  for (const user of state.users.values()) {
    if (user.groups?.includes(group.name)) user.groups = user.groups.filter((name) => name !== group.name);
  }
  s.store.save();
  return {};
};
