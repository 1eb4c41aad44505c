import { z } from 'zod';
import type { PoolConfig } from './config';
import { CognitoError, invalidParameter, messages, serialization } from './errors';
import { dict } from './store';

/**
 * Request validation with AWS's error shapes: a missing member or a value outside an enum is an
 * InvalidParameterException worded like AWS's ("1 validation error detected: Value null at 'clientId'
 * failed to satisfy constraint: Member must not be null"); a member of the wrong JSON type is a
 * SerializationException, as AWS's JSON protocol answers it.
 */

/** A required, non-empty string member. */
export const required = () => z.string().min(1);
/**
 * A string map the client names (AuthParameters, ChallengeResponses, ClientMetadata…) as a prototype-less
 * record, so a lookup by any name finds only the client's own members. (zod leaves a `__proto__` member out.)
 */
export const stringMap = () => z.record(z.string(), z.string()).transform((record) => dict(Object.entries(record)));
export const attributeTypes = () => z.array(z.object({ Name: required(), Value: z.string().optional() }));

export function parseRequest<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const wrongType = result.error.issues.find((issue) => isWrongType(issue, valueAt(body, issue.path)));
  if (wrongType) throw serialization(`Unexpected value type for member ${wrongType.path.map(String).join('.')}`);
  const descriptions = result.error.issues.map((issue) => describeIssue(issue, body));
  const count = descriptions.length;
  return throwError(invalidParameter(`${count} validation error${count === 1 ? '' : 's'} detected: ${descriptions.join('; ')}`));
}

/**
 * A member present with the wrong JSON type: zod says `invalid_type`, or `invalid_value` for an enum given
 * something other than a string (an object, a number).
 */
function isWrongType(issue: z.core.$ZodIssue, value: unknown): boolean {
  if (value == null) return false;
  return issue.code === 'invalid_type' || (issue.code === 'invalid_value' && typeof value !== 'string');
}

function describeIssue(issue: z.core.$ZodIssue, body: unknown): string {
  const member = issue.path.map((segment) => memberName(String(segment))).join('.');
  const value = valueAt(body, issue.path);
  // Never String(value) on what the client sent: an object whose `toString` member is data would throw.
  const shown = value == null ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
  switch (issue.code) {
    case 'invalid_value':
      return `Value ${shown} at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${issue.values.map(String).join(', ')}]`;
    case 'too_small':
      return `Value ${shown} at '${member}' failed to satisfy constraint: Member must have length greater than or equal to ${String(issue.minimum)}`;
    default:
      return `Value null at '${member}' failed to satisfy constraint: Member must not be null`;
  }
}

/** AWS names members camel-case in validation messages (ClientId → clientId). */
const memberName = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = body;
  for (const segment of path) {
    // Own members only: a member named `constructor` is not Object.prototype's.
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function throwError(error: CognitoError): never {
  throw error;
}

/** AuthParameters / ChallengeResponses members are checked by the operation, with AWS's own message. */
export function requireParameter(parameters: Record<string, string> | undefined, name: string): string {
  const value = parameters && Object.hasOwn(parameters, name) ? parameters[name] : undefined;
  if (value === undefined || value === '') throw invalidParameter(messages.missingParameter(name));
  return value;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function usesEmailAsUsername(pool: PoolConfig): boolean {
  return pool.usernameAttributes.includes('email');
}

/** In a pool whose usernames are emails, Username must be one (AWS's own check and message). */
export function assertUsernameAllowed(pool: PoolConfig, username: string): void {
  if (usesEmailAsUsername(pool) && !EMAIL.test(username)) throw invalidParameter(messages.usernameShouldBeEmail);
}

/**
 * Attributes given as [{Name, Value}] → a prototype-less map (a Name like `__proto__` is just a key); sub
 * and the username-derived email are not the caller's to set.
 */
export function attributesFrom(list: { Name: string; Value?: string }[] | undefined): Record<string, string> {
  return dict(
    (list ?? []).map(({ Name, Value }) => {
      if (Name === 'sub') throw invalidParameter('Cannot modify the non-mutable attribute sub');
      return [Name, Value ?? ''] as const;
    }),
  );
}

/**
 * The members every client-side user operation takes (ForgotPassword, ConfirmForgotPassword, ResendConfirmationCode,
 * ConfirmSignUp): the client, the user as typed, SECRET_HASH for clients with a secret, and metadata the twin accepts
 * and ignores (analytics, advanced security context) or passes to triggers (ClientMetadata).
 */
export const userOperationRequest = () =>
  z.object({
    ClientId: required(),
    Username: required(),
    SecretHash: z.string().optional(),
    AnalyticsMetadata: z.unknown().optional(),
    UserContextData: z.unknown().optional(),
    ClientMetadata: stringMap().optional(),
  });
