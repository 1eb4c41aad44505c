import { z } from 'zod';
import { invalidParameter } from '../errors';
import { groupNamed } from '../groups';
import { poolById, stateOf } from '../services';
import { userType } from '../users';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), GroupName: required(), Limit: z.number().int().min(0).max(60).optional(), NextToken: z.string().optional() });

/** ListUsersInGroup: the group's members, Limit (default 60) at a time. */
export const listUsersInGroup: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const pool = poolById(s, request.UserPoolId);
  const group = groupNamed(s, pool, request.GroupName);
  const members = [...stateOf(s, pool).users.values()].filter((user) => user.groups?.includes(group.name)).sort((a, b) => a.createdAt - b.createdAt);
  const start = request.NextToken === undefined ? 0 : Number(request.NextToken);
  if (!Number.isInteger(start) || start < 0 || start > members.length) throw invalidParameter('Invalid pagination token.');
  const page = members.slice(start, start + (request.Limit || 60));
  const next = start + page.length;
  return { Users: page.map(userType), ...(next < members.length ? { NextToken: String(next) } : {}) };
};
