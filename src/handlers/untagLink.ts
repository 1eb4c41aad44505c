import { apiHandler } from '../lib/apiHandler';
import { noContent } from '../lib/http';
import { LinkTagEventSchema } from '../links/schemas';
import { untagLink } from '../links/service';

/** DELETE /links/{linkId}/tags/{tag}: idempotent. */
export const handler = apiHandler(LinkTagEventSchema, async ({ event, principal }) => {
  await untagLink(principal.owner, event.pathParameters.linkId, event.pathParameters.tag);
  return noContent();
});
