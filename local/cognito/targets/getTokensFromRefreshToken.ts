import { z } from 'zod';
import { refreshed } from '../auth/authenticationResult';
import { assertRefreshFlow } from '../auth/flows';
import { refreshRecord } from '../auth/refreshAuth';
import { safeEqual } from '../crypto';
import { notAuthorized } from '../errors';
import { clientById, poolOf } from '../services';
import { parseRequest, required, stringMap } from '../validation';
import type { Target } from './target';

const Request = z.object({
  RefreshToken: required(),
  ClientId: required(),
  ClientSecret: z.string().optional(),
  DeviceKey: z.string().optional(),
  ClientMetadata: stringMap().optional(),
});

/**
 * GetTokensFromRefreshToken, how Amplify v6 (@aws-amplify/auth 6.14+) refreshes (cognito-client-facts.md §2-3): new
 * ID and access tokens for a refresh token of this client. Without refresh-token rotation (none of these templates
 * turns it on) no new refresh token is returned and the old one stays valid, as REFRESH_TOKEN_AUTH. A client with a
 * secret proves it with ClientSecret (this operation has no SECRET_HASH); DeviceKey is accepted and ignored.
 */
export const getTokensFromRefreshToken: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const client = clientById(s, request.ClientId);
  const pool = poolOf(s, client);
  assertRefreshFlow(client);
  if (client.secret && !(request.ClientSecret && safeEqual(request.ClientSecret, client.secret))) {
    throw notAuthorized(request.ClientSecret ? `Unable to verify secret hash for client ${client.clientId}` : `Client ${client.clientId} is configured with secret but ClientSecret was not received`);
  }
  const { record, user } = refreshRecord(s, pool, client, request.RefreshToken, undefined);
  return { AuthenticationResult: await refreshed(s, pool, client, user, record) };
};
