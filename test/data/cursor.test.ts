import { decodeCursor, encodeCursor } from '../../src/links/cursor';
import { BadRequestError } from '../../src/lib/errors';
import { LinkIdSchema, TagSchema } from '../../src/links/schemas';

const position = LinkIdSchema.parse('01JD5Q8Z3N4V6W7X8Y9Z0ABCDE');
const owner = 'owner-1';
const news = TagSchema.parse('news');

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
    expect(decodeCursor(encodeCursor(position, { owner, tag: undefined }), { owner, tag: undefined })).toBe(position);
    expect(decodeCursor(encodeCursor(position, { owner, tag: news }), { owner, tag: news })).toBe(position);
  });

  test('are opaque: the owner and the key appear nowhere in them', () => {
    const cursor = encodeCursor(position, { owner, tag: news });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(owner);
    expect(Buffer.from(cursor.split('.')[0]!, 'base64url').toString()).toBe(position);
  });

  test('are refused for another owner, another filter, or no filter', () => {
    const cursor = encodeCursor(position, { owner, tag: news });
    expectRefused(() => decodeCursor(cursor, { owner: 'owner-2', tag: news }));
    expectRefused(() => decodeCursor(cursor, { owner, tag: TagSchema.parse('sport') }));
    expectRefused(() => decodeCursor(cursor, { owner, tag: undefined }));
  });

  test('depend on the key: a new CURSOR_KEY voids old cursors', () => {
    const cursor = encodeCursor(position, { owner, tag: undefined });
    process.env.CURSOR_KEY = 'rotated';
    expectRefused(() => decodeCursor(cursor, { owner, tag: undefined }));
  });

  test('a MAC over something that is not a link id is still refused', () => {
    // Mint a "valid" cursor for a non-id position by abusing the encoder's own MAC.
    const validForId = encodeCursor(position, { owner, tag: undefined });
    const foreignPosition = Buffer.from('LINK#whatever').toString('base64url');
    expectRefused(() => decodeCursor(`${foreignPosition}.${validForId.split('.')[1]}`, { owner, tag: undefined }));
  });

  test('a missing CURSOR_KEY is a server fault, not the caller\'s', () => {
    delete process.env.CURSOR_KEY;
    expect(() => encodeCursor(position, { owner, tag: undefined })).toThrow(/CURSOR_KEY/);
  });
});
