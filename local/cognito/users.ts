import type { PoolConfig } from './config';
import { createVerifier, srpPoolName } from './auth/srp';
import { hashPassword, uuid } from './crypto';
import { dict, type PoolState, type UserRecord, type UserStatus } from './store';
import { usesEmailAsUsername } from './validation';

/**
 * Users of one pool. In a pool with UsernameAttributes [email] the internal username is a UUID equal to
 * `sub`, and people sign in with their email; with CaseSensitive false, in any letter case.
 */

const fold = (pool: PoolConfig, value: string) => (pool.caseSensitive ? value : value.toLowerCase());

/** The user a caller means by `name`: their internal username, or (email pools) their email. */
export function findUser(pool: PoolConfig, state: PoolState, name: string): UserRecord | undefined {
  const wanted = fold(pool, name);
  const direct = state.users.get(name);
  if (direct) return direct;
  return [...state.users.values()].find(
    (user) => fold(pool, user.username) === wanted || (usesEmailAsUsername(pool) && user.attributes.email !== undefined && fold(pool, user.attributes.email) === wanted),
  );
}

export interface NewUser {
  /** What the caller gave as Username (an email in email pools). */
  username: string;
  attributes: Record<string, string>;
  password: string;
  status: UserStatus;
  now: number;
}

export async function createUserRecord(pool: PoolConfig, input: NewUser): Promise<UserRecord> {
  const sub = uuid();
  const emailPool = usesEmailAsUsername(pool);
  const user: UserRecord = {
    username: emailPool ? sub : input.username,
    attributes: dict([
      ['sub', sub],
      ...Object.entries(input.attributes),
      ...(emailPool ? [['email', input.username] as const] : []),
      ...(input.attributes.email !== undefined || emailPool ? [['email_verified', input.attributes.email_verified ?? 'false'] as const] : []),
    ]),
    passwordHash: '',
    status: input.status,
    enabled: true,
    createdAt: input.now,
    updatedAt: input.now,
  };
  await setPassword(pool, user, input.password);
  return user;
}

/** [{Name, Value}] as AWS lists a user's attributes. */
export function attributeList(user: UserRecord): { Name: string; Value: string }[] {
  return Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value }));
}

/** AWS JSON timestamps are epoch seconds. */
export const awsDate = (ms: number): number => ms / 1000;

/** The UserType of AdminCreateUser's response. */
export function userType(user: UserRecord): Record<string, unknown> {
  return {
    Username: user.username,
    Attributes: attributeList(user),
    UserCreateDate: awsDate(user.createdAt),
    UserLastModifiedDate: awsDate(user.updatedAt),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

/** A masked destination, as AWS reports where it sent a code (a***@e***). */
export function maskedEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.charAt(0)}***@${domain.charAt(0)}***`;
}

/**
 * Sets a user's password: its scrypt hash for password sign-in and its SRP verifier for USER_SRP_AUTH, both over the
 * internal username (USER_ID_FOR_SRP), never the password itself.
 */
export async function setPassword(pool: PoolConfig, user: UserRecord, password: string): Promise<void> {
  user.passwordHash = await hashPassword(password);
  user.srp = createVerifier(srpPoolName(pool.id), user.username, password);
}

/** CodeDeliveryDetails of an email: where the code went, masked. */
export function emailDelivery(email: string): { Destination: string; DeliveryMedium: 'EMAIL'; AttributeName: 'email' } {
  return { Destination: maskedEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
}

/**
 * What PreventUserExistenceErrors answers for a user who does not exist: delivery details that look like a real
 * user's, and no code sent.
 */
export function simulatedDelivery(typedName: string): ReturnType<typeof emailDelivery> {
  return emailDelivery(typedName.includes('@') ? typedName : 'user@example.com');
}
