import { apiHandler } from '../lib/apiHandler';
import { noContent } from '../lib/http';
import { LinkTagEventSchema } from '../links/schemas';
import { tagLink } from '../links/service';

/** PUT /links/{linkId}/tags/{tag}: idempotent. */
export const handler = apiHandler(LinkTagEventSchema, async ({ event, principal }) => {
  await tagLink(principal.owner, event.pathParameters.linkId, event.pathParameters.tag);
  return noContent();
});
