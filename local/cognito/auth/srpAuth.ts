import { createHash, randomBytes } from 'node:crypto';
import type { ClientConfig, PoolConfig } from '../config';
import { invalidParameter, messages, notAuthorized, passwordResetRequired, userNotConfirmed, userNotFound } from '../errors';
import { stateOf, type Services } from '../services';
import { findUser } from '../users';
import { requireParameter } from '../validation';
import { runLifecycleTrigger } from '../lifecycle-triggers';
import { signIn } from './authenticationResult';
import { assertNotLocked, recordFailedSignIn, recordSuccessfulSignIn } from './lockout';
import { newPasswordChallenge, type AuthResponse } from './passwordAuth';
import { assertSecretHash } from './secretHash';
import { padHex, parseSrpTimestamp, serverEphemeral, srpPoolName, validClientEphemeral, verifyPasswordClaim } from './srp';

/** How far a TIMESTAMP may be from the twin's clock (Cognito wants the reply "within a few seconds"; clocks drift). */
const TIMESTAMP_SKEW_MS = 5 * 60_000;

/**
 * InitiateAuth USER_SRP_AUTH: the PASSWORD_VERIFIER challenge (cognito-client-facts.md §1). AWS's order: parameters,
 * SECRET_HASH, the user. An unknown user gets UserNotFoundException, or with PreventUserExistenceErrors a simulated
 * challenge (a salt stable per name, a random user id) that no proof can pass; an UNCONFIRMED one
 * UserNotConfirmedException before any password is involved.
 */
export async function srpChallenge(s: Services, pool: PoolConfig, client: ClientConfig, parameters: Record<string, string> | undefined): Promise<AuthResponse> {
  const username = requireParameter(parameters, 'USERNAME');
  const A = requireParameter(parameters, 'SRP_A');
  if (!validClientEphemeral(A)) throw invalidParameter('Invalid SRP_A value.');
  const user = findUser(pool, stateOf(s, pool), username);
  assertSecretHash(client, parameters?.SECRET_HASH, [username, user?.username]);
  if (!user && !client.preventUserExistenceErrors) throw userNotFound();
  if (user?.status === 'UNCONFIRMED') throw userNotConfirmed();
  if (user?.status === 'RESET_REQUIRED') throw passwordResetRequired();
  if (user) await runLifecycleTrigger(s, pool, 'PreAuthentication', { triggerSource: 'PreAuthentication_Authentication', user, clientId: client.clientId });

  const simulated = !user || !user.srp;
  const userId = user?.username ?? simulatedUserId(pool, username);
  const salt = user?.srp?.salt ?? simulatedSalt(pool, username);
  // A simulated challenge still needs a real-looking B: any verifier will do, none of the client's proofs match it.
  const server = serverEphemeral(user?.srp?.verifier ?? randomBytes(384).toString('hex'));
  const secretBlock = randomBytes(128).toString('base64');
  const now = s.clock();
  const Session = s.sessions.create({
    poolId: pool.id,
    clientId: client.clientId,
    username: userId,
    challenge: 'PASSWORD_VERIFIER',
    expiresAt: now + client.authSessionMinutes * 60_000,
    srp: { A, b: server.b, B: server.B, verifier: simulated ? undefined : user!.srp!.verifier, secretBlock },
  });
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    Session,
    ChallengeParameters: { SALT: padHex(BigInt(`0x${salt}`)), SRP_B: server.B, SECRET_BLOCK: secretBlock, USERNAME: userId, USER_ID_FOR_SRP: userId },
  };
}

/**
 * RespondToAuthChallenge PASSWORD_VERIFIER: the client's proof, checked against the session the challenge opened
 * (its Session, whose SECRET_BLOCK the proof must repeat). A wrong proof is "Incorrect username or password." and ends the session, as a new sign-in must
 * start over.
 */
export async function answerPasswordVerifier(
  s: Services,
  pool: PoolConfig,
  client: ClientConfig,
  responses: Record<string, string> | undefined,
  sessionToken: string | undefined,
): Promise<AuthResponse> {
  const username = requireParameter(responses, 'USERNAME');
  const secretBlock = requireParameter(responses, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const signature = requireParameter(responses, 'PASSWORD_CLAIM_SIGNATURE');
  const timestamp = requireParameter(responses, 'TIMESTAMP');
  // Amplify and amazon-cognito-identity-js send back the Session the challenge came with.
  const token = sessionToken;
  if (!token) throw notAuthorized(messages.invalidSession);
  const session = s.sessions.get(token, client.clientId, s.clock());
  if (session.challenge !== 'PASSWORD_VERIFIER' || !session.srp || session.srp.secretBlock !== secretBlock) throw notAuthorized(messages.invalidSession);
  // SECRET_HASH over the internal username here (cognito-client-facts.md §1).
  assertSecretHash(client, responses?.SECRET_HASH, [session.username]);
  const time = parseSrpTimestamp(timestamp);
  if (time === undefined) throw invalidParameter('TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.');
  s.sessions.consume(token);
  const user = stateOf(s, pool).users.get(session.username);
  if (user) assertNotLocked(s, user);
  const proven =
    user !== undefined &&
    session.srp.verifier !== undefined &&
    username === session.username &&
    Math.abs(time - s.clock()) <= TIMESTAMP_SKEW_MS &&
    verifyPasswordClaim({ A: session.srp.A, server: session.srp, verifier: session.srp.verifier, poolName: srpPoolName(pool.id), username: session.username, secretBlock, timestamp, signature });
  if (!proven || !user) {
    if (user) recordFailedSignIn(s, user);
    throw notAuthorized(messages.incorrectCredentials);
  }
  recordSuccessfulSignIn(s, user);
  if (!user.enabled) throw notAuthorized(messages.userDisabled);
  if (user.status === 'FORCE_CHANGE_PASSWORD') return newPasswordChallenge(s, pool, client, user);
  await runLifecycleTrigger(s, pool, 'PostAuthentication', { triggerSource: 'PostAuthentication_Authentication', user, clientId: client.clientId });
  return { ChallengeParameters: {}, AuthenticationResult: await signIn(s, pool, client, user) };
}

/** A salt an unknown name always gets (so probing twice reveals nothing), from the pool and the name. */
function simulatedSalt(pool: PoolConfig, name: string): string {
  return createHash('sha256').update(`${pool.id}\0salt\0${name.toLowerCase()}`).digest('hex').slice(0, 32);
}

function simulatedUserId(pool: PoolConfig, name: string): string {
  const hex = createHash('sha256').update(`${pool.id}\0user\0${name.toLowerCase()}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
