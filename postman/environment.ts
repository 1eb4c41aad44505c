/**
 * Postman environments for links-api.postman_collection.json, generated — never hand-written, never
 * committed (.gitignore: postman/*.postman_environment.json). `npm start` writes the local one,
 * `npm run postman:env` the AWS one. Secrets are `type: "secret"` values: Postman masks them, and the
 * collection only ever references them as {{variables}}.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { targetFromTwinOutputs, type ApiTarget, type ClientName, type TwinOutputsFile } from '../scripts/lib/targets';
import { writePrivateFile } from '../scripts/lib/files';

export interface PostmanVariable {
  key: string;
  value: string;
  type: 'default' | 'secret';
  enabled: boolean;
}

export interface PostmanEnvironment {
  id: string;
  name: string;
  values: PostmanVariable[];
  _postman_variable_scope: 'environment';
}

export const LOCAL_ENVIRONMENT_FILE = join('postman', 'local.postman_environment.json');
export const AWS_ENVIRONMENT_FILE = join('postman', 'aws.postman_environment.json');

/** Values Postman must mask and nobody may commit. */
export function isSecretVariable(key: string): boolean {
  return /secret|password|token$/i.test(key) && key !== 'tokenUrl';
}

/**
 * A Postman environment (the format Postman imports and newman reads). Pure: the same input gives the
 * same document, id included (derived from the name, so re-imports replace rather than duplicate).
 */
export function postmanEnvironment(name: string, values: Record<string, string>): PostmanEnvironment {
  const hex = createHash('sha256').update(`links-api postman environment ${name}`).digest('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return {
    id,
    name,
    values: Object.entries(values).map(([key, value]) => ({
      key,
      value,
      type: isSecretVariable(key) ? 'secret' : 'default',
      enabled: true,
    })),
    _postman_variable_scope: 'environment',
  };
}

export interface UserCredentials {
  username: string;
  password: string;
}

/**
 * Every variable the collection reads from its environment. `username`/`password` are the user the User
 * folder signs in as: empty unless given (create one first — see the collection's description). The
 * scopes are the clients' AllowedOAuthScopes, which the target must carry: from DescribeUserPoolClient on
 * AWS, from the templates for the twin (withTemplateScopes).
 */
export function environmentValues(target: ApiTarget, user: Partial<UserCredentials> = {}): Record<string, string> {
  const scopeOf = (name: ClientName): string => {
    const scopes = target.clients[name].scopes;
    if (!scopes) throw new Error(`the ${name} client's scopes are unknown (AllowedOAuthScopes was not looked up)`);
    return scopes.join(' ');
  };
  return {
    baseUrl: target.apiUrl.replace(/\/+$/, ''),
    // Empty when the stack has no distribution: the collection's CloudFront folder then skips its requests.
    cloudFrontUrl: (target.cloudFrontUrl ?? '').replace(/\/+$/, ''),
    tokenUrl: target.tokenUrl,
    cognitoEndpoint: target.cognitoEndpoint,
    region: target.region,
    userPoolId: target.userPoolId,
    resourceServerId: target.resourceServerId,
    // The M2M client: read + write. These three names are what the collection's OAuth 2.0 auth uses.
    clientId: target.clients.m2m.clientId,
    clientSecret: target.clients.m2m.clientSecret,
    scope: scopeOf('m2m'),
    readOnlyClientId: target.clients.readonly.clientId,
    readOnlyClientSecret: target.clients.readonly.clientSecret,
    readOnlyScope: scopeOf('readonly'),
    userClientId: target.clients.user.clientId,
    userClientSecret: target.clients.user.clientSecret,
    username: user.username ?? '',
    password: user.password ?? '',
  };
}

/**
 * Writes `path` (mode 0600). Keeps a username/password someone typed into the existing file, since
 * generation never knows them.
 */
export function writeEnvironmentFile(path: string, environment: PostmanEnvironment): void {
  const kept = new Map<string, string>();
  if (existsSync(path)) {
    try {
      const previous = JSON.parse(readFileSync(path, 'utf8')) as Partial<PostmanEnvironment>;
      for (const v of previous.values ?? []) if ((v.key === 'username' || v.key === 'password') && v.value) kept.set(v.key, v.value);
    } catch {
      // unreadable: regenerate from scratch
    }
  }
  const values = environment.values.map((v) => (!v.value && kept.has(v.key) ? { ...v, value: kept.get(v.key)! } : v));
  writePrivateFile(path, JSON.stringify({ ...environment, values }, null, 2) + '\n');
}

/**
 * Where the twin's environment goes: postman/local.postman_environment.json for the default local dir
 * (.local), else next to that twin's outputs.json — a second twin (or a test's) must not overwrite the
 * environment of the one a developer uses.
 */
export function localEnvironmentPath(rootDir: string, localDir: string = join(rootDir, '.local')): string {
  return resolve(localDir) === resolve(rootDir, '.local')
    ? join(rootDir, LOCAL_ENVIRONMENT_FILE)
    : join(localDir, 'local.postman_environment.json');
}

/**
 * `npm start` calls this once the twin is up: writes the Postman environment from its outputs (see
 * localEnvironmentPath), scopes included (local.ClientScopes). Never throws (the twin must not fail over a
 * Postman file); returns the line to print.
 */
export function writeLocalEnvironment(outputs: TwinOutputsFile, rootDir: string, localDir?: string): string {
  const path = localEnvironmentPath(rootDir, localDir);
  const shown = relative(rootDir, path).startsWith('..') ? path : relative(rootDir, path);
  try {
    const target = targetFromTwinOutputs(outputs);
    const environment = postmanEnvironment('links-api (local twin)', environmentValues(target));
    writeEnvironmentFile(path, environment);
    return `Postman: import ${shown} and postman/links-api.postman_collection.json (npm run test:api runs the collection)`;
  } catch (error) {
    return `Postman: could not write ${shown}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
