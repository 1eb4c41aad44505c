import { apiHandler } from '../lib/apiHandler';
import { ok } from '../lib/http';
import { ListTagsEventSchema } from '../links/schemas';
import { listTagCounts } from '../links/service';

/** GET /tags?limit=&cursor=: the caller's tags in name order with how many links bear each. */
export const handler = apiHandler(ListTagsEventSchema, async ({ event, principal }) =>
  ok(await listTagCounts(principal.owner, event.queryStringParameters)),
);
