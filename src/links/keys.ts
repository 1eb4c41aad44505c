import { createHash } from 'node:crypto';
import type { LinkId, LinkUrl, Tag } from './schemas';

/**
 * Single-table layout: everything of one owner lives in that owner's partition, so every query is a
 * key-condition query and isolation between owners is structural.
 *
 *   pk              sk                      item
 *   OWNER#<sub>     LINK#<ulid>             the link (url, title, tags, createdAt, version)
 *   OWNER#<sub>     URL#<sha256(url)>       dedupe guard: one link per normalised URL -> linkId
 *   OWNER#<sub>     TAG#<tag>#<ulid>        tag association, newest first within a tag
 *   OWNER#<sub>     TAGCOUNT#<tag>          number of the owner's links bearing the tag
 */
export interface ItemKey {
  pk: string;
  sk: string;
}

export const LINK_PREFIX = 'LINK#';
export const TAG_COUNT_PREFIX = 'TAGCOUNT#';

export function ownerPartition(owner: string): string {
  return `OWNER#${owner}`;
}

/** Tags cannot contain '#', so `TAG#news#` never matches the associations of another tag. */
export function taggingPrefix(tag: Tag): string {
  return `TAG#${tag}#`;
}

/** Hashed so any URL up to 2048 characters makes a short, fixed-size sort key. */
export function urlHash(url: LinkUrl): string {
  return createHash('sha256').update(url).digest('hex');
}

export function linkKey(owner: string, linkId: LinkId): ItemKey {
  return { pk: ownerPartition(owner), sk: `${LINK_PREFIX}${linkId}` };
}

export function urlKey(owner: string, hash: string): ItemKey {
  return { pk: ownerPartition(owner), sk: `URL#${hash}` };
}

export function taggingKey(owner: string, tag: Tag, linkId: LinkId): ItemKey {
  return { pk: ownerPartition(owner), sk: `${taggingPrefix(tag)}${linkId}` };
}

export function tagCountKey(owner: string, tag: Tag): ItemKey {
  return { pk: ownerPartition(owner), sk: `${TAG_COUNT_PREFIX}${tag}` };
}
