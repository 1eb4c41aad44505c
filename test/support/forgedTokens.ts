/**
 * JWTs forged the ways attackers forge them, from a real token: the payload swapped after signing, `alg: none`,
 * and HS256 "signed" with the RSA public key. Pure string work; shared by every authorizer test.
 */
import { createHmac, createPublicKey } from 'node:crypto';
import type { JWK } from 'jose';

export const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
export const parts = (jwt: string) => jwt.split('.') as [string, string, string];
export const payloadOf = (jwt: string) => JSON.parse(Buffer.from(parts(jwt)[1], 'base64url').toString()) as Record<string, unknown>;
export const headerOf = (jwt: string) => JSON.parse(Buffer.from(parts(jwt)[0], 'base64url').toString()) as Record<string, unknown>;

/** Same claims, payload swapped after signing. */
export function withTamperedPayload(jwt: string, changes: Record<string, unknown>): string {
  const [header, , signature] = parts(jwt);
  return `${header}.${b64url({ ...payloadOf(jwt), ...changes })}.${signature}`;
}

/** `alg: none`, no signature. */
export function withAlgNone(jwt: string): string {
  return `${b64url({ ...headerOf(jwt), alg: 'none' })}.${parts(jwt)[1]}.`;
}

/** HS256 "signed" with the RSA public key (PEM) as the HMAC secret: the classic key-confusion forgery. */
export function withHs256PublicKey(jwt: string, publicJwk: JWK): string {
  const pem = createPublicKey({ key: publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
  const input = `${b64url({ ...headerOf(jwt), alg: 'HS256' })}.${parts(jwt)[1]}`;
  return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
}
