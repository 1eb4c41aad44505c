import { apiHandler } from '../lib/apiHandler';
import { ok } from '../lib/http';
import { identityFromClaims } from '../lib/principal';
import { MeEventSchema } from '../links/schemas';

/** GET /me: who the ID token says the caller is. Touches no table. */
export const handler = apiHandler(MeEventSchema, async ({ event }) => ok(identityFromClaims(event.requestContext.authorizer.claims)));
