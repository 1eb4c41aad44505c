import { z } from 'zod';
import { invalidParameter } from '../errors';
import { poolById, stateOf } from '../services';
import type { UserRecord } from '../store';
import { userType } from '../users';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({
  UserPoolId: required(),
  AttributesToGet: z.array(z.string()).optional(),
  Limit: z.number().int().min(0).max(60).optional(),
  PaginationToken: z.string().optional(),
  Filter: z.string().max(256).optional(),
});

/** The attributes ListUsers can filter on (cognito-client-facts.md §3); custom attributes cannot be searched. */
const SEARCHABLE = ['username', 'email', 'phone_number', 'name', 'given_name', 'family_name', 'preferred_username', 'cognito:user_status', 'status', 'sub'];

/**
 * ListUsers with Cognito's filter syntax: `attr = "value"` (exact) or `attr ^= "value"` (prefix) on one searchable
 * attribute, or none for everyone; `status` is Enabled/Disabled, `cognito:user_status` the UserStatus. Usernames
 * compare case-sensitively, other values without case. At most Limit (60) users a page, then PaginationToken.
 */
export const listUsers: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const pool = poolById(s, request.UserPoolId);
  const matches = filterOf(request.Filter);
  const users = [...stateOf(s, pool).users.values()].filter(matches);
  const start = request.PaginationToken === undefined ? 0 : pageStart(request.PaginationToken, users.length);
  const limit = request.Limit || 60;
  const page = users.slice(start, start + limit);
  const next = start + page.length;
  const wanted = request.AttributesToGet;
  return {
    Users: page.map((user) => {
      const type = userType(user) as { Attributes: { Name: string; Value: string }[] };
      return wanted ? { ...type, Attributes: type.Attributes.filter((attribute) => wanted.includes(attribute.Name)) } : type;
    }),
    ...(next < users.length ? { PaginationToken: Buffer.from(JSON.stringify({ next })).toString('base64') } : {}),
  };
};

function filterOf(filter: string | undefined): (user: UserRecord) => boolean {
  if (filter === undefined || filter.trim() === '') return () => true;
  const match = /^\s*([\w:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(filter);
  if (!match || !SEARCHABLE.includes(match[1]!)) throw invalidParameter('Invalid search filter provided');
  const [, attribute, operator, raw] = match as unknown as [string, string, string, string];
  const wanted = raw.replace(/\\(.)/g, '$1');
  const caseSensitive = attribute === 'username';
  const fold = (text: string) => (caseSensitive ? text : text.toLowerCase());
  return (user) => {
    const value = attribute === 'username' ? user.username : attribute === 'status' ? (user.enabled ? 'Enabled' : 'Disabled') : attribute === 'cognito:user_status' ? user.status : user.attributes[attribute];
    if (value === undefined) return false;
    return operator === '=' ? fold(value) === fold(wanted) : fold(value).startsWith(fold(wanted));
  };
}

function pageStart(token: string, total: number): number {
  try {
    const next = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { next?: unknown }).next;
    if (typeof next === 'number' && Number.isInteger(next) && next >= 0 && next <= total) return next;
  } catch {
    // fall through
  }
  throw invalidParameter('Invalid pagination token.');
}
