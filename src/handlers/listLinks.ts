import { apiHandler } from '../lib/apiHandler';
import { ok } from '../lib/http';
import { ListLinksEventSchema } from '../links/schemas';
import { listLinks } from '../links/service';

/** GET /links?tag=&limit=&cursor=: the caller's links, newest first. */
export const handler = apiHandler(ListLinksEventSchema, async ({ event, principal }) =>
  ok(await listLinks(principal.owner, event.queryStringParameters)),
);
