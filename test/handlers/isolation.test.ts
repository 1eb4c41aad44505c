import { MACHINE_OWNER } from '../../src/lib/principal';
import { ErrorBodySchema, LinkSchema } from '../../src/links/schemas';
import { useLinksTable } from '../data/linksTable';
import { claims } from '../support/apiEvent';
import { createLink, deleteLink, getLink, newLink, page, tagCounts, tagLink, untagLink } from './api';

const table = useLinksTable('isolation');

// Owners are told apart by `sub` only: a user, and a machine client, which must not see each other's data.
const ownerA = claims.user('11111111-2222-4333-8444-555555555555', 'alice');
const ownerB = claims.machine();

describe('owner isolation', () => {
  let linkOfA: ReturnType<typeof LinkSchema.parse>;

  beforeAll(async () => {
    linkOfA = await newLink(ownerA, { url: 'https://example.com/private', tags: ['secret'] });
  });

  test('B gets 404, not 403, for A\'s link on every route, and nothing changes', async () => {
    const responses = [
      await getLink(ownerB, linkOfA.linkId),
      await deleteLink(ownerB, linkOfA.linkId),
      await tagLink(ownerB, linkOfA.linkId, 'hijack'),
      await untagLink(ownerB, linkOfA.linkId, 'secret'),
    ];

    expect(responses.map((response) => response.statusCode)).toEqual([404, 404, 404, 404]);
    expect(responses.map((response) => ErrorBodySchema.parse(response.body).message)).toEqual(responses.map(() => 'Link not found'));
    expect(LinkSchema.parse((await getLink(ownerA, linkOfA.linkId)).body)).toEqual(linkOfA);
    expect(await tagCounts(ownerA)).toEqual([{ tag: 'secret', count: 1 }]);
  });

  test('B sees none of A\'s links or tags', async () => {
    expect(await page(ownerB)).toEqual({ items: [], nextCursor: null });
    expect(await page(ownerB, { tag: 'secret' })).toEqual({ items: [], nextCursor: null });
    expect(await tagCounts(ownerB)).toEqual([]);
  });

  test('the same URL saved by B is B\'s own new link, and A\'s is untouched', async () => {
    const response = await createLink(ownerB, { url: linkOfA.url });

    expect(response.statusCode).toBe(201);
    expect(LinkSchema.parse(response.body).linkId).not.toBe(linkOfA.linkId);
    expect((await page(ownerA)).items).toEqual([linkOfA]);
  });

  test('B\'s writes land only in B\'s partition', async () => {
    // B is a machine client: its links belong to the API's one machine owner.
    const itemsOfB = await table.items(MACHINE_OWNER);
    expect(itemsOfB.length).toBeGreaterThan(0);
    expect(itemsOfB.every((item) => item.pk === `OWNER#${MACHINE_OWNER}`)).toBe(true);
    expect((await table.items(ownerA.sub!)).some((item) => item.sk.startsWith('TAG#hijack'))).toBe(false);
  });
});
