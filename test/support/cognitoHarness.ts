import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AdminGetUserCommand, CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { FunctionInvoker, LocalCognito } from '../../local/contracts';
import { startCognito } from '../../local/cognito/server';
import { clientSecretOf, loadSystem, resourcesOfType, type System } from '../../local/template/system';
import { noFunctions } from './cognitoInvoker';
import { secretHash as secretHashOf } from './twin';

/**
 * A local Cognito on a free loopback port, from the real templates (with parameter overrides), plus what
 * tests need to drive it through real clients: the pool and client ids and secrets the templates produce,
 * an SDK client, the printed log lines, the outbox (its email), and a movable clock.
 */

export interface ClientInfo {
  id: string;
  secret: string;
}

export interface TestCognito {
  cognito: LocalCognito;
  system: System;
  poolId: string;
  issuer: string;
  /** Clients by template logical id: UserClient, M2MClient, ReadOnlyClient. */
  clients: Record<'UserClient' | 'M2MClient' | 'ReadOnlyClient', ClientInfo>;
  /** The public client (no secret) browsers and mobile apps use. */
  webClientId: string;
  sdk: CognitoIdentityProviderClient;
  /** Every line the server printed (confirmation codes; never a password). */
  logs: string[];
  /** Where the server writes the messages it would email (invitations with temporary passwords, codes). */
  outboxDir: string;
  /** Moves the server's clock (ms); 0 = real time. */
  setClockOffset(ms: number): void;
  stop(): Promise<void>;
}

export interface TestCognitoOptions {
  authParameters?: Record<string, string>;
  apiParameters?: Record<string, string>;
  invoker?: FunctionInvoker;
  stateFile?: string;
  /** Reuse a system (same pool and client ids), e.g. to restart against the same state file. */
  system?: System;
  /** 0 (default) = a free port. The issuer contains the port, so a restart that keeps tokens valid keeps it. */
  port?: number;
  /** Default: a fresh private temporary directory, removed by stop(). */
  outboxDir?: string;
}

export async function startTestCognito(options: TestCognitoOptions = {}): Promise<TestCognito> {
  const system = options.system ?? loadSystem({ rootDir: process.cwd(), authParameters: options.authParameters, apiParameters: options.apiParameters });
  const logs: string[] = [];
  let offset = 0;
  const ownOutbox = options.outboxDir === undefined;
  const outboxDir = options.outboxDir ?? mkdtempSync(join(tmpdir(), 'cognito-outbox-'));
  const cognito = await startCognito({
    system,
    host: '127.0.0.1',
    port: options.port ?? 0,
    stateFile: options.stateFile,
    invoker: options.invoker ?? noFunctions,
    log: (line) => logs.push(line),
    outboxDir,
    clock: () => Date.now() + offset,
  });
  const pool = resourcesOfType(system, 'AWS::Cognito::UserPool')[0];
  if (!pool) throw new Error('the auth stack has no user pool');
  const client = (logicalId: string): ClientInfo => {
    const resource = resourcesOfType(system, 'AWS::Cognito::UserPoolClient').find((r) => r.logicalId === logicalId);
    const secret = resource && clientSecretOf(system, resource);
    if (!resource || !secret) throw new Error(`no client ${logicalId} with a secret in the templates`);
    return { id: resource.physicalId, secret };
  };
  const sdk = new CognitoIdentityProviderClient({
    region: system.region,
    endpoint: cognito.url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // One attempt: a test must see the first answer, not a retry's.
    maxAttempts: 1,
  });
  return {
    cognito,
    system,
    poolId: pool.physicalId,
    issuer: cognito.issuerFor(pool.physicalId),
    clients: { UserClient: client('UserClient'), M2MClient: client('M2MClient'), ReadOnlyClient: client('ReadOnlyClient') },
    webClientId: system.api.resources.WebClient!.physicalId,
    sdk,
    logs,
    outboxDir,
    setClockOffset: (ms) => {
      offset = ms;
    },
    stop: async () => {
      sdk.destroy();
      await cognito.stop();
      if (ownOutbox) rmSync(outboxDir, { recursive: true, force: true });
    },
  };
}

export function secretHash(username: string, client: ClientInfo): string {
  return secretHashOf(client.secret, username, client.id);
}

/** A fresh address per call, so tests sharing a server never collide. */
export function uniqueEmail(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}@example.com`;
}

/** Meets the templates' policy (12+ chars, upper, lower, digit, symbol). */
export const STRONG_PASSWORD = 'Correct-Horse-42';

/** The six-digit code the server printed for `email` (the twin's stand-in for the confirmation email). */
export function printedCode(logs: string[], email: string): string {
  const line = [...logs].reverse().find((l) => l.includes('confirmation code') && l.includes(email));
  const code = line ? /: (\d{6})$/.exec(line)?.[1] : undefined;
  if (!code) throw new Error(`no confirmation code printed for ${email}`);
  return code;
}

/**
 * The latest message to `email` of this kind, found as a person finds it: the console line names the
 * outbox file (relative to the working directory, or absolute), and the file holds the email.
 */
export function outboxMessage(logs: string[], email: string, kind: 'invitation' | 'confirmation code'): { file: string; text: string } {
  const line = [...logs].reverse().find((l) => l.startsWith(`Cognito: ${kind} for ${email} `));
  const file = line ? /written to (\S+?)\)?(?:: \d{6})?$/.exec(line)?.[1] : undefined;
  if (!file) throw new Error(`no ${kind} for ${email} in the outbox (console: ${line ?? 'nothing'})`);
  const path = resolve(file);
  return { file: path, text: readFileSync(path, 'utf8') };
}

/** The temporary password the invitation in the outbox gives `email` (AWS's default invitation wording). */
export function deliveredTemporaryPassword(logs: string[], email: string): string {
  const { text } = outboxMessage(logs, email, 'invitation');
  const password = /^Your username is \S+ and temporary password is (\S+)\.$/m.exec(text)?.[1];
  if (!password) throw new Error(`the invitation for ${email} holds no temporary password:\n${text}`);
  return password;
}

export interface FormResult {
  status: number;
  body: Record<string, unknown> | null;
  headers: Headers;
}

/** POSTs a form (the OAuth endpoints' body type), optionally with HTTP Basic client authentication. */
export async function postForm(url: string, form: Record<string, string>, basic?: ClientInfo): Promise<FormResult> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${basic.id}:${basic.secret}`).toString('base64')}`;
  const response = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null, headers: response.headers };
}

/** The claims of a JWT, unverified (tests verify separately with aws-jwt-verify). */
export function claimsOf(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function headerOf(jwt: string): Record<string, unknown> {
  const header = jwt.split('.')[0];
  if (!header) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The error an SDK call fails with: its AWS type, message and HTTP status. Fails if the call succeeds. */
export async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

/** USER_PASSWORD_AUTH with the user client and its SECRET_HASH, as an app would sign in. */
export function signIn(t: TestCognito, email: string, password = STRONG_PASSWORD) {
  const client = t.clients.UserClient;
  return t.sdk.send(new InitiateAuthCommand({
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: client.id,
    AuthParameters: { USERNAME: email, PASSWORD: password, SECRET_HASH: secretHash(email, client) },
  }));
}

/** Whether the pool has this user (AdminGetUser, as an operator would check). */
export async function userExists(t: TestCognito, username: string): Promise<boolean> {
  try {
    await t.sdk.send(new AdminGetUserCommand({ UserPoolId: t.poolId, Username: username }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'UserNotFoundException') return false;
    throw error;
  }
}
