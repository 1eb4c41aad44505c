import { groupNamed, groupRequest, groupType } from '../groups';
import { poolById, stateOf } from '../services';
import { parseRequest } from '../validation';
import type { Target } from './target';

const Request = groupRequest;

/**
 * UpdateGroup: the fields given replace the group's. A template's group becomes one of the twin's state from then on
 * (its name among the deleted template groups, its new form among those made at run time), as a group changed outside
 * CloudFormation drifts from the stack.
 */
export const updateGroup: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const pool = poolById(s, request.UserPoolId);
  const current = groupNamed(s, pool, request.GroupName);
  const state = stateOf(s, pool);
  const existing = state.groups?.get(current.name);
  const updated = {
    name: current.name,
    description: request.Description ?? current.description,
    precedence: request.Precedence ?? current.precedence,
    roleArn: request.RoleArn ?? current.roleArn,
    createdAt: existing?.createdAt ?? s.clock(),
  };
  state.groups ??= new Map();
  state.groups.set(updated.name, updated);
  if (!existing) state.deletedGroups = [...new Set([...(state.deletedGroups ?? []), updated.name])];
  s.store.save();
  const seconds = s.clock() / 1000;
  return { Group: { ...groupType(pool, updated), LastModifiedDate: seconds, CreationDate: updated.createdAt / 1000 } };
};
