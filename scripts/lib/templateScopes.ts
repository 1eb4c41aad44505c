/**
 * The twin's app clients' scopes, from where the twin's Cognito takes them: each
 * AWS::Cognito::UserPoolClient's AllowedOAuthScopes in the resolved templates. (On AWS, awsTarget reads
 * them with DescribeUserPoolClient.) The twin's outputs.json names the clients but not their scopes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IdStore } from '../../local/template/ids';
import { loadSystem, resourcesOfType, type System } from '../../local/template/system';
import { CLIENT_NAMES, CLIENT_OUTPUT_KEYS, TargetError, type ApiTarget, type AppClient, type ClientName } from './targets';

/** Reads a twin's persisted ids without ever writing them: the twin's process owns that file. */
class ReadOnlyIdStore extends IdStore {
  constructor(private readonly known: Record<string, string>) {
    super();
  }

  override get(key: string, generate: () => string): string {
    return this.known[key] ?? super.get(key, generate);
  }
}

/**
 * The templates resolved as the twin of `localDir` (npm start's --local-dir, default .local) resolved
 * them: the same samconfig.toml, and its persisted ids (state/ids.json), so client ids match its outputs.
 * A --fresh twin keeps no ids on disk: templateClientScopes then goes by the outputs' names.
 */
export function loadTwinSystem(rootDir: string, localDir = '.local'): System {
  const file = join(resolve(rootDir, localDir), 'state', 'ids.json');
  let known: Record<string, string> = {};
  try {
    if (existsSync(file)) known = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    known = {};
  }
  return loadSystem({ rootDir, ids: new ReadOnlyIdStore(known) });
}

/**
 * Each client's AllowedOAuthScopes in `system`: the UserPoolClient whose physical id is the target's client
 * id — or, when `system` was resolved with other ids (a --fresh twin seen from another process), the one
 * the stack output of the same name (M2MClientId…) refers to. A TargetError when the templates no longer
 * describe that twin (a client gone, another resource server): restarting it brings both in line.
 */
export function templateClientScopes(system: System, target: ApiTarget): Record<ClientName, string[]> {
  const restart = 'restart the twin (npm start) so it and the templates agree';
  const resourceServer = system.api.outputs.ResourceServerId;
  if (resourceServer !== undefined && resourceServer !== target.resourceServerId) {
    throw new TargetError(`the templates resolve to resource server '${resourceServer}' but the twin's is '${target.resourceServerId}': ${restart}`);
  }
  const clients = resourcesOfType(system, 'AWS::Cognito::UserPoolClient');
  const scopesOf = (name: ClientName): string[] => {
    const { clientId } = target.clients[name];
    const byOutput = system.api.outputs[CLIENT_OUTPUT_KEYS[name]];
    const client = clients.find((c) => c.physicalId === clientId) ?? clients.find((c) => c.physicalId === byOutput);
    if (!client) throw new TargetError(`the templates have no app client for the ${name} client ${clientId}: ${restart}`);
    const scopes = client.properties.AllowedOAuthScopes ?? [];
    if (!Array.isArray(scopes)) throw new TargetError(`${client.logicalId}.AllowedOAuthScopes is not a list in the template`);
    return scopes.map(String);
  };
  return Object.fromEntries(CLIENT_NAMES.map((name) => [name, scopesOf(name)])) as Record<ClientName, string[]>;
}

/** `target` with each client's `scopes` taken from the templates (see templateClientScopes). */
export function withTemplateScopes(target: ApiTarget, system: System): ApiTarget {
  const scopes = templateClientScopes(system, target);
  const clients = Object.fromEntries(
    CLIENT_NAMES.map((name) => [name, { ...target.clients[name], scopes: scopes[name] }]),
  ) as Record<ClientName, AppClient>;
  return { ...target, clients };
}
