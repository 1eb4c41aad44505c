import { decodeCursor, encodeCursor } from '../../src/links/cursor';
import { BadRequestError } from '../../src/lib/errors';
import { LinkIdSchema, TagSchema } from '../../src/links/schemas';

const position = LinkIdSchema.parse('01JD5Q8Z3N4V6W7X8Y9Z0ABCDE');
const owner = 'owner-1';
const news = TagSchema.parse('news');
const asLinkId = (text: string) => LinkIdSchema.safeParse(text).data;
const asTag = (text: string) => TagSchema.safeParse(text).data;
const links = (tag?: typeof news) => ({ listing: 'links', owner, tag }) as const;
const tags = { listing: 'tags', owner } as const;

beforeEach(() => {
  process.env.CURSOR_KEY = 'cursor-key-for-unit-tests';
});

function expectRefused(action: () => unknown): void {
  expect(action).toThrow(BadRequestError);
  try {
    action();
  } catch (error) {
    expect((error as BadRequestError).errors).toEqual([{ field: 'query.cursor', message: expect.any(String) }]);
  }
}

describe('pagination cursors', () => {
  test('round-trip within their scope', () => {
    expect(decodeCursor(encodeCursor(position, links()), links(), asLinkId)).toBe(position);
    expect(decodeCursor(encodeCursor(position, links(news)), links(news), asLinkId)).toBe(position);
  });

  test('are opaque: the owner and the key appear nowhere in them', () => {
    const cursor = encodeCursor(position, links(news));
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(owner);
    expect(Buffer.from(cursor.split('.')[0]!, 'base64url').toString()).toBe(position);
  });

  test('are refused for another owner, another filter, or no filter', () => {
    const cursor = encodeCursor(position, links(news));
    expectRefused(() => decodeCursor(cursor, { ...links(news), owner: 'owner-2' }, asLinkId));
    expectRefused(() => decodeCursor(cursor, links(TagSchema.parse('sport')), asLinkId));
    expectRefused(() => decodeCursor(cursor, links(), asLinkId));
  });

  test('depend on the key: a new CURSOR_KEY voids old cursors', () => {
    const cursor = encodeCursor(position, links());
    process.env.CURSOR_KEY = 'rotated';
    expectRefused(() => decodeCursor(cursor, links(), asLinkId));
  });

  test('a genuine MAC over a position that is not an id of the listing is still refused', () => {
    expectRefused(() => decodeCursor(encodeCursor('LINK#whatever', links()), links(), asLinkId));
  });

  test('tag-count cursors round-trip, and neither listing accepts the other\'s cursors', () => {
    const afterNews = encodeCursor(news, tags);
    expect(decodeCursor(afterNews, tags, asTag)).toBe(news);
    expectRefused(() => decodeCursor(encodeCursor(position, links()), tags, asTag));
    expectRefused(() => decodeCursor(afterNews, links(), asLinkId));
    expectRefused(() => decodeCursor(afterNews, { ...tags, owner: 'owner-2' }, asTag));
  });

  test('a missing CURSOR_KEY is a server fault, not the caller\'s', () => {
    delete process.env.CURSOR_KEY;
    expect(() => encodeCursor(position, links())).toThrow(/CURSOR_KEY/);
  });
});
