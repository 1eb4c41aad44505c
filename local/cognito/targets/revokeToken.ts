import { z } from 'zod';
import { revokeRefreshToken } from '../auth/revocation';
import { safeEqual } from '../crypto';
import { unauthorized, unsupportedOperation, unsupportedTokenType } from '../errors';
import { clientById } from '../services';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ Token: required(), ClientId: required(), ClientSecret: z.string().optional() });

/**
 * RevokeToken: revokes a refresh token and the access tokens minted from it. Uses the error types AWS's
 * model declares for it (UnauthorizedException, UnsupportedOperationException,
 * UnsupportedTokenTypeException); the messages are the local Cognito's own.
 */
export const revokeToken: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const client = clientById(s, request.ClientId);
  if (client.secret && !(request.ClientSecret && safeEqual(request.ClientSecret, client.secret))) {
    throw unauthorized(`Client ${client.clientId} has a secret: a valid ClientSecret is required`);
  }
  switch (revokeRefreshToken(s, client, request.Token)) {
    case 'disabled':
      throw unsupportedOperation(`Token revocation is not enabled for client ${client.clientId} (EnableTokenRevocation)`);
    case 'not-a-refresh-token':
      throw unsupportedTokenType('Only refresh tokens can be revoked');
    case 'other-client':
      throw unauthorized(`The token was not issued to client ${client.clientId}`);
    case 'unknown':
    case 'revoked':
      return {};
  }
};
