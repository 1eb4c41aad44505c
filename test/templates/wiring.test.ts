import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { distributionsOf } from '../../local/cloudfront/distribution-model';
import { forwardsAuthorization, forwardsViewerHost } from '../../local/cloudfront/origin-request';
import { selects } from '../../local/cloudfront/policies';
import { readDeployConfigs } from '../../local/template/samconfig';
import type { ResolvedResource } from '../../local/template/stack';
import { loadSystem } from '../../local/template/system';
import { apiEvents, buildProperties, entryBasename, entryFile, entryPoints, listFunctions, rawTemplate, ROOT } from './model';

/**
 * How the two stacks fit together and what each promises, checked on the templates as deployed with samconfig.toml
 * (loadSystem: parameters, SSM hand-off, intrinsics, Globals) and, where a Condition could hide something, on the
 * raw templates.
 */

const system = loadSystem({ rootDir: ROOT });
const { auth, api } = system;
const samconfig = join(ROOT, 'samconfig.toml');

const ofType = (type: string): ResolvedResource[] => Object.values(api.resources).filter((r) => r.type === type);
const only = (type: string): ResolvedResource => {
  const found = ofType(type);
  expect(found.map((r) => r.logicalId)).toHaveLength(1);
  return found[0]!;
};
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

const STANDARD_SCOPES = ['openid', 'email', 'profile', 'phone', 'aws.cognito.signin.user.admin'];
const USER_ADMIN_SCOPE = 'aws.cognito.signin.user.admin';

const resourceServer = () => only('AWS::Cognito::UserPoolResourceServer');
const identifier = () => String(resourceServer().properties.Identifier);
const customScopes = () => (resourceServer().properties.Scopes as { ScopeName: string }[]).map((s) => `${identifier()}/${s.ScopeName}`);
const clients = () => ofType('AWS::Cognito::UserPoolClient');
const client = (logicalId: string) => {
  const found = api.resources[logicalId];
  if (!found || found.type !== 'AWS::Cognito::UserPoolClient') throw new Error(`no app client ${logicalId} in the api stack`);
  return found;
};
const functions = () => Object.values(api.resources).filter((r) => r.type === 'AWS::Serverless::Function');
const routes = () => functions().flatMap((fn) => apiEvents(fn.properties).map((e) => ({ fn, ...e })));
const linksApi = () => only('AWS::Serverless::Api');

describe('SSM hand-off between the stacks', () => {
  const ssmTyped = Object.entries(rawTemplate('api').Parameters ?? {}).filter(([, p]) => /^AWS::SSM::Parameter::Value</.test(p.Type));

  test('the api stack has SSM-typed parameters for the pool id and ARN', () => {
    expect(ssmTyped.map(([name]) => name).sort()).toEqual(['UserPoolArn', 'UserPoolId']);
  });

  test('their defaults are names the auth stack publishes (under its samconfig stack name)', () => {
    const published = Object.keys(auth.ssmParameters);
    for (const [name, spec] of ssmTyped) expect({ name, default: spec.Default, published: published.includes(String(spec.Default)) }).toEqual({ name, default: spec.Default, published: true });
  });

  test('samconfig overrides, if any, name published parameters too', () => {
    const overrides = readDeployConfigs(samconfig).api.parameterOverrides;
    for (const [name] of ssmTyped) {
      if (overrides[name] === undefined) continue;
      expect({ name, override: overrides[name], published: overrides[name]! in auth.ssmParameters }).toEqual({ name, override: overrides[name], published: true });
    }
  });

  test('each parameter receives the right value (id to UserPoolId, ARN to UserPoolArn)', () => {
    expect(api.parameters.UserPoolId).toBe(auth.outputs.UserPoolId);
    expect(api.parameters.UserPoolArn).toBe(auth.outputs.UserPoolArn);
  });

  test('the auth stack publishes the pool id, ARN, issuer and token URL under /<stack name>/', () => {
    expect(Object.keys(auth.ssmParameters).sort()).toEqual(
      ['CognitoIssuerUrl', 'CognitoTokenUrl', 'CognitoUserPoolArn', 'CognitoUserPoolId'].map((n) => `/${auth.name}/${n}`),
    );
    expect(auth.ssmParameters[`/${auth.name}/CognitoIssuerUrl`]).toBe(auth.outputs.IssuerUrl);
    expect(auth.ssmParameters[`/${auth.name}/CognitoTokenUrl`]).toBe(auth.outputs.TokenUrl);
  });
});

describe('scopes', () => {
  test('the resource server defines read and write', () => {
    expect(customScopes().sort()).toEqual([`${identifier()}/read`, `${identifier()}/write`]);
  });

  test('every route scope is aws.cognito.signin.user.admin or a scope of the resource server', () => {
    const allowed = [...customScopes(), USER_ADMIN_SCOPE];
    for (const route of routes()) {
      for (const scope of list(route.auth?.AuthorizationScopes)) {
        expect({ route: `${route.method} ${route.path}`, scope, known: allowed.includes(scope) }).toEqual({ route: `${route.method} ${route.path}`, scope, known: true });
      }
    }
  });

  test('routes with scopes name their authorizer explicitly (SAM ignores scopes otherwise; cfn-lint E0001)', () => {
    for (const route of routes().filter((r) => r.auth?.AuthorizationScopes !== undefined)) {
      expect({ route: `${route.method} ${route.path}`, authorizer: route.auth?.Authorizer }).toEqual({ route: `${route.method} ${route.path}`, authorizer: 'CognitoAuthorizer' });
    }
  });

  test('read routes accept read, write routes accept write (and users), /me takes an ID token (no scopes)', () => {
    const byRoute = Object.fromEntries(routes().map((r) => [`${r.method.toUpperCase()} ${r.path}`, list(r.auth?.AuthorizationScopes).sort()]));
    const read = [`${identifier()}/read`, USER_ADMIN_SCOPE].sort();
    const write = [`${identifier()}/write`, USER_ADMIN_SCOPE].sort();
    for (const [route, scopes] of Object.entries(byRoute)) {
      const expected = route === 'GET /me' ? [] : route.startsWith('GET ') ? read : write;
      expect({ route, scopes }).toEqual({ route, scopes: expected });
    }
    expect(Object.keys(byRoute)).toContain('GET /me');
  });

  test("every client's AllowedOAuthScopes are resource-server or standard scopes", () => {
    const allowed = [...customScopes(), ...STANDARD_SCOPES];
    for (const c of clients()) {
      const unknown = list(c.properties.AllowedOAuthScopes).filter((s) => !allowed.includes(s));
      expect({ client: c.logicalId, unknown }).toEqual({ client: c.logicalId, unknown: [] });
    }
  });

  test('clients with custom scopes DependsOn the resource server (the scopes must exist first)', () => {
    for (const c of clients()) {
      if (!list(c.properties.AllowedOAuthScopes).some((s) => customScopes().includes(s))) continue;
      expect({ client: c.logicalId, dependsOn: c.dependsOn.includes(resourceServer().logicalId) }).toEqual({ client: c.logicalId, dependsOn: true });
    }
  });

  test('the read-only client has the read scope and no write scope', () => {
    expect(list(client('ReadOnlyClient').properties.AllowedOAuthScopes)).toEqual([`${identifier()}/read`]);
  });

  test('the M2M clients use client_credentials with a secret', () => {
    for (const id of ['M2MClient', 'ReadOnlyClient']) {
      const { properties: p } = client(id);
      expect({ id, flows: p.AllowedOAuthFlows, secret: p.GenerateSecret, oauth: p.AllowedOAuthFlowsUserPoolClient })
        .toEqual({ id, flows: ['client_credentials'], secret: true, oauth: true });
    }
    expect(list(client('M2MClient').properties.AllowedOAuthScopes).sort()).toEqual(customScopes().sort());
  });
});

describe('user client', () => {
  const p = () => client('UserClient').properties;
  test('hides user existence, revokes tokens, has a secret', () => {
    expect({ prevent: p().PreventUserExistenceErrors, revocation: p().EnableTokenRevocation, secret: p().GenerateSecret })
      .toEqual({ prevent: 'ENABLED', revocation: true, secret: true });
  });
  test('allows password, admin password, SRP and refresh sign-in', () => {
    expect(list(p().ExplicitAuthFlows).sort()).toEqual(['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']);
  });
  test('authorization-code flow with openid, email and the custom scopes, via the Cognito hosted UI', () => {
    expect(p().AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(list(p().AllowedOAuthFlows)).toEqual(['code']);
    expect(list(p().AllowedOAuthScopes)).toEqual(expect.arrayContaining(['openid', 'email', ...customScopes()]));
    expect(list(p().SupportedIdentityProviders)).toContain('COGNITO');
    expect(list(p().CallbackURLs).length).toBeGreaterThan(0);
  });
});

describe('REST API', () => {
  test('CORS preflight is unauthenticated while every route has the Cognito authorizer by default', () => {
    const auth = linksApi().properties.Auth as Record<string, unknown>;
    expect(auth.DefaultAuthorizer).toBe('CognitoAuthorizer');
    expect(auth.AddDefaultAuthorizerToCorsPreflight).toBe(false);
    expect(Object.keys(auth.Authorizers as object)).toEqual(['CognitoAuthorizer']);
    expect(linksApi().properties.Cors).toBeDefined();
  });

  test("the authorizer is the shared pool, reading the Authorization header", () => {
    const authorizer = (linksApi().properties.Auth as { Authorizers: Record<string, Record<string, unknown>> }).Authorizers.CognitoAuthorizer;
    expect(authorizer).toEqual({ UserPoolArn: auth.outputs.UserPoolArn, Identity: { Header: 'Authorization' } });
  });

  test("OpenApiVersion is the string '3.0' (no extra \"Stage\" stage)", () => {
    expect(linksApi().properties.OpenApiVersion).toBe('3.0');
  });

  test('every route is served by the LinksApi', () => {
    for (const route of routes()) {
      expect({ fn: route.fn.logicalId, api: route.fn.properties.Events && (route.fn.properties.Events as Record<string, { Properties: { RestApiId: unknown } }>)[route.name]?.Properties.RestApiId })
        .toEqual({ fn: route.fn.logicalId, api: linksApi().physicalId });
    }
  });

  test('gateway responses UNAUTHORIZED, ACCESS_DENIED, DEFAULT_4XX, DEFAULT_5XX have CORS and the real message', () => {
    const responses = linksApi().properties.GatewayResponses as Record<string, { ResponseParameters?: { Headers?: Record<string, string> }; ResponseTemplates?: Record<string, string> }>;
    const cors = (linksApi().properties.Cors as { AllowOrigin: string }).AllowOrigin;
    for (const type of ['UNAUTHORIZED', 'ACCESS_DENIED', 'DEFAULT_4XX', 'DEFAULT_5XX']) {
      expect({ type, origin: responses[type]?.ResponseParameters?.Headers?.['Access-Control-Allow-Origin'], template: responses[type]?.ResponseTemplates?.['application/json'] })
        .toEqual({ type, origin: cors, template: '{"message":$context.error.messageString}' });
    }
  });
});

describe('functions (both stacks, including conditional ones)', () => {
  const all = listFunctions();

  test('there are functions in both stacks', () => {
    expect(new Set(all.map((f) => f.stack))).toEqual(new Set(['auth', 'api']));
  });

  test.each(all.map((f) => [`${f.stack}/${f.logicalId}`, f] as const))('%s: nodejs24.x on arm64, built by esbuild with Minify and Sourcemap', (_, fn) => {
    expect({ runtime: fn.properties.Runtime, arch: fn.properties.Architectures, build: fn.metadata.BuildMethod, minify: buildProperties(fn).Minify, sourcemap: buildProperties(fn).Sourcemap })
      .toEqual({ runtime: 'nodejs24.x', arch: ['arm64'], build: 'esbuild', minify: true, sourcemap: true });
  });

  test.each(all.map((f) => [`${f.stack}/${f.logicalId}`, f] as const))('%s: Handler matches its one EntryPoint, which exists', (_, fn) => {
    const entries = entryPoints(fn);
    expect(entries).toHaveLength(1);
    const entry = entries[0]!;
    expect(fn.handlerModule).toBe(entryBasename(entry));
    const file = entryFile(fn, entry);
    if (!file) throw new Error(`${fn.stack}/${fn.logicalId}: entry ${entry} (from ${relative(ROOT, fn.codeDir) || '.'}) does not exist`);
    // sam build installs the CodeUri's package.json dependencies before bundling.
    expect(existsSync(join(fn.codeDir, 'package.json'))).toBe(true);
  });

  test('no function brings its own Role (SAM would ignore Policies)', () => {
    for (const fn of all) expect({ fn: fn.logicalId, role: fn.properties.Role }).toEqual({ fn: fn.logicalId, role: undefined });
  });
});

describe('least privilege', () => {
  const table = () => only('AWS::DynamoDB::Table');
  const tableArn = () => `arn:aws:dynamodb:${system.region}:${system.accountId}:table/${table().physicalId}`;

  test('every policy statement allows named DynamoDB actions on the table ARN only', () => {
    for (const fn of functions()) {
      for (const policy of (fn.properties.Policies as unknown[] | undefined) ?? []) {
        expect({ fn: fn.logicalId, inline: typeof policy === 'object' && policy !== null && 'Statement' in policy }).toEqual({ fn: fn.logicalId, inline: true });
        for (const statement of (policy as { Statement: Record<string, unknown>[] }).Statement) {
          const actions = list(statement.Action);
          expect({ fn: fn.logicalId, effect: statement.Effect, resource: list(statement.Resource), notAction: statement.NotAction, notResource: statement.NotResource })
            .toEqual({ fn: fn.logicalId, effect: 'Allow', resource: [tableArn()], notAction: undefined, notResource: undefined });
          expect({ fn: fn.logicalId, bad: actions.filter((a) => !/^dynamodb:[A-Za-z]+$/.test(a)) }).toEqual({ fn: fn.logicalId, bad: [] });
        }
      }
    }
    // The functions name the table rather than Ref it (it is created last: rollback.test.ts); name and ARN are
    // built from the same stack id, so they always meet the table's own.
    for (const fn of functions()) {
      const vars = (fn.properties.Environment as { Variables: Record<string, string> }).Variables;
      expect({ fn: fn.logicalId, table: vars.TABLE_NAME }).toEqual({ fn: fn.logicalId, table: table().physicalId });
    }
    expect(table().physicalId).toBe(`${api.name}-links-${api.stackId.split('/')[2]}`);
  });

  test('the /me function has no policy at all (it reads only the verified claims)', () => {
    const me = routes().filter((r) => r.path === '/me').map((r) => r.fn);
    expect(me).toHaveLength(1);
    expect(me[0]!.properties.Policies).toBeUndefined();
  });

  test('auth stack functions have no policies', () => {
    for (const fn of listFunctions(['auth'])) expect({ fn: fn.logicalId, policies: fn.properties.Policies }).toEqual({ fn: fn.logicalId, policies: undefined });
  });
});

describe('outputs', () => {
  test('auth stack: UserPoolId, UserPoolArn, TokenUrl, IssuerUrl', () => {
    expect(Object.keys(auth.outputs)).toEqual(expect.arrayContaining(['UserPoolId', 'UserPoolArn', 'TokenUrl', 'IssuerUrl']));
    const poolId = auth.outputs.UserPoolId!;
    expect(auth.outputs.UserPoolArn).toBe(`arn:aws:cognito-idp:${system.region}:${system.accountId}:userpool/${poolId}`);
    expect(auth.outputs.IssuerUrl).toBe(`https://cognito-idp.${system.region}.amazonaws.com/${poolId}`);
    expect(auth.outputs.TokenUrl).toMatch(new RegExp(`^https://[a-z0-9-]+\\.auth\\.${system.region}\\.amazoncognito\\.com/oauth2/token$`));
  });

  test('api stack: ApiUrl, M2MClientId, ReadOnlyClientId, UserClientId, ResourceServerId, TableName', () => {
    expect(Object.keys(api.outputs)).toEqual(expect.arrayContaining(['ApiUrl', 'M2MClientId', 'ReadOnlyClientId', 'UserClientId', 'ResourceServerId', 'TableName']));
    expect(api.outputs.ApiUrl).toBe(`https://${linksApi().physicalId}.execute-api.${system.region}.amazonaws.com/${api.parameters.StageName}/`);
    expect(api.outputs.M2MClientId).toBe(client('M2MClient').physicalId);
    expect(api.outputs.ReadOnlyClientId).toBe(client('ReadOnlyClient').physicalId);
    expect(api.outputs.UserClientId).toBe(client('UserClient').physicalId);
    expect(api.outputs.ResourceServerId).toBe(identifier());
    expect(api.outputs.TableName).toBe(only('AWS::DynamoDB::Table').physicalId);
  });
});

describe('table', () => {
  test('on-demand, point-in-time recovery, server-side encryption', () => {
    const p = only('AWS::DynamoDB::Table').properties;
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.ProvisionedThroughput).toBeUndefined();
    expect(p.PointInTimeRecoverySpecification).toMatchObject({ PointInTimeRecoveryEnabled: true });
    expect(p.SSESpecification).toMatchObject({ SSEEnabled: true });
  });

  test('the table\'s retention is a parameter, resolved by CloudFormation itself (no transform needed)', () => {
    const raw = rawTemplate('api');
    const table = raw.Resources.LinksTable as { DeletionPolicy?: unknown; UpdateReplacePolicy?: unknown };
    expect(raw.Conditions?.RetainTable).toEqual({ 'Fn::Equals': [{ Ref: 'TableRetention' }, 'Retain'] });
    // RetainExceptOnCreate is a DeletionPolicy only; UpdateReplacePolicy takes Retain (CloudFormation's DeletionPolicy docs).
    expect({ deletion: table.DeletionPolicy, replace: table.UpdateReplacePolicy }).toEqual({
      deletion: { 'Fn::If': ['RetainTable', 'RetainExceptOnCreate', 'Delete'] },
      replace: { 'Fn::If': ['RetainTable', 'Retain', 'Delete'] },
    });
  });
});

describe('transforms', () => {
  // Each transform is a deliberate choice: AWS::LanguageExtensions, for one, is reported to reject the
  // RetainExceptOnCreate policy the table uses (cfn-language-discussion#139), failing every change set.
  test.each(['auth', 'api'] as const)('the %s stack lists the SAM transform and nothing else', (stack) => {
    expect(rawTemplate(stack).Transform).toBe('AWS::Serverless-2016-10-31');
  });
});

/**
 * Deploy, update and teardown traps found by rehearsing the templates against CloudFormation's documented
 * behaviour (aws-behaviour.md, "CloudFormation attributes and lifecycle").
 */
describe('deploy, update and delete without traps', () => {
  const rawAuth = () => rawTemplate('auth').Resources;
  const poolId = () => auth.resources.UserPool!.physicalId;

  test('the issuer is ProviderURL as CloudFormation returns it (scheme included), never https://https://', () => {
    const issuer = `https://cognito-idp.${system.region}.amazonaws.com/${poolId()}`;
    expect(auth.outputs.IssuerUrl).toBe(issuer);
    expect(auth.ssmParameters[`/${auth.name}/CognitoIssuerUrl`]).toBe(issuer);
    expect(rawAuth().IssuerUrlParameter?.Properties?.Value).toEqual({ 'Fn::GetAtt': ['UserPool', 'ProviderURL'] });
    expect(JSON.stringify(rawTemplate('auth'))).not.toMatch(/https:\/\/\$\{UserPool\.Provider/);
  });

  test('a failed first create leaves no pool or table behind: RetainExceptOnCreate, Retain on replacement', () => {
    expect({ deletion: rawAuth().UserPool?.DeletionPolicy, replace: rawAuth().UserPool?.UpdateReplacePolicy })
      .toEqual({ deletion: 'RetainExceptOnCreate', replace: 'Retain' });
  });

  test('the table is created after the Cognito resources that can fail in a shared pool', () => {
    const table = only('AWS::DynamoDB::Table');
    const cognito = [resourceServer(), ...clients()].map((r) => r.logicalId).sort();
    expect(table.dependsOn.slice().sort()).toEqual(expect.arrayContaining(cognito));
  });

  test('the domain prefix defaults to login-<stack id UUID> (valid whatever the stack name, held by no one else), or takes the parameter', () => {
    const uuid = auth.stackId.split('/')[2]!;
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(auth.parameters.DomainPrefix).toBe('');
    expect(auth.resources.UserPoolDomain!.properties.Domain).toBe(`login-${uuid}`);
    expect(auth.outputs.TokenUrl).toBe(`https://login-${uuid}.auth.${system.region}.amazoncognito.com/oauth2/token`);
    const chosen = loadSystem({ rootDir: ROOT, authParameters: { DomainPrefix: 'my-links' } });
    expect(chosen.auth.resources.UserPoolDomain!.properties.Domain).toBe('my-links');
    expect(readDeployConfigs(samconfig).auth.parameterOverrides.DomainPrefix).toBeUndefined();
  });

  // Cognito's prefix rules (aws-behaviour.md): ^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$ and none of aws, amazon, cognito.
  test.each([
    ['', true], ['links', true], ['my-links-2', true], ['a'.repeat(63), true],
    ['a'.repeat(64), false], ['Links', false], ['-links', false], ['links-', false], ['my_links', false],
    ['aws-links', false], ['links-amazon', false], ['mycognitoapp', false], ['awsome', false],
  ])('an explicit DomainPrefix %j is %s by the parameter\'s AllowedPattern, as Cognito would', (prefix, accepted) => {
    const pattern = new RegExp(String(rawTemplate('auth').Parameters?.DomainPrefix?.AllowedPattern));
    // CloudFormation matches AllowedPattern against the whole value.
    const whole = new RegExp(`^(?:${pattern.source})$`);
    expect(whole.test(prefix)).toBe(accepted);
  });

  test('the auth stack cannot be deleted under an API: the API imports its UserPoolId export', () => {
    expect(auth.exports).toEqual({ [`${auth.name}-UserPoolId`]: poolId() });
    for (const stack of system.apis) {
      expect({ stack: stack.name, imports: stack.imports }).toEqual({ stack: stack.name, imports: [`${auth.name}-UserPoolId`] });
      // The import and the SSM parameters name the same auth stack, so they cannot point at two pools.
      expect(stack.parameters.AuthStackName).toBe(auth.name);
    }
  });

  test('the account-wide API Gateway logs role is opt-in, and outlives the stack once set', () => {
    expect(rawTemplate('auth').Parameters?.ConfigureApiGatewayLogsRole?.Default).toBe('false');
    for (const id of ['ApiGatewayLogsRole', 'ApiGatewayAccount']) {
      expect({ id, deletion: rawAuth()[id]?.DeletionPolicy, replace: rawAuth()[id]?.UpdateReplacePolicy }).toEqual({ id, deletion: 'Retain', replace: 'Retain' });
    }
  });

  test.each(listFunctions().map((f) => [`${f.stack}/${f.logicalId}`, f] as const))('%s logs to its own group, kept LogRetentionDays', (_, fn) => {
    const resources = rawTemplate(fn.stack).Resources;
    const ref = (fn.properties.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)?.LogGroup?.Ref;
    const group = ref ? resources[ref] : undefined;
    expect({ fn: fn.logicalId, type: group?.Type, retention: group?.Properties?.RetentionInDays, condition: group?.Condition })
      .toEqual({ fn: fn.logicalId, type: 'AWS::Logs::LogGroup', retention: { Ref: 'LogRetentionDays' }, condition: fn.condition });
  });
});

describe('each API trusts only its own app clients (the authorizer checks no client id)', () => {
  const env = () => (functions()[0]!.properties.Environment as { Variables: Record<string, string> }).Variables;
  const isMachine = (c: ResolvedResource) => list(c.properties.AllowedOAuthFlows).includes('client_credentials');

  test('every function gets its user and machine client ids, and nothing else of the pool', () => {
    for (const fn of functions()) {
      const vars = (fn.properties.Environment as { Variables: Record<string, string> }).Variables;
      expect({ fn: fn.logicalId, users: vars.USER_CLIENT_IDS, machines: vars.MACHINE_CLIENT_IDS }).toEqual({ fn: fn.logicalId, users: env().USER_CLIENT_IDS, machines: env().MACHINE_CLIENT_IDS });
    }
    expect(env().USER_CLIENT_IDS!.split(',').sort()).toEqual(clients().filter((c) => !isMachine(c)).map((c) => c.physicalId).sort());
    expect(env().MACHINE_CLIENT_IDS!.split(',').sort()).toEqual(clients().filter(isMachine).map((c) => c.physicalId).sort());
  });

  test('a second API stack on the pool gets its own resource server identifier, scopes and clients', () => {
    const two = loadSystem({ rootDir: ROOT, configFile: join(ROOT, 'test', 'fixtures', 'two-apis', 'samconfig.toml') });
    expect(two.apis.map((s) => s.configEnv)).toEqual(['api', 'notes']);
    const [first, second] = two.apis.map((stack) => Object.values(stack.resources).find((r) => r.type === 'AWS::Cognito::UserPoolResourceServer')!);
    expect(first!.properties.Identifier).toBe(two.apis[0]!.name);
    expect(second!.properties.Identifier).toBe(two.apis[1]!.name);
    const clientIdsOf = (stack: (typeof two.apis)[number]) => (Object.values(stack.resources).find((r) => r.type === 'AWS::Serverless::Function')!.properties.Environment as { Variables: Record<string, string> }).Variables;
    const [a, b] = two.apis.map(clientIdsOf);
    expect(a!.USER_CLIENT_IDS).not.toBe(b!.USER_CLIENT_IDS);
    expect(a!.MACHINE_CLIENT_IDS!.split(',').some((id) => b!.MACHINE_CLIENT_IDS!.includes(id))).toBe(false);
  });
});

describe('optional CloudFront front (EnableCloudFront)', () => {
  const enabled = loadSystem({ rootDir: ROOT, apiParameters: { EnableCloudFront: 'true' } });
  const [distribution] = distributionsOf(enabled.api, enabled.ids);
  const raw = rawTemplate('api');

  test('off by default: the distribution and its output exist only under CreateCloudFront', () => {
    expect(raw.Parameters?.EnableCloudFront?.Default).toBe('false');
    expect(raw.Resources.ApiDistribution?.Condition).toBe('CreateCloudFront');
    expect((raw.Outputs?.CloudFrontUrl as { Condition?: string } | undefined)?.Condition).toBe('CreateCloudFront');
    expect(ofType('AWS::CloudFront::Distribution')).toEqual([]);
    expect(enabled.api.outputs.CloudFrontUrl).toBe(`https://${distribution!.domainName}/`);
  });

  test('its origin is this stack\'s REST API stage, over HTTPS only; viewers must use HTTPS', () => {
    const restApiId = Object.values(enabled.api.resources).find((r) => r.type === 'AWS::Serverless::Api')!.physicalId;
    const origins = Object.values(distribution!.origins);
    expect(origins.map((o) => [o.domainName, o.originPath])).toEqual([[`${restApiId}.execute-api.${enabled.region}.amazonaws.com`, `/${enabled.api.parameters.StageName}`]]);
    const config = enabled.api.resources.ApiDistribution!.properties.DistributionConfig as { Origins: { CustomOriginConfig: { OriginProtocolPolicy: string } }[] };
    expect(config.Origins[0]!.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
    for (const behavior of distribution!.behaviors) expect(['https-only', 'redirect-to-https']).toContain(behavior.viewerProtocolPolicy);
  });

  test('every behavior allows every method the API routes (and OPTIONS for preflights)', () => {
    const methods = new Set([...routes().map((r) => r.method.toUpperCase()), 'OPTIONS']);
    for (const behavior of distribution!.behaviors) expect(behavior.allowedMethods).toEqual(expect.arrayContaining([...methods]));
  });

  test('no caller is served another caller\'s response, and GETs keep their Authorization header', () => {
    for (const behavior of distribution!.behaviors) {
      const keyedOnToken = selects(behavior.cachePolicy.headers, 'authorization');
      expect({ pattern: behavior.pathPattern, nothingCachedOrKeyedOnToken: behavior.cachePolicy.maxTtl === 0 || keyedOnToken }).toEqual({ pattern: behavior.pathPattern, nothingCachedOrKeyedOnToken: true });
      expect(forwardsAuthorization('GET', behavior)).toBe(true);
      // API Gateway refuses a Host that is not its own.
      expect(forwardsViewerHost(behavior)).toBe(false);
    }
  });
});
