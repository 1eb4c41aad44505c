import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JWK } from 'jose';
import { z } from 'zod';

/**
 * Everything the local Cognito remembers: per pool its signing keys, users and refresh-token records.
 * With a state file it is loaded on start and rewritten (atomically, mode 0600) after every change, so
 * keys and users survive restarts and tokens issued before a restart still verify; without one it lives
 * in memory. Passwords are scrypt hashes, refresh tokens and codes SHA-256 digests: nothing replayable.
 *
 * Every key here comes from a caller (usernames) or from the file: in memory each keyed collection is a
 * Map and each attribute set a prototype-less record, so `constructor` or `__proto__` are just names —
 * never Object.prototype's members, and never a way to write onto it.
 */

const userStatus = z.enum(['UNCONFIRMED', 'CONFIRMED', 'FORCE_CHANGE_PASSWORD', 'RESET_REQUIRED']);
export type UserStatus = z.infer<typeof userStatus>;

/**
 * A JSON object's own entries, each value checked by `value`. Unlike z.record, every key is kept as data —
 * `__proto__`, `constructor`, `toString` included — and nothing is ever read from or written to a prototype.
 */
function ownEntries<T extends z.ZodType>(value: T) {
  return z
    .custom<object>((raw) => raw !== null && typeof raw === 'object' && !Array.isArray(raw), 'Expected an object')
    .transform((raw, ctx) => {
      const entries: [string, z.output<T>][] = [];
      for (const [key, item] of Object.entries(raw)) {
        const parsed = value.safeParse(item);
        if (parsed.success) entries.push([key, parsed.data]);
        else for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [key, ...issue.path] });
      }
      return entries;
    });
}

/** Keyed state in memory: a Map, so no key can ever reach Object.prototype. */
const mapOf = <T extends z.ZodType>(value: T) => ownEntries(value).transform((entries) => new Map(entries));

/** A string map with no prototype (user attributes): `attributes[name]` only ever finds own keys. */
const dictOf = <T extends z.ZodType>(value: T) => ownEntries(value).transform((entries) => dict(entries));

/** A prototype-less record from entries; `__proto__` becomes an ordinary key. */
export function dict<V>(entries: Iterable<readonly [string, V]> = []): Record<string, V> {
  const out = Object.create(null) as Record<string, V>;
  for (const [key, value] of entries) out[key] = value;
  return out;
}

const userRecord = z.object({
  /** The internal username: a UUID equal to `sub` in pools whose usernames are emails. */
  username: z.string(),
  attributes: dictOf(z.string()),
  passwordHash: z.string(),
  status: userStatus,
  enabled: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** When an admin-set temporary password stops working (FORCE_CHANGE_PASSWORD only). */
  temporaryPasswordExpiresAt: z.number().optional(),
  /** The pending sign-up confirmation code (UNCONFIRMED only). */
  confirmation: z.object({ codeHash: z.string(), expiresAt: z.number() }).optional(),
  /**
   * The SRP verifier of the current password (salt and g^x, auth/srp.ts): what USER_SRP_AUTH checks, never the
   * password. Users whose password was set before the twin spoke SRP get one at their next password sign-in.
   */
  srp: z.object({ salt: z.string(), verifier: z.string() }).optional(),
  /** Wrong passwords in a row, and the lock they earned (auth/lockout.ts). */
  failedSignIns: z.object({ count: z.number(), lastFailureAt: z.number(), lockedUntil: z.number().optional() }).optional(),
  /** A changed email's pending verification code (UpdateUserAttributes → VerifyUserAttribute). */
  attributeVerification: z.object({ attribute: z.string(), codeHash: z.string(), expiresAt: z.number() }).optional(),
  /** Names of the pool's groups the user is in (AdminAddUserToGroup, or the templates' attachments). */
  groups: z.array(z.string()).optional(),
  /** The pending ForgotPassword code: valid an hour, a few wrong tries (ConfirmForgotPassword). */
  passwordReset: z.object({ codeHash: z.string(), expiresAt: z.number(), failures: z.number() }).optional(),
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

const groupRecord = z.object({
  name: z.string(),
  description: z.string().optional(),
  precedence: z.number().optional(),
  roleArn: z.string().optional(),
  createdAt: z.number(),
});

const jwk = z.record(z.string(), z.unknown()).transform((value) => value as unknown as JWK);

const poolState = z.object({
  /** Private JWKs; the access and ID tokens are signed with different keys, as AWS does. */
  keys: z.object({ access: jwk, id: jwk }).optional(),
  /** By internal username (any string a caller chose, in pools whose usernames are not emails). */
  users: mapOf(userRecord),
  /** Keyed by the SHA-256 of the refresh token. */
  refreshTokens: mapOf(refreshRecord),
  /** Groups made through the API (CreateGroup), by name; the templates' groups are in the pool's config. */
  groups: mapOf(groupRecord).optional(),
  /** Names of the templates' groups deleted through the API (DeleteGroup): gone until the state is reset. */
  deletedGroups: z.array(z.string()).optional(),
});
export type PoolState = z.infer<typeof poolState>;

const stateSchema = z.object({ version: z.literal(1), pools: mapOf(poolState) });
type State = z.infer<typeof stateSchema>;

export class Store {
  private readonly state: State;

  constructor(private readonly file?: string) {
    this.state = file && existsSync(file) ? readState(file) : { version: 1, pools: new Map() };
  }

  pool(poolId: string): PoolState {
    const existing = this.state.pools.get(poolId);
    if (existing) return existing;
    const created: PoolState = { users: new Map(), refreshTokens: new Map() };
    this.state.pools.set(poolId, created);
    return created;
  }

  /** Drops refresh records past their expiry: nothing can use them, and they would grow the file forever. */
  prune(now: number): void {
    for (const pool of this.state.pools.values()) {
      for (const [key, record] of pool.refreshTokens) {
        if (record.expiresAt <= now) pool.refreshTokens.delete(key);
      }
    }
  }

  /** Persists the whole state; called after every change (the file is small). */
  save(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(serialize(this.state), null, 2) + '\n', { mode: 0o600 });
    chmodSync(temporary, 0o600);
    // rename is atomic: a crash mid-write never leaves a half-written state file behind.
    renameSync(temporary, this.file);
  }
}

/**
 * The file's shape: Maps become JSON objects. Object.fromEntries defines each key as an own property, so a
 * user named `__proto__` is written as data (and read back as data by ownEntries).
 */
function serialize(state: State): unknown {
  return {
    version: state.version,
    pools: Object.fromEntries(
      [...state.pools].map(([poolId, pool]) => [
        poolId,
        { ...(pool.keys ? { keys: pool.keys } : {}), users: Object.fromEntries(pool.users), refreshTokens: Object.fromEntries(pool.refreshTokens) },
      ]),
    ),
  };
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
