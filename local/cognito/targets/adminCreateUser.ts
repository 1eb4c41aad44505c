import { z } from 'zod';
import type { PoolConfig } from '../config';
import { CognitoError, messages, usernameExists, userNotFound } from '../errors';
import { describeDelivery } from '../outbox';
import { assertPasswordAllowed, temporaryPassword } from '../passwordPolicy';
import { poolById, stateOf, type Services } from '../services';
import type { UserRecord } from '../store';
import { runPreSignUp } from '../triggers';
import { createUserRecord, findUser, setPassword, userType } from '../users';
import { assertUsernameAllowed, attributeTypes, attributesFrom, parseRequest, required, stringMap, usesEmailAsUsername } from '../validation';
import { composeMessage } from '../custom-message';
import type { Target } from './target';

const Request = z.object({
  UserPoolId: required(),
  Username: required(),
  UserAttributes: attributeTypes().optional(),
  ValidationData: attributeTypes().optional(),
  TemporaryPassword: z.string().optional(),
  ForceAliasCreation: z.boolean().optional(),
  MessageAction: z.enum(['RESEND', 'SUPPRESS']).optional(),
  DesiredDeliveryMediums: z.array(z.enum(['SMS', 'EMAIL'])).optional(),
  ClientMetadata: stringMap().optional(),
});

/**
 * AdminCreateUser: a FORCE_CHANGE_PASSWORD user with a temporary password valid for the pool's
 * TemporaryPasswordValidityDays. Unless MessageAction is SUPPRESS, the invitation goes to the outbox (the
 * email's stand-in) with a generated password; no password is ever printed. The PreSignUp
 * trigger runs with triggerSource PreSignUp_AdminCreateUser; AWS ignores its auto-confirm answer here.
 */
export const adminCreateUser: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const pool = poolById(s, request.UserPoolId);
  const state = stateOf(s, pool);
  const existing = findUser(pool, state, request.Username);
  if (request.MessageAction === 'RESEND') return { User: userType(await resend(s, pool, existing, request.TemporaryPassword)) };
  assertUsernameAllowed(pool, request.Username);
  if (existing) throw usernameExists(messages.userAccountExists);
  const attributes = attributesFrom(request.UserAttributes);
  if (usesEmailAsUsername(pool)) delete attributes.email;
  const password = request.TemporaryPassword ?? temporaryPassword(pool.passwordPolicy);
  if (request.TemporaryPassword !== undefined) assertPasswordAllowed(password, pool.passwordPolicy, 'temporaryPassword');

  const now = s.clock();
  const user = await createUserRecord(pool, { username: request.Username, attributes, password, status: 'FORCE_CHANGE_PASSWORD', now });
  user.temporaryPasswordExpiresAt = now + pool.passwordPolicy.temporaryPasswordValidityDays * 86_400_000;
  const { sub: _sub, ...eventAttributes } = user.attributes;
  await runPreSignUp(s, pool, {
    triggerSource: 'PreSignUp_AdminCreateUser',
    userName: user.username,
    userAttributes: eventAttributes,
    validationData: request.ValidationData ? attributesFrom(request.ValidationData) : undefined,
    clientMetadata: request.ClientMetadata,
  });
  if (findUser(pool, state, request.Username)) throw usernameExists(messages.userAccountExists);
  state.users.set(user.username, user);
  s.store.save();
  await invite(s, pool, user, request.TemporaryPassword === undefined ? password : undefined, request.MessageAction);
  return { User: userType(user) };
};

/** MessageAction RESEND: a new temporary password (and validity) for a user who has not signed in yet. */
async function resend(s: Services, pool: PoolConfig, user: UserRecord | undefined, chosen: string | undefined): Promise<UserRecord> {
  if (!user) throw userNotFound();
  if (user.status !== 'FORCE_CHANGE_PASSWORD') {
    throw new CognitoError('UnsupportedUserStateException', `Resend not possible. ${user.username} status is not FORCE_CHANGE_PASSWORD`);
  }
  const password = chosen ?? temporaryPassword(pool.passwordPolicy);
  if (chosen !== undefined) assertPasswordAllowed(chosen, pool.passwordPolicy, 'temporaryPassword');
  const now = s.clock();
  await setPassword(pool, user, password);
  user.temporaryPasswordExpiresAt = now + pool.passwordPolicy.temporaryPasswordValidityDays * 86_400_000;
  user.updatedAt = now;
  s.store.save();
  await invite(s, pool, user, chosen === undefined ? password : undefined, 'RESEND');
  return user;
}

/**
 * The invitation email, into the outbox (AWS's default subject and wording); the console only names the
 * file. A generated password is in the message; one the administrator chose is not (they know it), so it
 * is written nowhere.
 */
async function invite(s: Services, pool: PoolConfig, user: UserRecord, generated: string | undefined, action: string | undefined): Promise<void> {
  const to = user.attributes.email ?? user.username;
  if (action === 'SUPPRESS') {
    s.log(`Cognito: created ${to} in ${pool.id}; invitation suppressed (MessageAction=SUPPRESS)`);
    return;
  }
  const days = pool.passwordPolicy.temporaryPasswordValidityDays;
  const message = await composeMessage(s, pool, {
    source: 'CustomMessage_AdminCreateUser',
    user,
    secret: generated ?? '(the one your administrator set)',
    fallback: (code) => ({
      subject: 'Your temporary password',
      body: [
        `Your username is {username} and temporary password is ${code}.`,
        '',
        `(Local Cognito: the temporary password is valid for ${days} days; the first sign-in must set a new one.)`,
      ].join('\n'),
    }),
  });
  const delivery = s.outbox.deliver({ kind: 'invitation', to, subject: message.subject, userPoolId: pool.id, body: message.body }, s.clock());
  const origin = generated ? '' : ', temporary password set by the administrator';
  s.log(`Cognito: invitation for ${to} (user pool ${pool.id}${origin}, valid ${days} days) ${describeDelivery(delivery)}`);
}
