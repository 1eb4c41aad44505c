import { userOperation } from '../auth/userOperation';
import type { PoolConfig } from '../config';
import { confirmationCode, sha256 } from '../crypto';
import { invalidParameter, messages, notAuthorized, userNotFound } from '../errors';
import { describeDelivery } from '../outbox';
import type { Services } from '../services';
import type { UserRecord } from '../store';
import { emailDelivery, simulatedDelivery } from '../users';
import { parseRequest, userOperationRequest } from '../validation';
import { composeMessage } from '../custom-message';
import type { Target } from './target';

const Request = userOperationRequest();

/** A password reset code is good for an hour (Cognito developer guide, "Recovering user accounts"). */
const RESET_CODE_VALIDITY_MS = 3_600_000;

/**
 * ForgotPassword (cognito-client-facts.md §3): a code to the user's verified email (here: the outbox, and the
 * console names it), then ConfirmForgotPassword. The user may be named by their email (an alias). No verified email:
 * InvalidParameterException; disabled: "User is disabled."; with PreventUserExistenceErrors an unknown or disabled
 * user gets delivery details that look real and no code.
 */
export const forgotPassword: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { client, pool, user } = userOperation(s, request);
  if (!user || !user.enabled) {
    if (client.preventUserExistenceErrors) return { CodeDeliveryDetails: simulatedDelivery(request.Username) };
    throw user ? notAuthorized(messages.userDisabled) : userNotFound();
  }
  const email = user.attributes.email;
  if (!email || user.attributes.email_verified !== 'true') throw invalidParameter(messages.noVerifiedContact);
  await sendResetCode(s, pool, user, email);
  s.store.save();
  return { CodeDeliveryDetails: emailDelivery(email) };
};

/** Sets a fresh password reset code on the user and sends it (ForgotPassword, AdminResetUserPassword). */
export async function sendResetCode(s: Services, pool: PoolConfig, user: UserRecord, email: string): Promise<void> {
  const code = confirmationCode();
  user.passwordReset = { codeHash: sha256(code), expiresAt: s.clock() + RESET_CODE_VALIDITY_MS, failures: 0 };
  const message = await composeMessage(s, pool, { source: 'CustomMessage_ForgotPassword', user, secret: code, fallback: (c) => ({ subject: 'Your verification code', body: `Your password reset code is ${c}.` }) });
  const delivery = s.outbox.deliver({ kind: 'password-reset-code', to: email, subject: message.subject, userPoolId: pool.id, body: message.body }, s.clock());
  // A code is not a password: it resets one password, once, within the hour.
  s.log(`Cognito: password reset code for ${email} (user pool ${pool.id}; email ${describeDelivery(delivery)}): ${code}`);
}
