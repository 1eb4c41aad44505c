/**
 * Test helper (not a test): one function per route, calling the real handler with a proxy event the way
 * API Gateway would, so tests read as API calls.
 */
import { handler as createLinkHandler } from '../../src/handlers/createLink';
import { handler as deleteLinkHandler } from '../../src/handlers/deleteLink';
import { handler as getLinkHandler } from '../../src/handlers/getLink';
import { handler as listLinksHandler } from '../../src/handlers/listLinks';
import { handler as listTagsHandler } from '../../src/handlers/listTags';
import { handler as tagLinkHandler } from '../../src/handlers/tagLink';
import { handler as untagLinkHandler } from '../../src/handlers/untagLink';
import { LinkPageSchema, LinkSchema, TagCountPageSchema, type Link, type LinkPage, type TagCount, type TagCountPage } from '../../src/links/schemas';
import { apiEvent, invoke, type ApiResult, type Claims } from '../support/apiEvent';

export function createLink(who: Claims, body: unknown): Promise<ApiResult> {
  return invoke(createLinkHandler, apiEvent({ method: 'POST', resource: '/links', claims: who, body }));
}

export function listLinks(who: Claims, query?: Record<string, string>): Promise<ApiResult> {
  return invoke(listLinksHandler, apiEvent({ method: 'GET', resource: '/links', claims: who, query }));
}

export function getLink(who: Claims, linkId: string): Promise<ApiResult> {
  return invoke(getLinkHandler, apiEvent({ method: 'GET', resource: '/links/{linkId}', claims: who, pathParameters: { linkId } }));
}

export function deleteLink(who: Claims, linkId: string): Promise<ApiResult> {
  return invoke(deleteLinkHandler, apiEvent({ method: 'DELETE', resource: '/links/{linkId}', claims: who, pathParameters: { linkId } }));
}

export function tagLink(who: Claims, linkId: string, tag: string): Promise<ApiResult> {
  return invoke(
    tagLinkHandler,
    apiEvent({ method: 'PUT', resource: '/links/{linkId}/tags/{tag}', claims: who, pathParameters: { linkId, tag } }),
  );
}

export function untagLink(who: Claims, linkId: string, tag: string): Promise<ApiResult> {
  return invoke(
    untagLinkHandler,
    apiEvent({ method: 'DELETE', resource: '/links/{linkId}/tags/{tag}', claims: who, pathParameters: { linkId, tag } }),
  );
}

export function listTags(who: Claims, query?: Record<string, string>): Promise<ApiResult> {
  return invoke(listTagsHandler, apiEvent({ method: 'GET', resource: '/tags', claims: who, query }));
}

/** Saves a link and insists it was new. */
export async function newLink(who: Claims, body: { url: string; title?: string; tags?: string[] }): Promise<Link> {
  const response = await createLink(who, body);
  if (response.statusCode !== 201) throw new Error(`expected 201, got ${response.statusCode}: ${JSON.stringify(response.body)}`);
  return LinkSchema.parse(response.body);
}

/** Saves `count` links one after another and returns them oldest first. */
export async function newLinks(who: Claims, count: number, tagsOf: (index: number) => string[] = () => []): Promise<Link[]> {
  const links: Link[] = [];
  for (let index = 0; index < count; index++) {
    links.push(await newLink(who, { url: `https://example.com/${who.sub}/${index}`, tags: tagsOf(index) }));
  }
  return links;
}

export async function page(who: Claims, query?: Record<string, string>): Promise<LinkPage> {
  const response = await listLinks(who, query);
  if (response.statusCode !== 200) throw new Error(`expected 200, got ${response.statusCode}: ${JSON.stringify(response.body)}`);
  return LinkPageSchema.parse(response.body);
}

/** Follows nextCursor to the end; returns every page. */
export async function allPages(who: Claims, query: Record<string, string> = {}): Promise<LinkPage[]> {
  const pages: LinkPage[] = [];
  let cursor: string | null = null;
  do {
    const current: LinkPage = await page(who, cursor === null ? query : { ...query, cursor });
    pages.push(current);
    cursor = current.nextCursor;
  } while (cursor !== null && pages.length < 100);
  return pages;
}

export async function tagPage(who: Claims, query?: Record<string, string>): Promise<TagCountPage> {
  const response = await listTags(who, query);
  if (response.statusCode !== 200) throw new Error(`expected 200, got ${response.statusCode}: ${JSON.stringify(response.body)}`);
  return TagCountPageSchema.parse(response.body);
}

/** Every tag count, following nextCursor to the end (`limit` per page). */
export async function tagCounts(who: Claims, limit?: number): Promise<TagCount[]> {
  const counts: TagCount[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: Record<string, string> = { ...(limit === undefined ? {} : { limit: String(limit) }), ...(cursor === null ? {} : { cursor }) };
    const current: TagCountPage = await tagPage(who, query);
    counts.push(...current.items);
    cursor = current.nextCursor;
  } while (cursor !== null && ++pages < 100);
  return counts;
}
