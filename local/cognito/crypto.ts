import { createHash, createHmac, randomBytes, randomInt, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Small crypto helpers. Passwords are only ever stored as scrypt hashes; refresh tokens, sessions and
 * confirmation codes only as SHA-256 digests, so the state file never holds anything a caller could replay.
 */

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;

export function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return derive(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p).then(
    (hash) => `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`,
  );
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p), expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
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
