import { createHmac, timingSafeEqual } from 'node:crypto';
import { BadRequestError } from '../lib/errors';
import { requiredEnv } from '../lib/env';
import { LinkIdSchema, type LinkId, type Tag } from './schemas';

/** What a cursor is valid for: the listing of one owner under one tag filter (or none). */
export interface CursorScope {
  owner: string;
  tag: Tag | undefined;
}

const CURSOR_FORMAT = 'links-cursor/v1';

/**
 * HMAC-SHA256 keyed by CURSOR_KEY over format, owner, filter and position. A JSON array keeps the
 * fields apart, so no choice of owner/tag/position can produce another scope's input.
 */
function signature(position: string, scope: CursorScope): Buffer {
  return createHmac('sha256', requiredEnv('CURSOR_KEY'))
    .update(JSON.stringify([CURSOR_FORMAT, scope.owner, scope.tag ?? null, position]))
    .digest();
}

/** `<base64url(last linkId)>.<base64url(mac)>`: opaque to clients, useless outside its scope. */
export function encodeCursor(position: LinkId, scope: CursorScope): string {
  return `${Buffer.from(position, 'utf8').toString('base64url')}.${signature(position, scope).toString('base64url')}`;
}

function invalidCursor(): BadRequestError {
  return new BadRequestError([{ field: 'query.cursor', message: 'is not a valid cursor for this listing' }]);
}

/** The position a cursor points after; a 400 for anything not minted by us for exactly this scope. */
export function decodeCursor(token: string, scope: CursorScope): LinkId {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw invalidCursor();
  const position = Buffer.from(parts[0], 'base64url').toString('utf8');
  const given = Buffer.from(parts[1], 'base64url');
  const expected = signature(position, scope);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
  const linkId = LinkIdSchema.safeParse(position);
  if (!linkId.success) throw invalidCursor();
  return linkId.data;
}
