import { z } from 'zod';
import { assertSecretHash } from '../auth/secretHash';
import { CognitoError, invalidParameter, messages } from '../errors';
import { clientById, poolOf, stateOf } from '../services';
import { findUser, maskedEmail } from '../users';
import { parseRequest, required, stringMap } from '../validation';
import { issueConfirmationCode } from './signUp';
import type { Target } from './target';

const Request = z.object({
  ClientId: required(),
  Username: required(),
  SecretHash: z.string().optional(),
  AnalyticsMetadata: z.unknown().optional(),
  UserContextData: z.unknown().optional(),
  ClientMetadata: stringMap().optional(),
});

/**
 * ResendConfirmationCode: a new sign-up code for an UNCONFIRMED user (the old one stops working). A confirmed user is
 * InvalidParameterException "User is already confirmed." (amplify-ui#219); with PreventUserExistenceErrors an
 * unknown user gets delivery details that look real and no code.
 */
export const resendConfirmationCode: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const client = clientById(s, request.ClientId);
  const pool = poolOf(s, client);
  const user = findUser(pool, stateOf(s, pool), request.Username);
  assertSecretHash(client, request.SecretHash, [request.Username, user?.username]);
  if (!user) {
    if (client.preventUserExistenceErrors) return { CodeDeliveryDetails: { Destination: maskedEmail(request.Username.includes('@') ? request.Username : 'user@example.com'), DeliveryMedium: 'EMAIL', AttributeName: 'email' } };
    throw new CognitoError('UserNotFoundException', 'Username/client id combination not found.');
  }
  if (user.status !== 'UNCONFIRMED') throw invalidParameter(messages.alreadyConfirmed);
  issueConfirmationCode(s, pool, user);
  s.store.save();
  const to = user.attributes.email ?? user.username;
  return { CodeDeliveryDetails: { Destination: maskedEmail(to), DeliveryMedium: 'EMAIL', AttributeName: 'email' } };
};
