import { randomUUID } from 'node:crypto';
import { ErrorBodySchema, LinkSchema, MAX_TAGS_PER_LINK } from '../../src/links/schemas';
import { useLinksTable } from '../data/linksTable';
import { claims } from '../support/apiEvent';
import { createLink, deleteLink, getLink, newLink, page, tagCounts, tagLink, untagLink } from './api';

const table = useLinksTable('lifecycle');
const owner = claims.user('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', 'owner');
const ABSENT_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

function expectFieldError(response: { statusCode: number; body: unknown }, field: string): void {
  expect(response.statusCode).toBe(400);
  expect(ErrorBodySchema.parse(response.body).errors?.map((entry) => entry.field)).toContain(field);
}

describe('GET /links/{linkId}', () => {
  test('returns the link', async () => {
    const link = await newLink(owner, { url: 'https://example.com/get', title: 'Get me', tags: ['read'] });

    const response = await getLink(owner, link.linkId);

    expect(response.statusCode).toBe(200);
    expect(LinkSchema.parse(response.body)).toEqual(link);
    expect(response.headers['Access-Control-Allow-Origin']).toBe('https://app.example.com');
  });

  test('404 for an id that does not exist', async () => {
    const response = await getLink(owner, ABSENT_ID);

    expect(response.statusCode).toBe(404);
    expect(ErrorBodySchema.parse(response.body).message).toBe('Link not found');
  });

  test('400 naming path.linkId for something that is not a link id', async () => {
    expectFieldError(await getLink(owner, 'not-a-link-id'), 'path.linkId');
  });
});

describe('PUT and DELETE /links/{linkId}/tags/{tag}', () => {
  test('tag then untag: 204s, the link and the counts follow, and both are idempotent', async () => {
    const who = claims.user(randomUUID(), 'tagger');
    const link = await newLink(who, { url: 'https://example.com/tagged' });

    expect((await tagLink(who, link.linkId, 'reading')).statusCode).toBe(204);
    expect((await tagLink(who, link.linkId, 'reading')).statusCode).toBe(204);
    expect((await tagLink(who, link.linkId, 'later')).statusCode).toBe(204);

    expect(LinkSchema.parse((await getLink(who, link.linkId)).body).tags).toEqual(['later', 'reading']);
    expect(await tagCounts(who)).toEqual([
      { tag: 'later', count: 1 },
      { tag: 'reading', count: 1 },
    ]);
    expect((await page(who, { tag: 'reading' })).items.map((item) => item.linkId)).toEqual([link.linkId]);

    expect((await untagLink(who, link.linkId, 'reading')).statusCode).toBe(204);
    expect((await untagLink(who, link.linkId, 'reading')).statusCode).toBe(204);
    expect((await untagLink(who, link.linkId, 'never-had-it')).statusCode).toBe(204);

    expect(LinkSchema.parse((await getLink(who, link.linkId)).body).tags).toEqual(['later']);
    expect(await tagCounts(who)).toEqual([{ tag: 'later', count: 1 }]);
    expect((await page(who, { tag: 'reading' })).items).toEqual([]);
    expect(await table.itemsWithPrefix(who.sub!, 'TAG#reading#')).toEqual([]);
  });

  test('counts add up across links', async () => {
    const who = claims.user(randomUUID(), 'counter');
    const first = await newLink(who, { url: 'https://example.com/c1', tags: ['shared', 'one'] });
    const second = await newLink(who, { url: 'https://example.com/c2', tags: ['shared'] });
    await tagLink(who, second.linkId, 'two');

    expect(await tagCounts(who)).toEqual([
      { tag: 'one', count: 1 },
      { tag: 'shared', count: 2 },
      { tag: 'two', count: 1 },
    ]);

    await untagLink(who, first.linkId, 'shared');
    expect(await tagCounts(who)).toEqual([
      { tag: 'one', count: 1 },
      { tag: 'shared', count: 1 },
      { tag: 'two', count: 1 },
    ]);
  });

  test('404 when the link does not exist', async () => {
    expect((await tagLink(owner, ABSENT_ID, 'x')).statusCode).toBe(404);
    expect((await untagLink(owner, ABSENT_ID, 'x')).statusCode).toBe(404);
    expect(await table.itemsWithPrefix(owner.sub!, `TAG#x#`)).toEqual([]);
  });

  test('400 naming path.tag or path.linkId for malformed parameters', async () => {
    const link = await newLink(owner, { url: 'https://example.com/badtag' });

    expectFieldError(await tagLink(owner, link.linkId, 'Not OK'), 'path.tag');
    expectFieldError(await untagLink(owner, link.linkId, 'x'.repeat(65)), 'path.tag');
    expectFieldError(await tagLink(owner, 'nope', 'fine'), 'path.linkId');
  });

  test(`a ${MAX_TAGS_PER_LINK + 1}st tag is refused, re-adding an existing one is not`, async () => {
    const tags = Array.from({ length: MAX_TAGS_PER_LINK }, (_, i) => `full-${i}`);
    const link = await newLink(owner, { url: 'https://example.com/full', tags });

    expectFieldError(await tagLink(owner, link.linkId, 'one-too-many'), 'path.tag');
    expect((await tagLink(owner, link.linkId, 'full-0')).statusCode).toBe(204);
    expect(LinkSchema.parse((await getLink(owner, link.linkId)).body).tags).toHaveLength(MAX_TAGS_PER_LINK);
  });

  test('concurrent tagging of one link loses no tag and miscounts nothing', async () => {
    const who = claims.user(randomUUID(), 'concurrenttagger');
    const link = await newLink(who, { url: 'https://example.com/busy' });
    const tags = Array.from({ length: 6 }, (_, i) => `c${i}`);

    const responses = await Promise.all([...tags, ...tags].map((tag) => tagLink(who, link.linkId, tag)));

    expect(responses.map((response) => response.statusCode)).toEqual(responses.map(() => 204));
    expect(LinkSchema.parse((await getLink(who, link.linkId)).body).tags).toEqual(tags);
    expect(await tagCounts(who)).toEqual(tags.map((tag) => ({ tag, count: 1 })));
    expect(await table.itemsWithPrefix(who.sub!, 'TAG#')).toHaveLength(tags.length);
  });
});

describe('DELETE /links/{linkId}', () => {
  test('204, then the link, its URL guard, tag associations and counts are gone', async () => {
    const who = claims.user(randomUUID(), 'deleter');
    const keep = await newLink(who, { url: 'https://example.com/keep', tags: ['shared'] });
    const doomed = await newLink(who, { url: 'https://example.com/doomed', tags: ['shared', 'only-doomed'] });
    await tagLink(who, doomed.linkId, 'added-later');

    const response = await deleteLink(who, doomed.linkId);

    expect(response.statusCode).toBe(204);
    expect(response.body).toBeUndefined();
    expect((await getLink(who, doomed.linkId)).statusCode).toBe(404);
    expect((await page(who)).items.map((item) => item.linkId)).toEqual([keep.linkId]);
    expect((await page(who, { tag: 'shared' })).items.map((item) => item.linkId)).toEqual([keep.linkId]);
    expect(await tagCounts(who)).toEqual([{ tag: 'shared', count: 1 }]);
    const remaining = (await table.items(who.sub!)).map((item) => item.sk);
    expect(remaining.filter((sk) => sk.includes(doomed.linkId))).toEqual([]);
    expect(remaining.filter((sk) => sk.startsWith('URL#'))).toHaveLength(1);
  });

  test('the URL can be saved again afterwards, as a new link', async () => {
    const link = await newLink(owner, { url: 'https://example.com/again' });
    await deleteLink(owner, link.linkId);

    const again = await createLink(owner, { url: 'https://example.com/again' });

    expect(again.statusCode).toBe(201);
    expect(LinkSchema.parse(again.body).linkId).not.toBe(link.linkId);
  });

  test('404 for a link that does not exist, including one already deleted', async () => {
    const link = await newLink(owner, { url: 'https://example.com/twice' });

    expect((await deleteLink(owner, link.linkId)).statusCode).toBe(204);
    expect((await deleteLink(owner, link.linkId)).statusCode).toBe(404);
    expect((await deleteLink(owner, ABSENT_ID)).statusCode).toBe(404);
  });

  test('a delete racing tag changes leaves no orphaned association and no stray count', async () => {
    const who = claims.user(randomUUID(), 'racer');
    const link = await newLink(who, { url: 'https://example.com/race', tags: ['base'] });
    const tags = Array.from({ length: 6 }, (_, i) => `r${i}`);

    const results = await Promise.all([
      ...tags.map((tag) => tagLink(who, link.linkId, tag)),
      deleteLink(who, link.linkId),
      ...tags.map((tag) => untagLink(who, link.linkId, tag)),
    ]);

    // Each tag call either ran before the delete (204) or found the link gone (404); nothing else.
    expect(results.every((result) => result.statusCode === 204 || result.statusCode === 404)).toBe(true);
    expect((await getLink(who, link.linkId)).statusCode).toBe(404);
    const remaining = await table.items(who.sub!);
    expect(remaining.filter((item) => !item.sk.startsWith('TAGCOUNT#'))).toEqual([]);
    expect(remaining.map((item) => item.count)).toEqual(remaining.map(() => 0));
    expect(await tagCounts(who)).toEqual([]);
  });
});
