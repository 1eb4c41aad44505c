import { z } from 'zod';
import { adminUser } from '../auth/userOperation';
import { CognitoError, invalidParameter } from '../errors';
import { findUser } from '../users';
import { attributeTypes, parseRequest, required, stringMap, usesEmailAsUsername } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), Username: required(), UserAttributes: attributeTypes(), ClientMetadata: stringMap().optional() });

/**
 * AdminUpdateUserAttributes: sets attributes as given. `sub` never changes; a new email is unverified unless
 * email_verified comes with it; in a pool that signs in by email, another user's email is refused.
 */
export const adminUpdateUserAttributes: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { pool, state, user } = adminUser(s, request);
  const updates = new Map(request.UserAttributes.map((attribute) => [attribute.Name, attribute.Value ?? '']));
  if (updates.has('sub')) throw invalidParameter('Cannot modify the non-mutable attribute sub');
  const email = updates.get('email');
  if (email !== undefined && email !== user.attributes.email) {
    const holder = usesEmailAsUsername(pool) ? findUser(pool, state, email) : undefined;
    if (holder && holder !== user) throw new CognitoError('AliasExistsException', 'An account with the given email already exists.');
    if (!updates.has('email_verified')) updates.set('email_verified', 'false');
  }
  for (const [name, value] of updates) user.attributes[name] = value;
  user.updatedAt = s.clock();
  s.store.save();
  return {};
};
