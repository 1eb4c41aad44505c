import { userOperation } from '../auth/userOperation';
import { CognitoError, invalidParameter, messages } from '../errors';
import { emailDelivery, simulatedDelivery } from '../users';
import { parseRequest, userOperationRequest } from '../validation';
import { issueConfirmationCode } from './signUp';
import type { Target } from './target';

const Request = userOperationRequest();

/**
 * ResendConfirmationCode: a new sign-up code for an UNCONFIRMED user (the old one stops working). A confirmed user is
 * InvalidParameterException "User is already confirmed." (amplify-ui#219); with PreventUserExistenceErrors an
 * unknown user gets delivery details that look real and no code.
 */
export const resendConfirmationCode: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { client, pool, user } = userOperation(s, request);
  if (!user) {
    if (client.preventUserExistenceErrors) return { CodeDeliveryDetails: simulatedDelivery(request.Username) };
    throw new CognitoError('UserNotFoundException', 'Username/client id combination not found.');
  }
  if (user.status !== 'UNCONFIRMED') throw invalidParameter(messages.alreadyConfirmed);
  await issueConfirmationCode(s, pool, user, 'CustomMessage_ResendCode');
  s.store.save();
  return { CodeDeliveryDetails: emailDelivery(user.attributes.email ?? user.username) };
};
