import type { ClientConfig, PoolConfig } from '../config';
import { clientById, poolOf, stateOf, type Services } from '../services';
import type { UserRecord } from '../store';
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
