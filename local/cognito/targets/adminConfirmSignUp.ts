import { z } from 'zod';
import { adminUser } from '../auth/userOperation';
import { messages, notAuthorized } from '../errors';
import { runLifecycleTrigger } from '../lifecycle-triggers';
import { parseRequest, required, stringMap } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), Username: required(), ClientMetadata: stringMap().optional() });

/**
 * AdminConfirmSignUp: UNCONFIRMED → CONFIRMED, no code. It does not verify the email (no code reached
 * it). Any other status is refused with NotAuthorizedException "User cannot be confirmed. Current status
 * is <STATUS>" — the wording AWS gives for confirming an already-CONFIRMED user
 * (furaiev/amazon-cognito-identity-dart-2#80), so a second call fails instead of silently succeeding.
 */
export const adminConfirmSignUp: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { pool, user } = adminUser(s, request);
  if (user.status !== 'UNCONFIRMED') throw notAuthorized(messages.cannotConfirm(user.status));
  user.status = 'CONFIRMED';
  delete user.confirmation;
  user.updatedAt = s.clock();
  s.store.save();
  await runLifecycleTrigger(s, pool, 'PostConfirmation', { triggerSource: 'PostConfirmation_ConfirmSignUp', user, clientMetadata: request.ClientMetadata });
  return {};
};
