/**
 * `npm run sam:env`: the --env-vars file and events for `sam local`, checked against the templates (every
 * function, every variable it declares, nothing it does not: SAM CLI only overrides declared variables,
 * aws-sam-cli#381) and against the product's own client check (the events' callers are this API's clients).
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionSpecsOf } from '../../local/lambda/function-spec';
import { loadSystem } from '../../local/template/system';
import { samLocalFiles } from '../../scripts/lib/samLocal';
import { principalFromClaims, type TrustedClients } from '../../src/lib/principal';
import { CognitoClaimsSchema } from '../../src/links/schemas';
import { run } from '../support/tools';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const ENDPOINT = 'http://host.docker.internal:8000';

describe('sam:env files', () => {
  const system = loadSystem({ rootDir: ROOT, authParameters: { AllowSelfSignUp: 'true', AutoConfirmSelfSignUp: 'true' } });

  test.each(['api', 'auth'] as const)('%s stack: one entry per function, holding exactly the variables its template declares', (key) => {
    const stack = system[key];
    const files = samLocalFiles(system, stack, ENDPOINT);
    const specs = functionSpecsOf(system).filter((spec) => spec.stackName === stack.name);
    expect(Object.keys(files.environment).sort()).toEqual(specs.map((spec) => spec.logicalId).sort());
    for (const spec of specs) {
      const vars = files.environment[spec.logicalId]!;
      expect({ fn: spec.logicalId, keys: Object.keys(vars).sort() }).toEqual({ fn: spec.logicalId, keys: Object.keys(spec.environment).sort() });
      for (const [name, value] of Object.entries(vars)) {
        const expected = name === 'AWS_ENDPOINT_URL_DYNAMODB' ? ENDPOINT : spec.environment[name];
        expect({ fn: spec.logicalId, name, value }).toEqual({ fn: spec.logicalId, name, value: expected });
      }
    }
  });

  test('API functions reach DynamoDB Local, with the twin\'s table and this API\'s client ids', () => {
    const { environment } = samLocalFiles(system, system.api, ENDPOINT);
    for (const [fn, vars] of Object.entries(environment)) {
      expect({ fn, endpoint: vars.AWS_ENDPOINT_URL_DYNAMODB, table: vars.TABLE_NAME }).toEqual({ fn, endpoint: ENDPOINT, table: system.api.outputs.TableName });
      expect(vars.USER_CLIENT_IDS!.split(',').sort()).toEqual([system.api.outputs.UserClientId, system.api.outputs.WebClientId].sort());
      expect(vars.MACHINE_CLIENT_IDS!.split(',').sort()).toEqual([system.api.outputs.M2MClientId, system.api.outputs.ReadOnlyClientId].sort());
    }
  });

  test('every event\'s caller is a client the function trusts, as the function itself decides', () => {
    const { environment, events } = samLocalFiles(system, system.api, ENDPOINT);
    expect(Object.keys(events).sort()).toEqual(Object.keys(environment).sort());
    for (const [fn, event] of Object.entries(events)) {
      const vars = environment[fn]!;
      const trusted: TrustedClients = { users: new Set(vars.USER_CLIENT_IDS!.split(',')), machines: new Set(vars.MACHINE_CLIENT_IDS!.split(',')) };
      const claims = CognitoClaimsSchema.parse((event.requestContext as { authorizer: { claims: unknown } }).authorizer.claims);
      expect(() => principalFromClaims(claims, trusted)).not.toThrow();
    }
  });
});

describe('npm run sam:env', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sam-env-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const samEnv = (args: string[]) => run(TSX, ['scripts/sam-env.ts', '--local-dir', dir, ...args], { cwd: ROOT, input: '' });

  test('writes env.json and events for the API env, owner-only, with the ids it persists for npm start', async () => {
    const result = await samEnv(['--dynamodb-port', '8123']);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const envFile = join(dir, 'sam', 'api', 'env.json');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    const env = JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, Record<string, string>>;
    expect(env.GetLinkFunction!.AWS_ENDPOINT_URL_DYNAMODB).toBe('http://host.docker.internal:8123');
    const ids = JSON.parse(readFileSync(join(dir, 'state', 'ids.json'), 'utf8')) as Record<string, string>;
    expect(env.GetLinkFunction!.USER_CLIENT_IDS!.split(',')).toContain(ids['links-api/UserClient/ClientId']);
    const event = JSON.parse(readFileSync(join(dir, 'sam', 'api', 'events', 'GetLinkFunction.json'), 'utf8')) as { requestContext: { authorizer: { claims: { client_id: string } } } };
    expect(event.requestContext.authorizer.claims.client_id).toBe(ids['links-api/UserClient/ClientId']);
  });

  test('a running twin with other ids (started --fresh) is one clear line, not a file that cannot work', async () => {
    writeFileSync(join(dir, 'outputs.json'), JSON.stringify({ auth: {}, api: { TableName: 'links-api-LinksTable-FRESH' }, apis: { api: { TableName: 'links-api-LinksTable-FRESH' } }, local: {} }));
    const result = await samEnv([]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^sam:env: the running twin's table is links-api-LinksTable-FRESH, not .*started with --fresh/);
  });

  test('an unknown config env names the ones there are', async () => {
    const result = await samEnv(['--config-env', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--config-env nope is not in samconfig\.toml \(envs: auth, api\)/);
  });
});
