import { randomInt } from 'node:crypto';
import type { PasswordPolicy } from './config';
import { invalidParameter, invalidPassword } from './errors';

/** The special characters Cognito's RequireSymbols counts (its documented set; a space counts when inside). */
const SYMBOLS = '^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

/** The first rule a password breaks, in AWS's wording (without the "did not conform" prefix), or undefined. */
export function passwordViolation(password: string, policy: PasswordPolicy): string | undefined {
  if ([...password].length < policy.minimumLength) return 'Password not long enough';
  if (policy.requireUppercase && !/[A-Z]/.test(password)) return 'Password must have uppercase characters';
  if (policy.requireLowercase && !/[a-z]/.test(password)) return 'Password must have lowercase characters';
  if (policy.requireNumbers && !/[0-9]/.test(password)) return 'Password must have numeric characters';
  if (policy.requireSymbols && ![...password.trim()].some((c) => SYMBOLS.includes(c))) return 'Password must have symbol characters';
  return undefined;
}

/** Throws AWS's InvalidPasswordException (or the pattern error for surrounding whitespace). */
export function assertPasswordAllowed(password: string, policy: PasswordPolicy, member = 'password'): void {
  // AWS's model pattern for passwords forbids leading and trailing whitespace; it answers with a validation error.
  if (password !== password.trim()) {
    throw invalidParameter(`1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$`);
  }
  const violation = passwordViolation(password, policy);
  if (violation) throw invalidPassword(`Password did not conform with policy: ${violation}`);
}

/** A temporary password that satisfies the pool's policy (what AWS would email with the invitation). */
export function temporaryPassword(policy: PasswordPolicy): string {
  const length = Math.max(policy.minimumLength, 12);
  // Symbols that survive shells and URLs, so the password from the outbox can be pasted anywhere.
  const symbols = '!#%+-_=';
  const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(symbols)];
  const all = LOWER + UPPER + DIGITS + symbols;
  while (chars.length < length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

function pick(alphabet: string): string {
  return alphabet[randomInt(0, alphabet.length)]!;
}
