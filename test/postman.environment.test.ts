import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSystem, resourcesOfType, type System } from '../local/template/system';
import {
  environmentValues,
  isSecretVariable,
  localEnvironmentPath,
  LOCAL_ENVIRONMENT_FILE,
  postmanEnvironment,
  writeLocalEnvironment,
  type PostmanEnvironment,
} from '../postman/environment';
import { targetFromTwinOutputs, type TwinOutputsFile } from '../scripts/lib/targets';
import { twinOutputs } from '../local/twin';
import { allScripts, allStrings, FAKE_TARGET, loadCollection, ROOT } from './postman-support';

const outputs: TwinOutputsFile = {
  auth: {
    UserPoolId: FAKE_TARGET.userPoolId,
    UserPoolArn: 'arn:aws:cognito-idp:eu-west-1:000000000000:userpool/eu-west-1_AbCdEf123',
    TokenUrl: FAKE_TARGET.tokenUrl,
    IssuerUrl: FAKE_TARGET.issuerUrl,
  },
  api: {
    ApiUrl: FAKE_TARGET.apiUrl,
    M2MClientId: FAKE_TARGET.clients.m2m.clientId,
    ReadOnlyClientId: FAKE_TARGET.clients.readonly.clientId,
    UserClientId: FAKE_TARGET.clients.user.clientId,
    ResourceServerId: 'links-api',
    TableName: 'links-api-LinksTable-ABC',
  },
  local: {
    Region: 'eu-west-1',
    CognitoEndpoint: 'http://127.0.0.1:9229',
    ClientSecrets: Object.fromEntries(Object.values(FAKE_TARGET.clients).map((c) => [c.clientId, c.clientSecret])),
    ClientScopes: Object.fromEntries(Object.values(FAKE_TARGET.clients).map((c) => [c.clientId, c.scopes])),
  },
};

describe('postmanEnvironment', () => {
  const env = postmanEnvironment('links-api (test)', environmentValues(FAKE_TARGET, { username: 'alice@example.com', password: 'Pa55-word!xyz' }));
  const byKey = new Map(env.values.map((v) => [v.key, v]));

  it('is a Postman environment document', () => {
    expect(env._postman_variable_scope).toBe('environment');
    expect(env.name).toBe('links-api (test)');
    expect(env.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(env.values.every((v) => v.enabled)).toBe(true);
  });

  it('is pure: same input, same document (id included)', () => {
    expect(postmanEnvironment('x', { a: '1' })).toEqual(postmanEnvironment('x', { a: '1' }));
    expect(postmanEnvironment('x', {}).id).not.toBe(postmanEnvironment('y', {}).id);
  });

  it('marks every secret as a secret, and nothing else', () => {
    const secrets = env.values.filter((v) => v.type === 'secret').map((v) => v.key).sort();
    expect(secrets).toEqual(['clientSecret', 'password', 'readOnlyClientSecret', 'userClientSecret']);
    expect(byKey.get('clientSecret')?.value).toBe(FAKE_TARGET.clients.m2m.clientSecret);
    expect(byKey.get('tokenUrl')?.type).toBe('default');
    expect(isSecretVariable('userIdToken')).toBe(true);
  });

  it('derives the values from the target', () => {
    expect(byKey.get('baseUrl')?.value).toBe('http://127.0.0.1:3000/v1'); // requests add /links
    expect(byKey.get('scope')?.value).toBe('links-api/read links-api/write');
    expect(byKey.get('readOnlyScope')?.value).toBe('links-api/read');
    expect(byKey.get('clientId')?.value).toBe(FAKE_TARGET.clients.m2m.clientId);
    expect(byKey.get('readOnlyClientId')?.value).toBe(FAKE_TARGET.clients.readonly.clientId);
    expect(byKey.get('userClientId')?.value).toBe(FAKE_TARGET.clients.user.clientId);
    expect(byKey.get('cognitoEndpoint')?.value).toBe('http://127.0.0.1:9229');
  });

  it('defines every variable the collection reads, except those its scripts set', () => {
    const collection = loadCollection();
    const referenced = new Set<string>();
    for (const text of allStrings(collection)) {
      for (const match of text.matchAll(/\{\{([\w$.-]+)\}\}/g)) if (!match[1]!.startsWith('$')) referenced.add(match[1]!);
    }
    for (const script of allScripts(collection)) {
      for (const match of script.matchAll(/pm\.(?:variables|environment)\.get\('([\w-]+)'\)/g)) referenced.add(match[1]!);
      // The token helper's table names the variables it reads per client: { clientId: 'readOnlyClientId', … }
      for (const match of script.matchAll(/\b(?:clientId|clientSecret|scope): '([\w-]+)'/g)) referenced.add(match[1]!);
    }
    const setByScripts = new Set<string>();
    for (const script of allScripts(collection)) {
      for (const match of script.matchAll(/pm\.(?:variables|collectionVariables)\.set\('([\w-]+)'/g)) setByScripts.add(match[1]!);
    }
    // Variables the collection declares for its scripts (empty in the file, filled at run time).
    const declared = new Set((collection.variable ?? []).map((v) => v.key));
    const defined = new Set([...byKey.keys(), ...setByScripts, ...declared]);
    const undefinedVariables = [...referenced].filter((name) => !defined.has(name));
    expect(undefinedVariables).toEqual([]);
    // The variables the token helper supplies are both declared and really supplied by it.
    for (const name of ['m2mAccessToken', 'readOnlyAccessToken']) {
      expect(declared.has(name)).toBe(true);
      expect(allScripts(collection)[0]).toContain(`${name}: {`);
    }
    // What only an environment can provide is provided by the generated one.
    for (const name of ['baseUrl', 'tokenUrl', 'cognitoEndpoint', 'clientId', 'clientSecret', 'scope', 'readOnlyClientId', 'readOnlyClientSecret', 'readOnlyScope', 'userClientId', 'userClientSecret', 'username', 'password']) {
      expect(referenced.has(name)).toBe(true);
      expect(byKey.has(name)).toBe(true);
    }
  });
});

describe('writeLocalEnvironment', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'postman-env-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const read = () => JSON.parse(readFileSync(join(dir, LOCAL_ENVIRONMENT_FILE), 'utf8')) as PostmanEnvironment;

  it('writes the twin\'s environment, owner-readable only, and says so', () => {
    const line = writeLocalEnvironment(outputs, dir, undefined);
    expect(line).toContain(LOCAL_ENVIRONMENT_FILE);
    const env = read();
    expect(env.values.find((v) => v.key === 'readOnlyClientSecret')).toEqual({
      key: 'readOnlyClientSecret',
      value: FAKE_TARGET.clients.readonly.clientSecret,
      type: 'secret',
      enabled: true,
    });
    expect(env.values.find((v) => v.key === 'baseUrl')?.value).toBe('http://127.0.0.1:3000/v1');
    expect(statSync(join(dir, LOCAL_ENVIRONMENT_FILE)).mode & 0o777).toBe(0o600);
  });

  it('keeps a username and password typed into the previous file', () => {
    writeLocalEnvironment(outputs, dir, undefined);
    const env = read();
    for (const v of env.values) if (v.key === 'username') v.value = 'bob@example.com';
    for (const v of env.values) if (v.key === 'password') v.value = 'Typed-in-9!xyz';
    writeFileSync(join(dir, LOCAL_ENVIRONMENT_FILE), JSON.stringify(env));
    writeLocalEnvironment({ ...outputs, api: { ...outputs.api, ApiUrl: 'http://127.0.0.1:4000/v1/' } }, dir, undefined);
    const again = read();
    expect(again.values.find((v) => v.key === 'username')?.value).toBe('bob@example.com');
    expect(again.values.find((v) => v.key === 'password')?.value).toBe('Typed-in-9!xyz');
    expect(again.values.find((v) => v.key === 'baseUrl')?.value).toBe('http://127.0.0.1:4000/v1');
  });

  it('writes a second twin\'s environment (another --local-dir) next to its outputs, not over the developer\'s', () => {
    expect(localEnvironmentPath(dir)).toBe(join(dir, LOCAL_ENVIRONMENT_FILE));
    expect(localEnvironmentPath(dir, join(dir, '.local'))).toBe(join(dir, LOCAL_ENVIRONMENT_FILE));
    const other = join(dir, 'elsewhere');
    expect(localEnvironmentPath(dir, other)).toBe(join(other, 'local.postman_environment.json'));
    expect(writeLocalEnvironment(outputs, dir, other)).toContain(join('elsewhere', 'local.postman_environment.json'));
    expect(() => statSync(join(dir, LOCAL_ENVIRONMENT_FILE))).toThrow();
  });

  it('never throws: npm start must not fail over the Postman file', () => {
    const broken = { ...outputs, api: {} } as TwinOutputsFile;
    expect(writeLocalEnvironment(broken, dir, undefined)).toMatch(/could not write .*ApiUrl/);
  });
});

describe('the clients\' scopes come from the templates', () => {
  const LOGICAL_IDS = { m2m: 'M2MClient', readonly: 'ReadOnlyClient', user: 'UserClient' } as const;
  let dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    dirs = [];
  });

  /** What a twin on `system` writes to outputs.json: the twin's own function. */
  const outputsOf = (system: System): TwinOutputsFile =>
    twinOutputs(system, { cognitoUrl: 'http://127.0.0.1:9229', apiUrls: { [system.api.resources.LinksApi!.physicalId]: 'http://127.0.0.1:3000' } }, 'http://127.0.0.1:8000');
  const scopesIn = (system: System, logicalId: string) => system.api.resources[logicalId]!.properties.AllowedOAuthScopes;

  /** This project's samconfig.toml and templates in a temporary root, edited. */
  function projectCopy(edit: { api?: (text: string) => string; samconfig?: (text: string) => string } = {}): string {
    const dir = mkdtempSync(join(tmpdir(), 'postman-scopes-'));
    dirs.push(dir);
    for (const file of ['samconfig.toml', 'auth-stack/template.yaml', 'api-stack/template.yaml']) cpSync(join(ROOT, file), join(dir, file));
    const rewrite = (file: string, change?: (text: string) => string) => {
      if (!change) return;
      const before = readFileSync(join(dir, file), 'utf8');
      const after = change(before);
      expect(after).not.toBe(before);
      writeFileSync(join(dir, file), after);
    };
    rewrite('api-stack/template.yaml', edit.api);
    rewrite('samconfig.toml', edit.samconfig);
    return dir;
  }
  // The M2M client loses read; the API's resource server is renamed through samconfig.toml's overrides.
  const editedCopy = () =>
    projectCopy({
      api: (text) => text.replace(/(\n {2}M2MClient:[\s\S]*?AllowedOAuthScopes:\n)\s+- !Sub \['\$\{Id\}\/read'[^\n]*\n/, '$1'),
      samconfig: (text) => text.replace('UserPoolArn=/links-auth/CognitoUserPoolArn"', 'UserPoolArn=/links-auth/CognitoUserPoolArn ResourceServerIdentifier=bookmarks"'),
    });

  it('equal each client\'s AllowedOAuthScopes in the resolved templates', () => {
    const system = loadSystem({ rootDir: ROOT });
    const target = targetFromTwinOutputs(outputsOf(system));
    for (const [name, logicalId] of Object.entries(LOGICAL_IDS) as [keyof typeof LOGICAL_IDS, string][]) {
      expect(target.clients[name].scopes).toEqual(scopesIn(system, logicalId));
    }
    const values = environmentValues(target);
    expect(values.scope).toBe((scopesIn(system, 'M2MClient') as string[]).join(' '));
    expect(values.readOnlyScope).toBe((scopesIn(system, 'ReadOnlyClient') as string[]).join(' '));
    expect([values.scope, values.readOnlyScope]).toEqual(['links-api/read links-api/write', 'links-api/read']);
  });

  it('follow the templates: a copy with other scopes and another resource server gives another environment', () => {
    const root = editedCopy();
    const system = loadSystem({ rootDir: root });
    expect(scopesIn(system, 'M2MClient')).toEqual(['bookmarks/write']);
    expect(writeLocalEnvironment(outputsOf(system), root)).toContain(LOCAL_ENVIRONMENT_FILE);
    const env = JSON.parse(readFileSync(join(root, LOCAL_ENVIRONMENT_FILE), 'utf8')) as PostmanEnvironment;
    const value = (key: string) => env.values.find((v) => v.key === key)?.value;
    expect(value('scope')).toBe('bookmarks/write');
    expect(value('readOnlyScope')).toBe('bookmarks/read');
    expect(value('resourceServerId')).toBe('bookmarks');
  });

  it('are published per client id, so each client gets its own', () => {
    const system = loadSystem({ rootDir: ROOT });
    const published = outputsOf(system).local.ClientScopes ?? {};
    const clients = resourcesOfType(system, 'AWS::Cognito::UserPoolClient');
    expect(Object.keys(published).sort()).toEqual(clients.map((c) => c.physicalId).sort());
    for (const client of clients) expect(published[client.physicalId]).toEqual(client.properties.AllowedOAuthScopes);
  });

  it('say so when a twin\'s outputs predate them, rather than guess', () => {
    const { ClientScopes: _omitted, ...older } = outputsOf(loadSystem({ rootDir: ROOT })).local;
    const dir = mkdtempSync(join(tmpdir(), 'postman-scopes-'));
    dirs.push(dir);
    expect(writeLocalEnvironment({ ...outputsOf(loadSystem({ rootDir: ROOT })), local: older }, dir)).toMatch(/could not write .*scopes are unknown/);
  });

  it('are required: an environment is never written with made-up scopes', () => {
    const m2m = { clientId: FAKE_TARGET.clients.m2m.clientId, clientSecret: FAKE_TARGET.clients.m2m.clientSecret };
    expect(() => environmentValues({ ...FAKE_TARGET, clients: { ...FAKE_TARGET.clients, m2m } })).toThrow(/m2m client's scopes are unknown/);
  });
});

it('git ignores the generated environments', () => {
  for (const file of ['postman/local.postman_environment.json', 'postman/aws.postman_environment.json']) {
    expect(() => execFileSync('git', ['check-ignore', '-q', file], { cwd: ROOT })).not.toThrow();
  }
});
