import { z } from 'zod';
import { adminUser } from '../auth/userOperation';
import { invalidParameter } from '../errors';
import { groupsOf, groupType } from '../groups';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), Username: required(), Limit: z.number().int().min(0).max(60).optional(), NextToken: z.string().optional() });

/** AdminListGroupsForUser: the user's groups, Limit (default 60) at a time. */
export const adminListGroupsForUser: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { pool, user } = adminUser(s, request);
  const groups = groupsOf(s, pool, user);
  const start = request.NextToken === undefined ? 0 : Number(request.NextToken);
  if (!Number.isInteger(start) || start < 0 || start > groups.length) throw invalidParameter('Invalid pagination token.');
  const page = groups.slice(start, start + (request.Limit || 60));
  const next = start + page.length;
  return { Groups: page.map((group) => groupType(pool, group)), ...(next < groups.length ? { NextToken: String(next) } : {}) };
};
