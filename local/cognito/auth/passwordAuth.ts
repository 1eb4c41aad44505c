import type { ClientConfig, PoolConfig } from '../config';
import { messages, notAuthorized, passwordResetRequired, userNotConfirmed, userNotFound } from '../errors';
import { stateOf, type Services } from '../services';
import type { UserRecord } from '../store';
import { findUser } from '../users';
import { requireParameter } from '../validation';
import { runLifecycleTrigger } from '../lifecycle-triggers';
import { signIn, type AuthenticationResult } from './authenticationResult';
import { passwordMatches } from './lockout';
import { assertSecretHash } from './secretHash';
import { createVerifier, srpPoolName } from './srp';

/** What InitiateAuth / AdminInitiateAuth answer: tokens, or a challenge to answer first. */
export type AuthResponse =
  | { ChallengeParameters: Record<string, string>; AuthenticationResult: AuthenticationResult }
  | { ChallengeName: 'NEW_PASSWORD_REQUIRED' | 'PASSWORD_VERIFIER'; Session: string; ChallengeParameters: Record<string, string> };

/**
 * USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH (they differ only in who may call them). The order of
 * checks follows AWS: parameters, SECRET_HASH, then the user. An UNCONFIRMED user gets
 * UserNotConfirmedException even with a wrong password, as AWS answers it (aws/aws-sdk-js#4608).
 */
export async function passwordAuth(s: Services, pool: PoolConfig, client: ClientConfig, parameters: Record<string, string> | undefined): Promise<AuthResponse> {
  const username = requireParameter(parameters, 'USERNAME');
  const password = requireParameter(parameters, 'PASSWORD');
  const user = findUser(pool, stateOf(s, pool), username);
  assertSecretHash(client, parameters?.SECRET_HASH, [username, user?.username]);
  if (!user) throw client.preventUserExistenceErrors ? notAuthorized(messages.incorrectCredentials) : userNotFound();
  if (user.status === 'UNCONFIRMED') throw userNotConfirmed();
  if (user.status === 'RESET_REQUIRED') throw passwordResetRequired();
  await runLifecycleTrigger(s, pool, 'PreAuthentication', { triggerSource: 'PreAuthentication_Authentication', user, clientId: client.clientId });
  if (!(await passwordMatches(s, user, password))) throw notAuthorized(messages.incorrectCredentials);
  if (!user.enabled) throw notAuthorized(messages.userDisabled);
  if (!user.srp) {
    // A password set before the twin spoke SRP: the proven password gives the user its verifier now.
    user.srp = createVerifier(srpPoolName(pool.id), user.username, password);
    s.store.save();
  }
  if (user.status === 'FORCE_CHANGE_PASSWORD') return newPasswordChallenge(s, pool, client, user);
  await runLifecycleTrigger(s, pool, 'PostAuthentication', { triggerSource: 'PostAuthentication_Authentication', user, clientId: client.clientId });
  return { ChallengeParameters: {}, AuthenticationResult: await signIn(s, pool, client, user) };
}

export function newPasswordChallenge(s: Services, pool: PoolConfig, client: ClientConfig, user: UserRecord): AuthResponse {
  const now = s.clock();
  if (user.temporaryPasswordExpiresAt !== undefined && user.temporaryPasswordExpiresAt <= now) {
    throw notAuthorized(messages.temporaryPasswordExpired);
  }
  const Session = s.sessions.create({
    poolId: pool.id,
    clientId: client.clientId,
    username: user.username,
    challenge: 'NEW_PASSWORD_REQUIRED',
    expiresAt: now + client.authSessionMinutes * 60_000,
  });
  // AWS lists the user's current attributes (all but sub) and the attributes still required.
  const { sub: _sub, ...visible } = user.attributes;
  return {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session,
    ChallengeParameters: { USER_ID_FOR_SRP: user.username, requiredAttributes: '[]', userAttributes: JSON.stringify(visible) },
  };
}
