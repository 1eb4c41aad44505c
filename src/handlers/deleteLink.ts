import { apiHandler } from '../lib/apiHandler';
import { noContent } from '../lib/http';
import { LinkEventSchema } from '../links/schemas';
import { deleteLink } from '../links/service';

/** DELETE /links/{linkId}: the link, its tag associations and counts, atomically. */
export const handler = apiHandler(LinkEventSchema, async ({ event, principal }) => {
  await deleteLink(principal.owner, event.pathParameters.linkId);
  return noContent();
});
