import { randomUUID } from 'node:crypto';
import { ErrorBodySchema } from '../../src/links/schemas';
import { useLinksTable } from '../data/linksTable';
import { claims } from '../support/apiEvent';
import { deleteLink, listTags, newLink, page, tagCounts, tagLink, tagPage, untagLink } from './api';

const table = useLinksTable('list-tags');

function expectFieldError(response: { statusCode: number; body: unknown }, field: string): void {
  expect(response.statusCode).toBe(400);
  expect(ErrorBodySchema.parse(response.body).errors?.map((entry) => entry.field)).toContain(field);
}

describe('GET /tags pages like GET /links', () => {
  test('name order, `limit` per page, each tag once, and no cursor after the last page (nor an empty last page)', async () => {
    const who = claims.user(randomUUID(), 'many-tags');
    const tags = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
    await newLink(who, { url: 'https://example.com/a', tags: tags.slice(0, 3) });
    await newLink(who, { url: 'https://example.com/b', tags: tags.slice(2) });

    const first = await tagPage(who, { limit: '4' });
    expect(first.items.map((i) => i.tag)).toEqual(['alpha', 'bravo', 'charlie', 'delta']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await tagPage(who, { limit: '4', cursor: first.nextCursor! });
    expect(second).toEqual({ items: [{ tag: 'echo', count: 1 }, { tag: 'foxtrot', count: 1 }], nextCursor: null });
    expect(await tagCounts(who, 2)).toEqual(tags.map((tag) => ({ tag, count: tag === 'charlie' ? 2 : 1 })));
    // A page that ends exactly at the last tag hands out no cursor.
    expect((await tagPage(who, { limit: '6' })).nextCursor).toBeNull();
  });

  test('limit and cursor are validated: a 400 naming the field; a /links cursor or another owner\'s is refused', async () => {
    const who = claims.user(randomUUID(), 'validator');
    const other = claims.user(randomUUID(), 'other');
    await newLink(who, { url: 'https://example.com/v1', tags: ['one', 'two'] });
    await newLink(who, { url: 'https://example.com/v2' });
    await newLink(other, { url: 'https://example.com/o', tags: ['one', 'two'] });
    for (const limit of ['0', '101', 'abc', '']) expectFieldError(await listTags(who, { limit }), 'query.limit');
    expectFieldError(await listTags(who, { cursor: 'garbage' }), 'query.cursor');
    const linksCursor = (await page(who, { limit: '1' })).nextCursor!;
    expectFieldError(await listTags(who, { cursor: linksCursor }), 'query.cursor');
    const othersCursor = (await tagPage(other, { limit: '1' })).nextCursor!;
    expectFieldError(await listTags(who, { cursor: othersCursor }), 'query.cursor');
  });
});

describe('a tag counter lives exactly while some link bears the tag', () => {
  test('untagging or deleting the last link deletes the counter item in the same transaction', async () => {
    const who = claims.user(randomUUID(), 'counter');
    const a = await newLink(who, { url: 'https://example.com/c1', tags: ['kept', 'gone'] });
    const b = await newLink(who, { url: 'https://example.com/c2', tags: ['gone'] });
    const counters = async () => (await table.itemsWithPrefix(who.sub!, 'TAGCOUNT#')).map((i) => [i.tag, i.count]);
    expect(await counters()).toEqual([['gone', 2], ['kept', 1]]);
    expect((await untagLink(who, a.linkId, 'gone')).statusCode).toBe(204);
    expect(await counters()).toEqual([['gone', 1], ['kept', 1]]);
    expect((await deleteLink(who, b.linkId)).statusCode).toBe(204);
    expect(await counters()).toEqual([['kept', 1]]);
    expect((await untagLink(who, a.linkId, 'kept')).statusCode).toBe(204);
    expect(await counters()).toEqual([]);
    expect(await tagCounts(who)).toEqual([]);
  });

  test('racing deletes and untags of the last links never leave a counter at zero or below', async () => {
    const who = claims.user(randomUUID(), 'racer');
    const links = await Promise.all(Array.from({ length: 6 }, (_, i) => newLink(who, { url: `https://example.com/race-${i}`, tags: ['race'] })));
    const results = await Promise.all(links.map((link, i) => (i % 2 === 0 ? deleteLink(who, link.linkId) : untagLink(who, link.linkId, 'race'))));
    expect(results.map((r) => r.statusCode)).toEqual(links.map(() => 204));
    expect(await table.itemsWithPrefix(who.sub!, 'TAGCOUNT#')).toEqual([]);
    // Tagging again starts a fresh counter at 1.
    expect((await tagLink(who, links[1]!.linkId, 'race')).statusCode).toBe(204);
    expect(await tagCounts(who)).toEqual([{ tag: 'race', count: 1 }]);
  });
});
