import { apiHandler } from '../lib/apiHandler';
import { ok } from '../lib/http';
import { ListTagsEventSchema } from '../links/schemas';
import { listTagCounts } from '../links/service';

/** GET /tags: the caller's tags with how many links bear each. */
export const handler = apiHandler(ListTagsEventSchema, async ({ principal }) => ok({ items: await listTagCounts(principal.owner) }));
