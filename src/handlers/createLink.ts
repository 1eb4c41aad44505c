import { apiHandler } from '../lib/apiHandler';
import { created, memberLocation, ok } from '../lib/http';
import { CreateLinkEventSchema } from '../links/schemas';
import { saveLink } from '../links/service';

/** POST /links: 201 with the new link, or 200 with the link the caller already saved under that URL. */
export const handler = apiHandler(CreateLinkEventSchema, async ({ event, principal }) => {
  const saved = await saveLink(principal.owner, event.body);
  return saved.created ? created(saved.link, memberLocation(event.requestContext.path, saved.link.linkId)) : ok(saved.link);
});
