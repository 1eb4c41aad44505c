/**
 * Local password hashing (local/cognito/crypto.ts): salted scrypt with its cost stored in the hash, and an
 * in-memory cache of verified passwords so a repeated sign-in does not pay for scrypt again. A wrong password
 * must fail whether or not the right one was cached; hashes of another cost (older state files) still verify.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { hashPassword, verifyPassword } from '../../local/cognito/crypto';

const PASSWORD = 'Correct-Horse-9!';

describe('password hashes', () => {
  test('a hash is salted scrypt with its parameters, and holds nothing of the password', async () => {
    const first = await hashPassword(PASSWORD);
    const second = await hashPassword(PASSWORD);
    expect(first).toMatch(/^scrypt\$4096\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(first).not.toBe(second);
    for (const hash of [first, second]) {
      expect(hash).not.toContain(PASSWORD);
      expect(hash).not.toContain(Buffer.from(PASSWORD).toString('base64').slice(0, 12));
    }
  });

  test('the right password verifies; a wrong one fails, before and after the right one was cached', async () => {
    const stored = await hashPassword(PASSWORD);
    expect(await verifyPassword('Wrong-Horse-9!', stored)).toBe(false);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword('Wrong-Horse-9!', stored)).toBe(false);
    expect(await verifyPassword(`${PASSWORD} `, stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  test('the cache is per stored hash: the same password against another user\'s hash is checked for real', async () => {
    const mine = await hashPassword(PASSWORD);
    const theirs = await hashPassword('Another-Secret-7?');
    expect(await verifyPassword(PASSWORD, mine)).toBe(true);
    expect(await verifyPassword(PASSWORD, theirs)).toBe(false);
  });

  test('a hash written at the earlier cost (N=16384) still verifies', async () => {
    const salt = randomBytes(16);
    const hash = scryptSync(PASSWORD.normalize('NFKC'), salt, 32, { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const stored = `scrypt$16384$8$1$${salt.toString('base64')}$${hash.toString('base64')}`;
    expect(await verifyPassword('Wrong-Horse-9!', stored)).toBe(false);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
  });

  test('anything that is not a scrypt hash never verifies', async () => {
    expect(await verifyPassword(PASSWORD, PASSWORD)).toBe(false);
    expect(await verifyPassword(PASSWORD, 'bcrypt$x$y')).toBe(false);
    expect(await verifyPassword(PASSWORD, '')).toBe(false);
  });
});
