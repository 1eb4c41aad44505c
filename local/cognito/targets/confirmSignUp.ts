import { z } from 'zod';
import { userOperation } from '../auth/userOperation';
import { safeEqual, sha256 } from '../crypto';
import { codeMismatch, CognitoError, expiredCode, messages, notAuthorized } from '../errors';
import { runLifecycleTrigger } from '../lifecycle-triggers';
import { parseRequest, required, stringMap, userOperationRequest } from '../validation';
import type { Target } from './target';

const Request = userOperationRequest().extend({ ConfirmationCode: required(), ForceAliasCreation: z.boolean().optional(), ClientMetadata: stringMap().optional() });

/**
 * ConfirmSignUp with the emailed (here: printed, and in the outbox) code. Confirming by email code also
 * verifies the email when the pool auto-verifies it. With PreventUserExistenceErrors an unknown user gets
 * CodeMismatchException, as AWS documents, instead of revealing that the user does not exist.
 */
export const confirmSignUp: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { client, pool, user } = userOperation(s, request);
  if (!user) {
    // (AWS) the pre-PreventUserExistenceErrors answer for an unknown user.
    throw client.preventUserExistenceErrors ? codeMismatch() : new CognitoError('UserNotFoundException', 'Username/client id combination not found.');
  }
  if (user.status !== 'UNCONFIRMED') throw notAuthorized(messages.cannotConfirm(user.status));
  const pending = user.confirmation;
  if (!pending || !safeEqual(sha256(request.ConfirmationCode.trim()), pending.codeHash)) throw codeMismatch();
  if (pending.expiresAt <= s.clock()) throw expiredCode();

  user.status = 'CONFIRMED';
  delete user.confirmation;
  if (pool.autoVerifiedAttributes.includes('email') && user.attributes.email) user.attributes.email_verified = 'true';
  user.updatedAt = s.clock();
  s.store.save();
  await runLifecycleTrigger(s, pool, 'PostConfirmation', { triggerSource: 'PostConfirmation_ConfirmSignUp', user, clientId: client.clientId, clientMetadata: request.ClientMetadata });
  return {};
};
