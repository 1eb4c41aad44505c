import { randomUUID } from 'node:crypto';
import { DEFAULT_PAGE_SIZE, ErrorBodySchema, type Link } from '../../src/links/schemas';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { useLinksTable } from '../data/linksTable';
import { claims } from '../support/apiEvent';
import { allPages, listLinks, newLinks, page } from './api';

const table = useLinksTable('list');

const ids = (links: readonly Link[]) => links.map((link) => link.linkId);
const newestFirst = (links: readonly Link[]) => [...links].reverse();
const hasTag = (link: Link, tag: string) => link.tags.some((candidate) => candidate === tag);

describe('GET /links', () => {
  const owner = claims.user('5d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a', 'lister');
  let links: Link[] = [];

  beforeAll(async () => {
    // Seven links: even ones tagged "even", every third one also "third".
    links = await newLinks(owner, 7, (i) => [...(i % 2 === 0 ? ['even'] : []), ...(i % 3 === 0 ? ['third'] : [])]);
  });

  test('lists the owner\'s links newest first, with no cursor when everything fits', async () => {
    const result = await page(owner);

    expect(ids(result.items)).toEqual(ids(newestFirst(links)));
    expect(result.nextCursor).toBeNull();
  });

  test('pages through with limit: each link once, in order, and no cursor after the last page', async () => {
    const pages = await allPages(owner, { limit: '3' });

    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap((p) => ids(p.items))).toEqual(ids(newestFirst(links)));
    expect(pages.at(-1)?.nextCursor).toBeNull();
    expect(pages.slice(0, -1).every((p) => typeof p.nextCursor === 'string')).toBe(true);
  });

  test('a page that ends exactly at the last link hands out no cursor', async () => {
    const pages = await allPages(owner, { limit: '7' });

    expect(pages).toHaveLength(1);
    expect(pages[0]?.items).toHaveLength(7);
    expect(pages[0]?.nextCursor).toBeNull();
  });

  test('filters by tag, newest first, and pages within the filter', async () => {
    const tagged = newestFirst(links.filter((link) => hasTag(link, 'even')));

    const pages = await allPages(owner, { tag: 'even', limit: '1' });

    expect(tagged).toHaveLength(4);
    expect(pages.flatMap((p) => ids(p.items))).toEqual(ids(tagged));
    expect(pages.map((p) => p.items.length)).toEqual([1, 1, 1, 1]);
    expect(pages.every((p) => p.items.every((link) => hasTag(link, 'even')))).toBe(true);
  });

  test('a tag nobody used lists nothing', async () => {
    expect(await page(owner, { tag: 'unused' })).toEqual({ items: [], nextCursor: null });
  });

  test('an owner with no links gets an empty list', async () => {
    expect(await page(claims.user(randomUUID(), 'emptyowner'))).toEqual({ items: [], nextCursor: null });
  });

  test(`defaults to ${DEFAULT_PAGE_SIZE} per page`, async () => {
    const busy = claims.user(randomUUID(), 'busyowner');
    await newLinks(busy, DEFAULT_PAGE_SIZE + 2);

    const first = await page(busy);

    expect(first.items).toHaveLength(DEFAULT_PAGE_SIZE);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect((await page(busy, { cursor: first.nextCursor! })).items).toHaveLength(2);
  });

  async function expectBadQuery(query: Record<string, string>, field: string, who = owner): Promise<void> {
    const response = await listLinks(who, query);
    expect(response.statusCode).toBe(400);
    expect(ErrorBodySchema.parse(response.body).errors?.map((entry) => entry.field)).toEqual([field]);
  }

  test.each(['0', '101', 'abc', '1.5', '-1', '', '1e2'])('limit=%j is a 400 naming query.limit', async (limit) => {
    await expectBadQuery({ limit }, 'query.limit');
  });

  test.each(['News', 'a b', 't'.repeat(65), ''])('tag=%j is a 400 naming query.tag', async (tag) => {
    await expectBadQuery({ tag }, 'query.tag');
  });

  test.each([
    ['garbage', 'garbage'],
    ['characters outside base64url', 'not.base64!'],
    ['an over-long token', `${'a'.repeat(600)}.b`],
    ['an over-long token with bad characters', `${'!'.repeat(600)}.b`],
    ['a bare dot', '.'],
    ['three parts', 'a.b.c'],
    ['a well-formed token we never minted', `${Buffer.from('01ARZ3NDEKTSV4RRFFQ69G5FAV').toString('base64url')}.${'A'.repeat(43)}`],
  ])('a cursor that is %s is a 400 naming query.cursor', async (_name, cursor) => {
    await expectBadQuery({ cursor }, 'query.cursor');
  });

  describe('cursors are bound to their owner and filter', () => {
    let cursor: string;
    let taggedCursor: string;

    beforeAll(async () => {
      cursor = (await page(owner, { limit: '2' })).nextCursor!;
      taggedCursor = (await page(owner, { tag: 'even', limit: '1' })).nextCursor!;
    });

    test('a cursor with a flipped MAC character is refused', async () => {
      const [position, mac] = cursor.split('.') as [string, string];
      const flipped = `${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
      await expectBadQuery({ limit: '2', cursor: `${position}.${flipped}` }, 'query.cursor');
    });

    test('a cursor pointing elsewhere with the old MAC is refused', async () => {
      const [, mac] = cursor.split('.') as [string, string];
      const elsewhere = Buffer.from(links[0]!.linkId).toString('base64url');
      await expectBadQuery({ limit: '2', cursor: `${elsewhere}.${mac}` }, 'query.cursor');
    });

    test('another owner cannot use it', async () => {
      await expectBadQuery({ limit: '2', cursor }, 'query.cursor', claims.user('aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', 'mallory'));
    });

    test('it is refused under a tag filter, and a tag cursor without one or under another tag', async () => {
      await expectBadQuery({ tag: 'even', cursor }, 'query.cursor');
      await expectBadQuery({ cursor: taggedCursor }, 'query.cursor');
      await expectBadQuery({ tag: 'third', cursor: taggedCursor }, 'query.cursor');
    });

    test('the untouched cursor still works', async () => {
      const next = await page(owner, { limit: '2', cursor });
      expect(ids(next.items)).toEqual(ids(newestFirst(links)).slice(2, 4));
    });
  });

  test('a link untagged between the tag query and the read of the links is not listed under that tag', async () => {
    // The moment the race leaves behind: the association still there, the link item already without the tag.
    const drifter = claims.user('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', 'drifter');
    const [kept, untagged] = await newLinks(drifter, 2, () => ['drift']);
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    await documents.send(new UpdateCommand({
      TableName: table.name,
      Key: { pk: `OWNER#${drifter.sub}`, sk: `LINK#${untagged!.linkId}` },
      UpdateExpression: 'SET #tags = :none',
      ExpressionAttributeNames: { '#tags': 'tags' },
      ExpressionAttributeValues: { ':none': [] },
    }));
    documents.destroy();
    expect(ids((await page(drifter, { tag: 'drift' })).items)).toEqual([kept!.linkId]);
  });
});
