import { z } from 'zod';
import type { GroupConfig, PoolConfig } from './config';
import { CognitoError } from './errors';
import { stateOf, type Services } from './services';
import type { UserRecord } from './store';
import { required } from './validation';

/** The fields CreateGroup and UpdateGroup take, with the API's limits. */
export const groupRequest = z.object({
  UserPoolId: required(),
  GroupName: required().pipe(z.string().max(128)),
  Description: z.string().max(2048).optional(),
  RoleArn: z.string().min(20).max(2048).optional(),
  Precedence: z.number().int().min(0).optional(),
});

/** The pool's groups: the templates' (AWS::Cognito::UserPoolGroup) less those deleted, and those made with CreateGroup. */
export function poolGroups(s: Services, pool: PoolConfig): GroupConfig[] {
  const state = stateOf(s, pool);
  const deleted = new Set(state.deletedGroups ?? []);
  const made = [...(state.groups?.values() ?? [])].map(({ name, description, precedence, roleArn }) => ({ name, description, precedence, roleArn }));
  return [...pool.groups.filter((group) => !deleted.has(group.name)), ...made];
}

/** A user's groups, by precedence (lowest first, none last), then name. */
export function groupsOf(s: Services, pool: PoolConfig, user: UserRecord): GroupConfig[] {
  const member = new Set(user.groups ?? []);
  return poolGroups(s, pool)
    .filter((group) => member.has(group.name))
    .sort((a, b) => (a.precedence ?? Number.MAX_SAFE_INTEGER) - (b.precedence ?? Number.MAX_SAFE_INTEGER) || a.name.localeCompare(b.name));
}

/** The pool's group of that name, or AWS's ResourceNotFoundException "Group not found.". */
export function groupNamed(s: Services, pool: PoolConfig, name: string): GroupConfig {
  const group = poolGroups(s, pool).find((candidate) => candidate.name === name);
  if (!group) throw new CognitoError('ResourceNotFoundException', 'Group not found.');
  return group;
}

/** GroupType as the API returns it (ListGroups, GetGroup, AdminListGroupsForUser, CreateGroup). */
export function groupType(pool: PoolConfig, group: GroupConfig): Record<string, unknown> {
  return {
    GroupName: group.name,
    UserPoolId: pool.id,
    ...(group.description !== undefined ? { Description: group.description } : {}),
    ...(group.precedence !== undefined ? { Precedence: group.precedence } : {}),
    ...(group.roleArn !== undefined ? { RoleArn: group.roleArn } : {}),
  };
}
