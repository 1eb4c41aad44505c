import type { FunctionInvoker } from '../contracts';
import type { ClientConfig, CognitoConfig, PoolConfig } from './config';
import { messages, resourceNotFound } from './errors';
import type { AuthorizationCodes } from './oauth2/codes';
import type { Outbox } from './outbox';
import type { Sessions } from './sessions';
import type { PoolState, Store } from './store';
import type { PoolKeys } from './tokens';

/** What every operation works with: the templates' configuration and the mutable state behind it. */
export interface Services {
  config: CognitoConfig;
  store: Store;
  keys: Map<string, PoolKeys>;
  sessions: Sessions;
  /** The hosted login's authorization codes, until /oauth2/token redeems them. */
  codes: AuthorizationCodes;
  invoker: FunctionInvoker;
  /** Milliseconds since the epoch; every iat/exp/expiry check reads it (tests move it). */
  clock: () => number;
  /** Console lines for the person running the twin (confirmation codes). Never passwords, secrets or tokens. */
  log: (line: string) => void;
  /** The twin's stand-in for email: invitations (with generated temporary passwords) and codes, as 0600 files. */
  outbox: Outbox;
  issuerFor(poolId: string): string;
}

export function poolById(s: Services, poolId: string): PoolConfig {
  const pool = s.config.pools.get(poolId);
  if (!pool) throw resourceNotFound(messages.userPoolNotFound(poolId));
  return pool;
}

export function clientById(s: Services, clientId: string): ClientConfig {
  const client = s.config.clients.get(clientId);
  if (!client) throw resourceNotFound(messages.clientNotFound(clientId));
  return client;
}

/** Admin operations name both: the client must belong to that pool, or it does not exist for AWS. */
export function clientOfPool(s: Services, poolId: string, clientId: string): ClientConfig {
  poolById(s, poolId);
  const client = s.config.clients.get(clientId);
  if (!client || client.userPoolId !== poolId) throw resourceNotFound(messages.clientNotFound(clientId));
  return client;
}

export function poolOf(s: Services, client: ClientConfig): PoolConfig {
  return poolById(s, client.userPoolId);
}

export function stateOf(s: Services, pool: PoolConfig): PoolState {
  return s.store.pool(pool.id);
}

export function keysOf(s: Services, pool: PoolConfig): PoolKeys {
  const keys = s.keys.get(pool.id);
  if (!keys) throw new Error(`no signing keys for ${pool.id}`);
  return keys;
}
