import { z } from 'zod';
import { adminUser } from '../auth/userOperation';
import { invalidParameter, messages } from '../errors';
import { parseRequest, required, stringMap } from '../validation';
import { sendResetCode } from './forgotPassword';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), Username: required(), ClientMetadata: stringMap().optional() });

/**
 * AdminResetUserPassword: the current password stops working (RESET_REQUIRED: sign-in answers
 * PasswordResetRequiredException) and a reset code goes to the user's verified email, for ConfirmForgotPassword.
 */
export const adminResetUserPassword: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { pool, user } = adminUser(s, request);
  const email = user.attributes.email;
  if (!email || user.attributes.email_verified !== 'true') throw invalidParameter(messages.noVerifiedContact);
  user.status = 'RESET_REQUIRED';
  user.updatedAt = s.clock();
  await sendResetCode(s, pool, user, email);
  s.store.save();
  return {};
};
