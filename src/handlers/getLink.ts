import { apiHandler } from '../lib/apiHandler';
import { ok } from '../lib/http';
import { LinkEventSchema } from '../links/schemas';
import { findLink } from '../links/service';

/** GET /links/{linkId}: another owner's link is as absent as a missing one (404). */
export const handler = apiHandler(LinkEventSchema, async ({ event, principal }) =>
  ok(await findLink(principal.owner, event.pathParameters.linkId)),
);
