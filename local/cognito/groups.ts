import type { GroupConfig, PoolConfig } from './config';
import { CognitoError } from './errors';
import type { UserRecord } from './store';

/** A user's groups as the pool declares them, by precedence (lowest first, none last), then name. */
export function groupsOf(pool: PoolConfig, user: UserRecord): GroupConfig[] {
  const member = new Set(user.groups ?? []);
  return pool.groups
    .filter((group) => member.has(group.name))
    .sort((a, b) => (a.precedence ?? Number.MAX_SAFE_INTEGER) - (b.precedence ?? Number.MAX_SAFE_INTEGER) || a.name.localeCompare(b.name));
}

/** The pool's group of that name, or AWS's ResourceNotFoundException "Group not found.". */
export function groupNamed(pool: PoolConfig, name: string): GroupConfig {
  const group = pool.groups.find((candidate) => candidate.name === name);
  if (!group) throw new CognitoError('ResourceNotFoundException', 'Group not found.');
  return group;
}

/** GroupType as the API returns it (ListGroups, GetGroup, AdminListGroupsForUser). */
export function groupType(pool: PoolConfig, group: GroupConfig): Record<string, unknown> {
  return {
    GroupName: group.name,
    UserPoolId: pool.id,
    ...(group.description !== undefined ? { Description: group.description } : {}),
    ...(group.precedence !== undefined ? { Precedence: group.precedence } : {}),
    ...(group.roleArn !== undefined ? { RoleArn: group.roleArn } : {}),
  };
}
