import { createHash, createHmac, randomBytes, randomInt, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Small crypto helpers. Passwords are only ever stored as scrypt hashes; refresh tokens, sessions and
 * confirmation codes only as SHA-256 digests, so the state file never holds anything a caller could replay.
 */

/**
 * Cost of new hashes. The twin's passwords guard local test users only, so it trades scrypt's usual N=2^14 (about
 * 30 ms a hash on a 2-core machine, which made sign-in the bottleneck) for N=2^12 (about 7 ms): still a salted,
 * memory-hard hash, never the password. The parameters are stored with each hash,
 * so hashes written at another cost (state files of earlier versions) verify as before.
 */
const SCRYPT = { N: 4096, r: 8, p: 1, keylen: 32 } as const;

/**
 * Passwords already verified against a stored hash in this process: stored hash → HMAC of the password under a
 * key made at start and never written anywhere. A repeated sign-in costs one HMAC instead of a scrypt; anything
 * else (a wrong password, a hash not seen yet) goes through scrypt. Memory only, bounded.
 */
const verified = new Map<string, Buffer>();
const VERIFIED_MAX = 10_000;
const processKey = randomBytes(32);

function fingerprint(password: string): Buffer {
  return createHmac('sha256', processKey).update(password.normalize('NFKC')).digest();
}

function remember(stored: string, print: Buffer): void {
  if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
  verified.set(stored, print);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p);
  const stored = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
  // The first sign-in after a password is set is then as quick as the next ones.
  remember(stored, fingerprint(password));
  return stored;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const print = fingerprint(password);
  const known = verified.get(stored);
  if (known && timingSafeEqual(known, print)) return true;
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p), expected.length);
  const ok = actual.length === expected.length && timingSafeEqual(actual, expected);
  if (ok) remember(stored, print);
  return ok;
}

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keylen: number = SCRYPT.keylen): Promise<Buffer> {
  return new Promise((done, fail) => {
    scrypt(password.normalize('NFKC'), salt, keylen, { N, r, p, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? fail(error) : done(key)));
  });
}

/** SECRET_HASH = base64(HMAC-SHA256(key = client secret, message = username + client id)). */
export function secretHash(username: string, clientId: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret).update(username + clientId).digest('base64');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** An opaque, unguessable token (refresh tokens, challenge sessions). */
export function opaqueToken(bytes = 96): string {
  return randomBytes(bytes).toString('base64url');
}

/** Cognito's email confirmation codes are six digits. */
export function confirmationCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export const uuid = (): string => randomUUID();
