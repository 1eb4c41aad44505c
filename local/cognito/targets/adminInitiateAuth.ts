import { z } from 'zod';
import { AUTH_FLOWS, assertAdminPasswordFlow, assertRefreshFlow, notEmulated } from '../auth/flows';
import { passwordAuth } from '../auth/passwordAuth';
import { refreshAuth } from '../auth/refreshAuth';
import { invalidParameter } from '../errors';
import { clientOfPool, poolById } from '../services';
import { parseRequest, required, requireParameter, stringMap } from '../validation';
import type { Target } from './target';

const Request = z.object({
  UserPoolId: required(),
  ClientId: required(),
  AuthFlow: z.enum(AUTH_FLOWS),
  AuthParameters: stringMap().optional(),
  ClientMetadata: stringMap().optional(),
});

/** AdminInitiateAuth (IAM-authorized): ADMIN_USER_PASSWORD_AUTH, its old name ADMIN_NO_SRP_AUTH, and refresh. */
export const adminInitiateAuth: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const client = clientOfPool(s, request.UserPoolId, request.ClientId);
  const pool = poolById(s, request.UserPoolId);
  const parameters = request.AuthParameters;
  switch (request.AuthFlow) {
    case 'ADMIN_USER_PASSWORD_AUTH':
    case 'ADMIN_NO_SRP_AUTH':
      assertAdminPasswordFlow(client);
      return passwordAuth(s, pool, client, parameters);
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN':
      assertRefreshFlow(client);
      return refreshAuth(s, pool, client, parameters, requireParameter(parameters, 'REFRESH_TOKEN'));
    case 'USER_PASSWORD_AUTH':
      // (AWS) the client-side password flow belongs to InitiateAuth.
      throw invalidParameter('Initiate Auth method not supported.');
    default:
      return notEmulated(request.AuthFlow);
  }
};
