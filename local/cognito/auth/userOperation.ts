import type { ClientConfig, PoolConfig } from '../config';
import { userNotFound } from '../errors';
import { clientById, poolById, poolOf, stateOf, type Services } from '../services';
import type { PoolState, UserRecord } from '../store';
import { findUser } from '../users';
import { assertSecretHash } from './secretHash';

/**
 * What the client-side user operations (ConfirmSignUp, ResendConfirmationCode, ForgotPassword,
 * ConfirmForgotPassword) start with, in AWS's order: the client, its pool, SECRET_HASH (over the name as typed or the
 * internal username), then the user, who may not exist: each operation answers that in its own way.
 */
export function userOperation(
  s: Services,
  request: { ClientId: string; Username: string; SecretHash?: string | undefined },
): { client: ClientConfig; pool: PoolConfig; user: UserRecord | undefined } {
  const client = clientById(s, request.ClientId);
  const pool = poolOf(s, client);
  const user = findUser(pool, stateOf(s, pool), request.Username);
  assertSecretHash(client, request.SecretHash, [request.Username, user?.username]);
  return { client, pool, user };
}

/** What the admin operations on one user start with: the pool (by id), its state, and the user, who must exist. */
export function adminUser(s: Services, request: { UserPoolId: string; Username: string }): { pool: PoolConfig; state: PoolState; user: UserRecord } {
  const pool = poolById(s, request.UserPoolId);
  const state = stateOf(s, pool);
  const user = findUser(pool, state, request.Username);
  if (!user) throw userNotFound();
  return { pool, state, user };
}
