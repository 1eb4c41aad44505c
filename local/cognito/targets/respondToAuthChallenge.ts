import { z } from 'zod';
import { signIn } from '../auth/authenticationResult';
import { assertSecretHash } from '../auth/secretHash';
import { answerPasswordVerifier } from '../auth/srpAuth';
import { invalidParameter, messages, notAuthorized } from '../errors';
import { assertPasswordAllowed } from '../passwordPolicy';
import { clientById, poolOf, stateOf } from '../services';
import { findUser, setPassword } from '../users';
import { parseRequest, required, requireParameter, stringMap } from '../validation';
import type { Target } from './target';

const Request = z.object({
  ClientId: required(),
  ChallengeName: required(),
  Session: z.string().optional(),
  ChallengeResponses: stringMap().optional(),
  ClientMetadata: stringMap().optional(),
});

/** Attributes a user may not set while answering NEW_PASSWORD_REQUIRED: identity, and verification state. */
const IMMUTABLE = new Set(['sub', 'email', 'email_verified']);

/**
 * RespondToAuthChallenge: PASSWORD_VERIFIER (the proof of USER_SRP_AUTH), and NEW_PASSWORD_REQUIRED after sign-in with
 * an admin-set temporary password.
 */
export const respondToAuthChallenge: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const client = clientById(s, request.ClientId);
  const pool = poolOf(s, client);
  if (request.ChallengeName === 'PASSWORD_VERIFIER') return answerPasswordVerifier(s, pool, client, request.ChallengeResponses, request.Session);
  if (request.ChallengeName !== 'NEW_PASSWORD_REQUIRED') {
    throw invalidParameter(`${request.ChallengeName} is not supported by the local Cognito (it emulates PASSWORD_VERIFIER and NEW_PASSWORD_REQUIRED)`);
  }
  const responses = request.ChallengeResponses;
  const username = requireParameter(responses, 'USERNAME');
  const newPassword = requireParameter(responses, 'NEW_PASSWORD');
  if (!request.Session) throw notAuthorized(messages.invalidSession);
  const session = s.sessions.get(request.Session, client.clientId, s.clock());
  const state = stateOf(s, pool);
  const user = state.users.get(session.username);
  // USERNAME may be the email the user typed or USER_ID_FOR_SRP; either must name the session's user.
  if (!user || findUser(pool, state, username) !== user) throw notAuthorized(messages.invalidSession);
  assertSecretHash(client, responses?.SECRET_HASH, [username, user.username]);
  assertPasswordAllowed(newPassword, pool.passwordPolicy, 'newPassword');

  await setPassword(pool, user, newPassword);
  user.status = 'CONFIRMED';
  delete user.temporaryPasswordExpiresAt;
  for (const [key, value] of Object.entries(responses ?? {})) {
    const name = key.startsWith('userAttributes.') ? key.slice('userAttributes.'.length) : undefined;
    if (name && !IMMUTABLE.has(name)) user.attributes[name] = value;
  }
  user.updatedAt = s.clock();
  s.sessions.consume(request.Session);
  s.store.save();
  return { ChallengeParameters: {}, AuthenticationResult: await signIn(s, pool, client, user) };
};
