import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Cognito's SRP-6a, server side, as its clients (amazon-cognito-identity-js AuthenticationHelper, Amplify v6) speak
 * it (cognito-client-facts.md): the RFC 5054 3072-bit group with g = 2, SHA-256, k = H(N | g), u = H(A | B),
 * x = H(salt | H(poolName | username | ":" | password)) where poolName is the pool id after its "_" and username is
 * USER_ID_FOR_SRP, and a 16-byte key HKDF(ikm = S, salt = u, info = "Caldera Derived Key"). The client proves it
 * with HMAC-SHA256(key, poolName | username | secret block bytes | timestamp). Every hash input is the bytes of a
 * hex string "padded" as those clients pad it (even length, a leading 00 when the top bit is set).
 */

const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';

export const N = BigInt(`0x${N_HEX}`);
export const g = 2n;

/** A non-negative integer as those clients write it in hex: even length, 00 first when the top bit would be set. */
export function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
}

/** SHA-256 of the bytes a hex string spells, as 64 hex digits. */
export function hexHash(hex: string): string {
  return createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export const k = BigInt(`0x${hexHash(`${padHex(N)}${padHex(g)}`)}`);

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** The part of a pool id after the region and "_": what SRP calls the pool name. */
export function srpPoolName(poolId: string): string {
  return poolId.slice(poolId.indexOf('_') + 1);
}

export interface SrpVerifier {
  /** Hex, as ChallengeParameters.SALT carries it. */
  salt: string;
  /** v = g^x mod N, hex. */
  verifier: string;
}

function privateKeyX(salt: string, poolName: string, username: string, password: string): bigint {
  return BigInt(`0x${hexHash(`${padHex(BigInt(`0x${salt}`))}${sha256Hex(`${poolName}${username}:${password}`)}`)}`);
}

/** What the pool keeps instead of the password for SRP: a random salt and v = g^x. */
export function createVerifier(poolName: string, username: string, password: string): SrpVerifier {
  const salt = randomBytes(16).toString('hex');
  const x = privateKeyX(salt, poolName, username, password);
  return { salt, verifier: modPow(g, x, N).toString(16) };
}

export interface ServerEphemeral {
  /** The secret b, hex. */
  b: string;
  /** B = k·v + g^b mod N, hex (SRP_B). */
  B: string;
}

export function serverEphemeral(verifier: string): ServerEphemeral {
  for (;;) {
    const b = BigInt(`0x${randomBytes(128).toString('hex')}`) % N;
    const B = (k * BigInt(`0x${verifier}`) + modPow(g, b, N)) % N;
    if (b > 1n && B !== 0n) return { b: b.toString(16), B: B.toString(16) };
  }
}

/** A (SRP_A) is usable when it is a positive hex number that is not a multiple of N. */
export function validClientEphemeral(A: string): boolean {
  if (!/^[0-9a-fA-F]{1,2048}$/.test(A)) return false;
  return BigInt(`0x${A}`) % N !== 0n;
}

function hkdf(ikm: string, salt: string): Buffer {
  const prk = createHmac('sha256', Buffer.from(salt, 'hex')).update(Buffer.from(ikm, 'hex')).digest();
  return createHmac('sha256', prk).update(Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])])).digest().subarray(0, 16);
}

export interface PasswordClaim {
  A: string;
  server: ServerEphemeral;
  verifier: string;
  poolName: string;
  /** USER_ID_FOR_SRP. */
  username: string;
  /** PASSWORD_CLAIM_SECRET_BLOCK, base64. */
  secretBlock: string;
  timestamp: string;
  /** PASSWORD_CLAIM_SIGNATURE, base64. */
  signature: string;
}

/** Whether the client's signature proves it knows the password behind `verifier`. */
export function verifyPasswordClaim(claim: PasswordClaim): boolean {
  const A = BigInt(`0x${claim.A}`);
  const B = BigInt(`0x${claim.server.B}`);
  const u = BigInt(`0x${hexHash(`${padHex(A)}${padHex(B)}`)}`);
  if (u === 0n) return false;
  const v = BigInt(`0x${claim.verifier}`);
  const S = modPow(A * modPow(v, u, N), BigInt(`0x${claim.server.b}`), N);
  const key = hkdf(padHex(S), padHex(u));
  const expected = createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(claim.poolName, 'utf8'), Buffer.from(claim.username, 'utf8'), Buffer.from(claim.secretBlock, 'base64'), Buffer.from(claim.timestamp, 'utf8')]))
    .digest();
  const given = Buffer.from(claim.signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The TIMESTAMP format those clients send: "Sun Dec 6 19:16:37 UTC 2026" (day of month unpadded), always UTC.
 * Returns the time it names, or undefined when it is not one.
 */
export function parseSrpTimestamp(text: string): number | undefined {
  const match = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4})$/.exec(text);
  if (!match) return undefined;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(match[2]!);
  const time = Date.UTC(Number(match[7]), month, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6]));
  return Number.isNaN(time) ? undefined : time;
}
