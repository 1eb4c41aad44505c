import { z } from 'zod';
import { AUTH_FLOWS, assertRefreshFlow, assertSrpFlow, assertUserPasswordFlow, notEmulated } from '../auth/flows';
import { passwordAuth } from '../auth/passwordAuth';
import { refreshAuth } from '../auth/refreshAuth';
import { srpChallenge } from '../auth/srpAuth';
import { invalidParameter } from '../errors';
import { clientById, poolOf } from '../services';
import { parseRequest, required, requireParameter, stringMap } from '../validation';
import type { Target } from './target';

const Request = z.object({
  AuthFlow: z.enum(AUTH_FLOWS),
  ClientId: required(),
  AuthParameters: stringMap().optional(),
  ClientMetadata: stringMap().optional(),
});

/** InitiateAuth: USER_SRP_AUTH, USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH (alias REFRESH_TOKEN). */
export const initiateAuth: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const client = clientById(s, request.ClientId);
  const pool = poolOf(s, client);
  const parameters = request.AuthParameters;
  switch (request.AuthFlow) {
    case 'USER_SRP_AUTH':
      assertSrpFlow(client);
      return srpChallenge(s, pool, client, parameters);
    case 'USER_PASSWORD_AUTH':
      assertUserPasswordFlow(client);
      return passwordAuth(s, pool, client, parameters);
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN':
      assertRefreshFlow(client);
      return refreshAuth(s, pool, client, parameters, requireParameter(parameters, 'REFRESH_TOKEN'));
    case 'ADMIN_USER_PASSWORD_AUTH':
    case 'ADMIN_NO_SRP_AUTH':
      // (AWS) the admin flows belong to AdminInitiateAuth.
      throw invalidParameter('Initiate Auth method not supported.');
    default:
      return notEmulated(request.AuthFlow);
  }
};
