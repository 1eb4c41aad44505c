import { z } from 'zod';
import { invalidParameter } from '../errors';
import { groupType, poolGroups } from '../groups';
import { poolById } from '../services';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), Limit: z.number().int().min(0).max(60).optional(), NextToken: z.string().optional() });

/** ListGroups: the pool's groups (the templates' AWS::Cognito::UserPoolGroup resources), Limit (default 60) at a time. */
export const listGroups: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const pool = poolById(s, request.UserPoolId);
  const groups = poolGroups(s, pool);
  const start = request.NextToken === undefined ? 0 : Number(request.NextToken);
  if (!Number.isInteger(start) || start < 0 || start > groups.length) throw invalidParameter('Invalid pagination token.');
  const page = groups.slice(start, start + (request.Limit || 60));
  const next = start + page.length;
  return { Groups: page.map((group) => groupType(pool, group)), ...(next < groups.length ? { NextToken: String(next) } : {}) };
};
