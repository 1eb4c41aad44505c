import { CognitoError } from '../errors';
import { groupRequest, groupType, poolGroups } from '../groups';
import { poolById, stateOf } from '../services';
import { parseRequest } from '../validation';
import type { Target } from './target';

const Request = groupRequest;

/**
 * CreateGroup: a group beside the templates' ones, kept with the users (persisted under .local/state). A name the
 * pool already has is GroupExistsException.
 */
export const createGroup: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const pool = poolById(s, request.UserPoolId);
  if (poolGroups(s, pool).some((group) => group.name === request.GroupName)) {
    throw new CognitoError('GroupExistsException', `A group with the name ${request.GroupName} already exists.`);
  }
  const state = stateOf(s, pool);
  const now = s.clock();
  const group = { name: request.GroupName, description: request.Description, precedence: request.Precedence, roleArn: request.RoleArn, createdAt: now };
  state.groups ??= new Map();
  state.groups.set(group.name, group);
  // A template group of the same name deleted earlier stays deleted: this one takes its place.
  s.store.save();
  const seconds = now / 1000;
  return { Group: { ...groupType(pool, group), LastModifiedDate: seconds, CreationDate: seconds } };
};
