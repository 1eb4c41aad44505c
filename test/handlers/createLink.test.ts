import { randomUUID } from 'node:crypto';
import { handler as createLink } from '../../src/handlers/createLink';
import { ErrorBodySchema, LinkSchema, MAX_TAGS_PER_LINK } from '../../src/links/schemas';
import { useLinksTable } from '../data/linksTable';
import { apiEvent, claims, invoke, type Claims } from '../support/apiEvent';

const table = useLinksTable('create');
const alice = claims.user('8c1f6c0e-5a4f-4c1e-9b8a-2f1d3e4c5b6a', 'alice');

function post(body: unknown, who: Claims = alice) {
  return invoke(createLink, apiEvent({ method: 'POST', resource: '/links', claims: who, body }));
}

describe('POST /links', () => {
  test('creates a link: 201, Location, CORS, the stored link in the body', async () => {
    const before = Date.now();
    const response = await post({ url: 'https://example.com/a', title: 'Example A', tags: ['news'] });
    const after = Date.now();

    expect(response.statusCode).toBe(201);
    const link = LinkSchema.parse(response.body);
    expect(link).toMatchObject({ url: 'https://example.com/a', title: 'Example A', tags: ['news'] });
    expect(response.headers.Location).toBe(`/v1/links/${link.linkId}`);
    expect(response.headers['Access-Control-Allow-Origin']).toBe('https://app.example.com');
    expect(response.headers['Content-Type']).toBe('application/json');
    expect(Date.parse(link.createdAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(link.createdAt)).toBeLessThanOrEqual(after);
  });

  test('omits the title when none is given and normalises the URL', async () => {
    const response = await post({ url: 'HTTPS://Example.COM' });

    expect(response.statusCode).toBe(201);
    const link = LinkSchema.parse(response.body);
    expect(link.url).toBe('https://example.com/');
    expect(link).not.toHaveProperty('title');
    expect(link.tags).toEqual([]);
  });

  test('collapses repeated tags and counts each once', async () => {
    const response = await post({ url: 'https://example.com/tags', tags: ['b-tag', 'a_tag', 'b-tag'] });

    expect(response.statusCode).toBe(201);
    const link = LinkSchema.parse(response.body);
    expect(link.tags).toEqual(['a_tag', 'b-tag']);
    const taggings = await table.itemsWithPrefix(alice.sub!, 'TAG#');
    expect(taggings.filter((item) => item.linkId === link.linkId).map((item) => item.sk)).toEqual([
      `TAG#a_tag#${link.linkId}`,
      `TAG#b-tag#${link.linkId}`,
    ]);
    const counts = await table.itemsWithPrefix(alice.sub!, 'TAGCOUNT#');
    expect(counts.filter((item) => item.tag !== 'news').map((item) => [item.tag, item.count])).toEqual([
      ['a_tag', 1],
      ['b-tag', 1],
    ]);
  });

  test('the same URL saved again returns the existing link with 200, whatever its spelling', async () => {
    const first = await post({ url: 'https://example.com/dedupe?q=1', title: 'first' });
    const again = await post({ url: 'https://example.com/dedupe?q=1', title: 'second' });
    const respelled = await post({ url: 'HTTPS://EXAMPLE.com:443/dedupe?q=1' });

    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(respelled.statusCode).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(respelled.body).toEqual(first.body);
    expect(again.headers.Location).toBeUndefined();
    const links = await table.itemsWithPrefix(alice.sub!, 'LINK#');
    expect(links.filter((item) => item.url === 'https://example.com/dedupe?q=1')).toHaveLength(1);
  });

  test('ten concurrent saves of one URL make exactly one link and one URL item', async () => {
    const owner = claims.user(randomUUID(), 'racer');
    const url = 'https://example.com/concurrent';

    const responses = await Promise.all(Array.from({ length: 10 }, () => post({ url, tags: ['race'] }, owner)));

    expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const linkIds = new Set(responses.map((response) => LinkSchema.parse(response.body).linkId));
    expect(linkIds.size).toBe(1);
    expect(await table.itemsWithPrefix(owner.sub!, 'LINK#')).toHaveLength(1);
    expect(await table.itemsWithPrefix(owner.sub!, 'URL#')).toHaveLength(1);
    expect(await table.itemsWithPrefix(owner.sub!, 'TAG#')).toHaveLength(1);
    const [count] = await table.itemsWithPrefix(owner.sub!, 'TAGCOUNT#');
    expect(count?.count).toBe(1);
  });

  test('two owners saving one URL get two separate links', async () => {
    const bob = claims.user('2b7d9e1f-0a3c-4d5e-8f9a-1b2c3d4e5f60', 'bob');
    const url = 'https://example.com/shared';

    const forAlice = await post({ url }, alice);
    const forBob = await post({ url }, bob);

    expect(forAlice.statusCode).toBe(201);
    expect(forBob.statusCode).toBe(201);
    expect(LinkSchema.parse(forAlice.body).linkId).not.toBe(LinkSchema.parse(forBob.body).linkId);
  });

  const tooManyTags = Array.from({ length: MAX_TAGS_PER_LINK + 1 }, (_, i) => `tag-${i}`);
  test.each([
    ['a URL that does not parse', { url: 'not a url' }, 'body.url'],
    ['an ftp URL', { url: 'ftp://example.com/file' }, 'body.url'],
    ['a javascript: URL', { url: 'javascript:alert(1)' }, 'body.url'],
    ['a URL carrying a password', { url: 'https://user:secret@example.com/' }, 'body.url'],
    ['a URL carrying a user name', { url: 'https://user@example.com/' }, 'body.url'],
    ['a title with a lone surrogate', { url: 'https://example.com/x', title: 'a\ud800b' }, 'body.title'],
    ['a URL over 2048 characters', { url: `https://example.com/${'a'.repeat(2029)}` }, 'body.url'],
    ['a URL over 2048 characters once normalised', { url: `https://example.com/${' '.repeat(1000)}x` }, 'body.url'],
    ['a missing url', { title: 'no url' }, 'body.url'],
    ['a url that is not a string', { url: 42 }, 'body.url'],
    ['an upper-case tag', { url: 'https://example.com/x', tags: ['News'] }, 'body.tags[0]'],
    ['a tag with a space', { url: 'https://example.com/x', tags: ['ok', 'not ok'] }, 'body.tags[1]'],
    ['a tag over 64 characters', { url: 'https://example.com/x', tags: ['t'.repeat(65)] }, 'body.tags[0]'],
    ['21 distinct tags', { url: 'https://example.com/x', tags: tooManyTags }, 'body.tags'],
    ['tags that are not a list', { url: 'https://example.com/x', tags: 'news' }, 'body.tags'],
    ['a title over 300 characters', { url: 'https://example.com/x', title: 't'.repeat(301) }, 'body.title'],
    ['a blank title', { url: 'https://example.com/x', title: '   ' }, 'body.title'],
    ['an unknown field', { url: 'https://example.com/x', owner: 'someone-else' }, 'body.owner'],
    ['a body that is not JSON', 'url=https://example.com', 'body'],
    ['a JSON array', [{ url: 'https://example.com/x' }], 'body'],
    ['JSON null', 'null', 'body'],
    ['no body at all', undefined, 'body'],
  ])('400 naming the field for %s', async (name, body, field) => {
    const owner = claims.user(randomUUID(), `validation-${name.replace(/\W+/g, '-')}`);

    const response = await post(body, owner);

    expect(response.statusCode).toBe(400);
    const error = ErrorBodySchema.parse(response.body);
    expect(error.errors?.map((entry) => entry.field)).toContain(field);
    expect(await table.items(owner.sub!)).toEqual([]);
  });

  test('the URL limit is inclusive: exactly 2048 characters is accepted', async () => {
    const url = `https://example.com/${'a'.repeat(2048 - 'https://example.com/'.length)}`;
    expect(url).toHaveLength(2048);

    const response = await post({ url });

    expect(response.statusCode).toBe(201);
  });

  test('20 tags and a 300-character title are accepted', async () => {
    const tags = Array.from({ length: MAX_TAGS_PER_LINK }, (_, i) => `t${i}`);

    const response = await post({ url: 'https://example.com/max', title: 't'.repeat(300), tags: [...tags, 't0'] });

    expect(response.statusCode).toBe(201);
    expect(LinkSchema.parse(response.body).tags).toHaveLength(MAX_TAGS_PER_LINK);
  });
});
