import { z } from 'zod';
import { userOfAccessToken } from '../auth/accessToken';
import { confirmationCode, sha256 } from '../crypto';
import { CognitoError, invalidParameter } from '../errors';
import { describeDelivery } from '../outbox';
import { stateOf } from '../services';
import { emailDelivery, findUser } from '../users';
import { attributeTypes, parseRequest, required, stringMap, usesEmailAsUsername } from '../validation';
import { composeMessage } from '../custom-message';
import type { Target } from './target';

const Request = z.object({ AccessToken: required(), UserAttributes: attributeTypes(), ClientMetadata: stringMap().optional() });

/** Codes for verifying a changed email are good for a day, like sign-up codes. */
const CODE_VALIDITY_MS = 24 * 3_600_000;

/**
 * UpdateUserAttributes: the signed-in user changes their own attributes. `sub` and `email_verified` are not theirs
 * to set; a new email is unverified and a code goes to it (VerifyUserAttribute), listed in CodeDeliveryDetailsList.
 */
export const updateUserAttributes: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { pool, user } = await userOfAccessToken(s, request.AccessToken);
  const updates = new Map(request.UserAttributes.map((attribute) => [attribute.Name, attribute.Value ?? '']));
  for (const name of ['sub', 'email_verified']) if (updates.has(name)) throw invalidParameter(`Cannot modify the non-mutable attribute ${name}`);
  const email = updates.get('email');
  const deliveries = [];
  if (email !== undefined && email !== user.attributes.email) {
    const holder = usesEmailAsUsername(pool) ? findUser(pool, stateOf(s, pool), email) : undefined;
    if (holder && holder !== user) throw new CognitoError('AliasExistsException', 'An account with the given email already exists.');
    updates.set('email_verified', 'false');
    const code = confirmationCode();
    user.attributeVerification = { attribute: 'email', codeHash: sha256(code), expiresAt: s.clock() + CODE_VALIDITY_MS };
    const message = await composeMessage(s, pool, { source: 'CustomMessage_UpdateUserAttribute', user, secret: code, fallback: (c) => ({ subject: 'Your verification code', body: `Your verification code is ${c}.` }) });
    const delivery = s.outbox.deliver({ kind: 'confirmation-code', to: email, subject: message.subject, userPoolId: pool.id, body: message.body }, s.clock());
    s.log(`Cognito: verification code for ${email} (user pool ${pool.id}; email ${describeDelivery(delivery)}): ${code}`);
    deliveries.push(emailDelivery(email));
  }
  for (const [name, value] of updates) user.attributes[name] = value;
  user.updatedAt = s.clock();
  s.store.save();
  return { CodeDeliveryDetailsList: deliveries };
};
