import { z } from 'zod';
import { assertSecretHash } from '../auth/secretHash';
import type { PoolConfig } from '../config';
import { confirmationCode, sha256 } from '../crypto';
import { invalidParameter, messages, notAuthorized, usernameExists } from '../errors';
import { describeDelivery } from '../outbox';
import { assertPasswordAllowed } from '../passwordPolicy';
import { clientById, poolOf, stateOf, type Services } from '../services';
import type { UserRecord } from '../store';
import { composeMessage } from '../custom-message';
import { runLifecycleTrigger } from '../lifecycle-triggers';
import { runPreSignUp } from '../triggers';
import { createUserRecord, findUser, maskedEmail } from '../users';
import { assertUsernameAllowed, attributeTypes, attributesFrom, parseRequest, required, stringMap, usesEmailAsUsername } from '../validation';
import type { Target } from './target';

const Request = z.object({
  ClientId: required(),
  Username: required(),
  Password: required(),
  SecretHash: z.string().optional(),
  UserAttributes: attributeTypes().optional(),
  ValidationData: attributeTypes().optional(),
  ClientMetadata: stringMap().optional(),
});

/** Confirmation codes work for 24 hours, as AWS's do. */
const CODE_VALIDITY_MS = 24 * 3_600_000;

/**
 * SignUp: refused when the pool is admin-only; otherwise the user is UNCONFIRMED with a confirmation code
 * (printed, and emailed to the outbox) unless the PreSignUp trigger auto-confirms them.
 */
export const signUp: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const client = clientById(s, request.ClientId);
  const pool = poolOf(s, client);
  if (pool.adminCreateUserOnly) throw notAuthorized(messages.signUpNotPermitted);
  assertSecretHash(client, request.SecretHash, [request.Username]);
  assertUsernameAllowed(pool, request.Username);
  const attributes = attributesFrom(request.UserAttributes);
  if (usesEmailAsUsername(pool)) delete attributes.email;
  delete attributes.email_verified;
  assertPasswordAllowed(request.Password, pool.passwordPolicy);
  assertAvailable(s, pool, request.Username);

  const user = await createUserRecord(pool, {
    username: request.Username,
    attributes,
    password: request.Password,
    status: 'UNCONFIRMED',
    now: s.clock(),
  });
  const { sub: _sub, email_verified: _verified, ...eventAttributes } = user.attributes;
  const decision = await runPreSignUp(s, pool, {
    triggerSource: 'PreSignUp_SignUp',
    userName: user.username,
    clientId: client.clientId,
    userAttributes: eventAttributes,
    validationData: request.ValidationData ? attributesFrom(request.ValidationData) : undefined,
    clientMetadata: request.ClientMetadata,
  });
  if (decision.autoVerifyEmail) {
    if (!user.attributes.email) throw invalidParameter('Email address is required to auto-verify email');
    user.attributes.email_verified = 'true';
  }
  if (decision.autoConfirmUser) user.status = 'CONFIRMED';

  // The trigger ran asynchronously: someone may have taken the name meanwhile.
  assertAvailable(s, pool, request.Username);
  const code = user.status === 'UNCONFIRMED' ? await issueConfirmationCode(s, pool, user, 'CustomMessage_SignUp', client.clientId) : undefined;
  stateOf(s, pool).users.set(user.username, user);
  s.store.save();
  if (user.status === 'CONFIRMED') {
    await runLifecycleTrigger(s, pool, 'PostConfirmation', { triggerSource: 'PostConfirmation_ConfirmSignUp', user, clientId: client.clientId, clientMetadata: request.ClientMetadata });
  }
  return {
    UserConfirmed: user.status === 'CONFIRMED',
    UserSub: user.attributes.sub,
    ...(code && user.attributes.email
      ? { CodeDeliveryDetails: { Destination: maskedEmail(user.attributes.email), DeliveryMedium: 'EMAIL', AttributeName: 'email' } }
      : {}),
  };
};

function assertAvailable(s: Services, pool: PoolConfig, username: string): void {
  if (findUser(pool, stateOf(s, pool), username)) {
    throw usernameExists(usesEmailAsUsername(pool) ? messages.emailExists : 'User already exists');
  }
}

/**
 * Sets a fresh code on the user and sends it: the confirmation email goes to the outbox, and the code is
 * printed too (a code is not a password: it confirms one sign-up, once, within 24 hours).
 */
export async function issueConfirmationCode(
  s: Services,
  pool: PoolConfig,
  user: UserRecord,
  source: 'CustomMessage_SignUp' | 'CustomMessage_ResendCode' = 'CustomMessage_SignUp',
  clientId?: string,
): Promise<string> {
  const code = confirmationCode();
  user.confirmation = { codeHash: sha256(code), expiresAt: s.clock() + CODE_VALIDITY_MS };
  const to = user.attributes.email ?? user.username;
  const message = await composeMessage(s, pool, { source, user, secret: code, clientId, fallback: (c) => ({ subject: 'Your verification code', body: `Your verification code is ${c}.` }) });
  const delivery = s.outbox.deliver({ kind: 'confirmation-code', to, subject: message.subject, userPoolId: pool.id, body: message.body }, s.clock());
  s.log(`Cognito: confirmation code for ${to} (user pool ${pool.id}; email ${describeDelivery(delivery)}): ${code}`);
  return code;
}
