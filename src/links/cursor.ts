import { createHmac, timingSafeEqual } from 'node:crypto';
import { BadRequestError } from '../lib/errors';
import { requiredEnv } from '../lib/env';
import type { Tag } from './schemas';

/**
 * What a cursor is valid for: one owner's links under one tag filter (or none), or one owner's tag counts.
 * A cursor minted for one listing is refused by every other.
 */
export type CursorScope = { listing: 'links'; owner: string; tag: Tag | undefined } | { listing: 'tags'; owner: string };

const CURSOR_FORMATS = { links: 'links-cursor/v1', tags: 'tags-cursor/v1' } as const;

/**
 * HMAC-SHA256 keyed by CURSOR_KEY over format, owner, filter and position. A JSON array keeps the
 * fields apart, so no choice of owner/tag/position can produce another scope's input.
 */
function signature(position: string, scope: CursorScope): Buffer {
  const filter = scope.listing === 'links' ? (scope.tag ?? null) : null;
  return createHmac('sha256', requiredEnv('CURSOR_KEY'))
    .update(JSON.stringify([CURSOR_FORMATS[scope.listing], scope.owner, filter, position]))
    .digest();
}

/** `<base64url(last position)>.<base64url(mac)>`: opaque to clients, useless outside its scope. */
export function encodeCursor(position: string, scope: CursorScope): string {
  return `${Buffer.from(position, 'utf8').toString('base64url')}.${signature(position, scope).toString('base64url')}`;
}

function invalidCursor(): BadRequestError {
  return new BadRequestError([{ field: 'query.cursor', message: 'is not a valid cursor for this listing' }]);
}

/**
 * The position a cursor points after; a 400 for anything not minted by us for exactly this scope, or whose
 * position `parse` (the listing's id schema) refuses.
 */
export function decodeCursor<T>(token: string, scope: CursorScope, parse: (position: string) => T | undefined): T {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw invalidCursor();
  const position = Buffer.from(parts[0], 'base64url').toString('utf8');
  const given = Buffer.from(parts[1], 'base64url');
  const expected = signature(position, scope);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
  const parsed = parse(position);
  if (parsed === undefined) throw invalidCursor();
  return parsed;
}
