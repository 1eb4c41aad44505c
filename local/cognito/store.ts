import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JWK } from 'jose';
import { z } from 'zod';

/**
 * Everything the local Cognito remembers: per pool its signing keys, users and refresh-token records.
 * With a state file it is loaded on start and rewritten (atomically, mode 0600) after every change, so
 * keys and users survive restarts and tokens issued before a restart still verify; without one it lives
 * in memory. Passwords are scrypt hashes, refresh tokens and codes SHA-256 digests: nothing replayable.
 */

const userStatus = z.enum(['UNCONFIRMED', 'CONFIRMED', 'FORCE_CHANGE_PASSWORD', 'RESET_REQUIRED']);
export type UserStatus = z.infer<typeof userStatus>;

const userRecord = z.object({
  /** The internal username: a UUID equal to `sub` in pools whose usernames are emails. */
  username: z.string(),
  attributes: z.record(z.string(), z.string()),
  passwordHash: z.string(),
  status: userStatus,
  enabled: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** When an admin-set temporary password stops working (FORCE_CHANGE_PASSWORD only). */
  temporaryPasswordExpiresAt: z.number().optional(),
  /** The pending sign-up confirmation code (UNCONFIRMED only). */
  confirmation: z.object({ codeHash: z.string(), expiresAt: z.number() }).optional(),
});
export type UserRecord = z.infer<typeof userRecord>;

const refreshRecord = z.object({
  /** Every access and ID token minted from this refresh token carries it as origin_jti. */
  originJti: z.string(),
  clientId: z.string(),
  username: z.string(),
  scope: z.array(z.string()),
  /** auth_time (seconds) of the sign-in that created it: refreshed tokens keep it. */
  authTime: z.number(),
  expiresAt: z.number(),
  revokedAt: z.number().optional(),
});
export type RefreshRecord = z.infer<typeof refreshRecord>;

const jwk = z.record(z.string(), z.unknown()).transform((value) => value as unknown as JWK);

const poolState = z.object({
  /** Private JWKs; the access and ID tokens are signed with different keys, as AWS does. */
  keys: z.object({ access: jwk, id: jwk }).optional(),
  users: z.record(z.string(), userRecord),
  /** Keyed by the SHA-256 of the refresh token. */
  refreshTokens: z.record(z.string(), refreshRecord),
});
export type PoolState = z.infer<typeof poolState>;

const stateSchema = z.object({ version: z.literal(1), pools: z.record(z.string(), poolState) });
type State = z.infer<typeof stateSchema>;

export class Store {
  private readonly state: State;

  constructor(private readonly file?: string) {
    this.state = file && existsSync(file) ? readState(file) : { version: 1, pools: {} };
  }

  pool(poolId: string): PoolState {
    const existing = this.state.pools[poolId];
    if (existing) return existing;
    const created: PoolState = { users: {}, refreshTokens: {} };
    this.state.pools[poolId] = created;
    return created;
  }

  /** Drops refresh records past their expiry: nothing can use them, and they would grow the file forever. */
  prune(now: number): void {
    for (const pool of Object.values(this.state.pools)) {
      for (const [key, record] of Object.entries(pool.refreshTokens)) {
        if (record.expiresAt <= now) delete pool.refreshTokens[key];
      }
    }
  }

  /** Persists the whole state; called after every change (the file is small). */
  save(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.state, null, 2) + '\n', { mode: 0o600 });
    chmodSync(temporary, 0o600);
    // rename is atomic: a crash mid-write never leaves a half-written state file behind.
    renameSync(temporary, this.file);
  }
}

function readState(file: string): State {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cognito state file ${file} is not valid JSON (${(error as Error).message}); fix or delete it`, { cause: error });
  }
  const parsed = stateSchema.safeParse(raw);
  // Refuse rather than start empty: silently dropping every user and key would be worse than stopping.
  if (!parsed.success) throw new Error(`Cognito state file ${file} has an unexpected shape; fix or delete it: ${parsed.error.message}`);
  return parsed.data;
}
