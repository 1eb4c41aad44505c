import { clientSecretOf, resourcesOfType, stackOf, type System } from '../template/system';
import type { ResolvedResource } from '../template/stack';

/**
 * The user pools, app clients and resource servers exactly as the resolved templates declare them.
 * Nothing here is configured in code: every behaviour switch of the local Cognito reads one of these.
 * Template values may arrive as strings (a `!Ref` to a Number parameter resolves to "60"), so every
 * number and boolean is coerced.
 */

export interface PasswordPolicy {
  minimumLength: number;
  requireLowercase: boolean;
  requireUppercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
  temporaryPasswordValidityDays: number;
}

export interface ResourceServerConfig {
  identifier: string;
  name: string;
  /** Full scope names, `<identifier>/<scope name>`. */
  scopes: string[];
  /** As the template declares them: short name and description (DescribeResourceServer reports these). */
  scopeDetails: { ScopeName: string; ScopeDescription: string }[];
}

/** An `AWS::Cognito::UserPoolGroup`. */
export interface GroupConfig {
  name: string;
  description?: string;
  /** Lower wins: the group whose role is `cognito:preferred_role`, and the order of `cognito:groups`. */
  precedence?: number;
  roleArn?: string;
}

/** An `AWS::Cognito::UserPoolUser`, created as CloudFormation creates it (AdminCreateUser), with its group attachments. */
export interface TemplateUserConfig {
  logicalId: string;
  username: string;
  attributes: { Name: string; Value: string }[];
  messageAction?: 'SUPPRESS' | 'RESEND';
  desiredDeliveryMediums?: ('EMAIL' | 'SMS')[];
}

export interface ClientConfig {
  clientId: string;
  clientName: string;
  userPoolId: string;
  /** Set when the template says GenerateSecret: true. */
  secret?: string;
  explicitAuthFlows: string[];
  allowedOAuthFlows: string[];
  allowedOAuthScopes: string[];
  allowedOAuthFlowsUserPoolClient: boolean;
  /** Where the hosted login may send a code (CallbackURLs) and where /logout may send the browser (LogoutURLs). */
  callbackUrls: string[];
  logoutUrls: string[];
  preventUserExistenceErrors: boolean;
  enableTokenRevocation: boolean;
  accessTokenSeconds: number;
  idTokenSeconds: number;
  refreshTokenSeconds: number;
  authSessionMinutes: number;
  /** What DescribeUserPoolClient reports (template values, coerced to AWS's types). */
  description: Record<string, unknown>;
}

export interface PoolConfig {
  id: string;
  arn: string;
  name: string;
  region: string;
  /** `email` when users sign in by email: the internal username is then a UUID (= sub). */
  usernameAttributes: string[];
  caseSensitive: boolean;
  autoVerifiedAttributes: string[];
  adminCreateUserOnly: boolean;
  passwordPolicy: PasswordPolicy;
  /** ARN of the PreSignUp trigger, if LambdaConfig names one. */
  preSignUpArn?: string;
  /**
   * The pre token generation trigger: `PreTokenGenerationConfig` (LambdaArn, LambdaVersion V1_0 / V2_0 / V3_0), or
   * the older `PreTokenGeneration` ARN, which is V1_0.
   */
  preTokenGeneration?: { arn: string; version: 'V1_0' | 'V2_0' | 'V3_0' };
  /** LambdaConfig's CustomMessage trigger (custom-message.ts). */
  customMessageArn?: string;
  /** LambdaConfig's PostConfirmation, PreAuthentication and PostAuthentication triggers (lifecycle-triggers.ts). */
  lifecycleTriggers: Partial<Record<'PostConfirmation' | 'PreAuthentication' | 'PostAuthentication', string>>;
  clients: ClientConfig[];
  resourceServers: ResourceServerConfig[];
  groups: GroupConfig[];
  /** Users the templates declare, created at start when missing. */
  templateUsers: TemplateUserConfig[];
  /** `AWS::Cognito::UserPoolUserToGroupAttachment`s: username → groups, applied at start. */
  templateMemberships: { username: string; group: string }[];
}

export interface CognitoConfig {
  pools: Map<string, PoolConfig>;
  clients: Map<string, ClientConfig>;
}

const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

export function cognitoConfig(system: System): CognitoConfig {
  const pools = new Map<string, PoolConfig>();
  const clients = new Map<string, ClientConfig>();
  for (const resource of resourcesOfType(system, 'AWS::Cognito::UserPool')) {
    const pool = poolConfig(system, resource);
    pools.set(pool.id, pool);
  }
  for (const resource of resourcesOfType(system, 'AWS::Cognito::UserPoolResourceServer')) {
    const server = resourceServerConfig(resource);
    const pool = pools.get(String(resource.properties.UserPoolId));
    // Identifiers are unique per pool: CloudFormation would fail the second stack's create (and roll it back).
    if (pool?.resourceServers.some((existing) => existing.identifier === server.identifier)) {
      throw new Error(
        `${stackOf(system, resource).name}: ${resource.logicalId}: a resource server with identifier ${server.identifier} already exists in user pool ${pool.id}; ` +
          'give each API stack its own ResourceServerIdentifier (empty = the stack name)',
      );
    }
    pool?.resourceServers.push(server);
  }
  for (const resource of resourcesOfType(system, 'AWS::Cognito::UserPoolGroup')) {
    const p = resource.properties;
    pools.get(String(p.UserPoolId))?.groups.push({
      name: resource.physicalId,
      ...(p.Description !== undefined ? { description: String(p.Description) } : {}),
      ...(p.Precedence !== undefined ? { precedence: num(p.Precedence, 0) } : {}),
      ...(p.RoleArn !== undefined ? { roleArn: String(p.RoleArn) } : {}),
    });
  }
  for (const resource of resourcesOfType(system, 'AWS::Cognito::UserPoolUser')) {
    const p = resource.properties;
    pools.get(String(p.UserPoolId))?.templateUsers.push({
      logicalId: resource.logicalId,
      username: resource.physicalId,
      attributes: (Array.isArray(p.UserAttributes) ? p.UserAttributes : []).map((a) => ({ Name: String(record(a).Name), Value: String(record(a).Value) })),
      ...(p.MessageAction === 'SUPPRESS' || p.MessageAction === 'RESEND' ? { messageAction: p.MessageAction } : {}),
      ...(Array.isArray(p.DesiredDeliveryMediums) ? { desiredDeliveryMediums: p.DesiredDeliveryMediums.map(String) as ('EMAIL' | 'SMS')[] } : {}),
    });
  }
  for (const resource of resourcesOfType(system, 'AWS::Cognito::UserPoolUserToGroupAttachment')) {
    const p = resource.properties;
    pools.get(String(p.UserPoolId))?.templateMemberships.push({ username: String(p.Username), group: String(p.GroupName) });
  }
  for (const resource of resourcesOfType(system, 'AWS::Cognito::UserPoolClient')) {
    const client = clientConfig(system, resource);
    const pool = pools.get(client.userPoolId);
    // A client of a pool outside this system cannot be served: AWS would not have created it either.
    if (!pool) continue;
    pool.clients.push(client);
    clients.set(client.clientId, client);
  }
  return { pools, clients };
}

function poolConfig(system: System, resource: ResolvedResource): PoolConfig {
  const p = resource.properties;
  const policy = record(record(p.Policies).PasswordPolicy);
  const lambdaConfig = record(p.LambdaConfig);
  return {
    id: resource.physicalId,
    arn: resource.arn,
    name: String(p.UserPoolName ?? resource.logicalId),
    region: system.region,
    usernameAttributes: stringList(p.UsernameAttributes),
    // AWS's API default is case-sensitive when UsernameConfiguration is omitted.
    caseSensitive: bool(record(p.UsernameConfiguration).CaseSensitive, true),
    autoVerifiedAttributes: stringList(p.AutoVerifiedAttributes),
    adminCreateUserOnly: bool(record(p.AdminCreateUserConfig).AllowAdminCreateUserOnly, false),
    passwordPolicy: {
      minimumLength: num(policy.MinimumLength, 8),
      requireLowercase: bool(policy.RequireLowercase, true),
      requireUppercase: bool(policy.RequireUppercase, true),
      requireNumbers: bool(policy.RequireNumbers, true),
      requireSymbols: bool(policy.RequireSymbols, true),
      temporaryPasswordValidityDays: num(policy.TemporaryPasswordValidityDays, 7),
    },
    preSignUpArn: typeof lambdaConfig.PreSignUp === 'string' ? lambdaConfig.PreSignUp : undefined,
    preTokenGeneration: preTokenGenerationOf(lambdaConfig),
    customMessageArn: typeof lambdaConfig.CustomMessage === 'string' ? lambdaConfig.CustomMessage : undefined,
    lifecycleTriggers: Object.fromEntries(
      (['PostConfirmation', 'PreAuthentication', 'PostAuthentication'] as const).flatMap((name) => (typeof lambdaConfig[name] === 'string' ? [[name, lambdaConfig[name] as string]] : [])),
    ),
    clients: [],
    resourceServers: [],
    groups: [],
    templateUsers: [],
    templateMemberships: [],
  };
}

function preTokenGenerationOf(lambdaConfig: Record<string, unknown>): PoolConfig['preTokenGeneration'] {
  const config = record(lambdaConfig.PreTokenGenerationConfig);
  if (typeof config.LambdaArn === 'string') {
    const version = String(config.LambdaVersion ?? 'V1_0');
    return { arn: config.LambdaArn, version: version === 'V2_0' || version === 'V3_0' ? version : 'V1_0' };
  }
  return typeof lambdaConfig.PreTokenGeneration === 'string' ? { arn: lambdaConfig.PreTokenGeneration, version: 'V1_0' } : undefined;
}

function resourceServerConfig(resource: ResolvedResource): ResourceServerConfig {
  const identifier = String(resource.properties.Identifier);
  const scopes = Array.isArray(resource.properties.Scopes) ? resource.properties.Scopes : [];
  return {
    identifier,
    name: String(resource.properties.Name ?? identifier),
    scopes: scopes.map((scope) => `${identifier}/${String(record(scope).ScopeName)}`),
    scopeDetails: scopes.map((scope) => ({ ScopeName: String(record(scope).ScopeName), ScopeDescription: String(record(scope).ScopeDescription ?? '') })),
  };
}

function clientConfig(system: System, resource: ResolvedResource): ClientConfig {
  const p = resource.properties;
  const units = record(p.TokenValidityUnits);
  const clientId = resource.physicalId;
  const secret = clientSecretOf(system, resource);
  // AWS defaults: access and ID tokens 1 hour, refresh tokens 30 days; units default to hours/hours/days.
  const access = validity(p.AccessTokenValidity, units.AccessToken, 'hours', 3600);
  const id = validity(p.IdTokenValidity, units.IdToken, 'hours', 3600);
  const refresh = validity(p.RefreshTokenValidity, units.RefreshToken, 'days', 30 * 86400);
  const client: ClientConfig = {
    clientId,
    clientName: String(p.ClientName ?? resource.logicalId),
    userPoolId: String(p.UserPoolId),
    secret,
    // AWS: a client created without ExplicitAuthFlows allows SRP, custom auth and refresh.
    explicitAuthFlows: p.ExplicitAuthFlows === undefined ? ['ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] : stringList(p.ExplicitAuthFlows),
    allowedOAuthFlows: stringList(p.AllowedOAuthFlows),
    allowedOAuthScopes: stringList(p.AllowedOAuthScopes),
    allowedOAuthFlowsUserPoolClient: bool(p.AllowedOAuthFlowsUserPoolClient, false),
    callbackUrls: stringList(p.CallbackURLs),
    logoutUrls: stringList(p.LogoutURLs),
    // The API's (and so CloudFormation's) default is LEGACY; only the console pre-selects ENABLED.
    preventUserExistenceErrors: String(p.PreventUserExistenceErrors ?? 'LEGACY') === 'ENABLED',
    // AWS enables token revocation on new clients unless told otherwise.
    enableTokenRevocation: bool(p.EnableTokenRevocation, true),
    accessTokenSeconds: access,
    idTokenSeconds: id,
    refreshTokenSeconds: refresh,
    authSessionMinutes: num(p.AuthSessionValidity, 3),
    description: {},
  };
  client.description = describe(client, p);
  return client;
}

/** DescribeUserPoolClient's UserPoolClient: the template's settings with AWS's types, plus the secret. */
function describe(client: ClientConfig, p: Record<string, unknown>): Record<string, unknown> {
  const optional = (key: string, value: unknown) => (value === undefined ? {} : { [key]: value });
  const maybeNum = (value: unknown) => (value === undefined ? undefined : num(value, 0));
  const maybeList = (value: unknown) => (value === undefined ? undefined : stringList(value));
  return {
    UserPoolId: client.userPoolId,
    ClientName: client.clientName,
    ClientId: client.clientId,
    ...optional('ClientSecret', client.secret),
    RefreshTokenValidity: num(p.RefreshTokenValidity, 30),
    ...optional('AccessTokenValidity', maybeNum(p.AccessTokenValidity)),
    ...optional('IdTokenValidity', maybeNum(p.IdTokenValidity)),
    ...optional('TokenValidityUnits', p.TokenValidityUnits),
    ...optional('ReadAttributes', maybeList(p.ReadAttributes)),
    ...optional('WriteAttributes', maybeList(p.WriteAttributes)),
    ...optional('ExplicitAuthFlows', maybeList(p.ExplicitAuthFlows)),
    ...optional('SupportedIdentityProviders', maybeList(p.SupportedIdentityProviders)),
    ...optional('CallbackURLs', maybeList(p.CallbackURLs)),
    ...optional('LogoutURLs', maybeList(p.LogoutURLs)),
    ...optional('AllowedOAuthFlows', maybeList(p.AllowedOAuthFlows)),
    ...optional('AllowedOAuthScopes', maybeList(p.AllowedOAuthScopes)),
    AllowedOAuthFlowsUserPoolClient: client.allowedOAuthFlowsUserPoolClient,
    PreventUserExistenceErrors: client.preventUserExistenceErrors ? 'ENABLED' : 'LEGACY',
    EnableTokenRevocation: client.enableTokenRevocation,
    EnablePropagateAdditionalUserContextData: bool(p.EnablePropagateAdditionalUserContextData, false),
    AuthSessionValidity: client.authSessionMinutes,
  };
}

export function validity(value: unknown, unit: unknown, defaultUnit: string, defaultSeconds: number): number {
  if (value === undefined || value === null || value === '') return defaultSeconds;
  const name = String(unit ?? defaultUnit);
  const seconds = Object.hasOwn(UNIT_SECONDS, name) ? UNIT_SECONDS[name] : undefined;
  if (seconds === undefined) throw new Error(`Unknown token validity unit ${String(unit)}`);
  return num(value, 0) * seconds;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function num(value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  if (Number.isNaN(n)) throw new Error(`Expected a number in the template, got ${JSON.stringify(value)}`);
  return n;
}

function bool(value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  return value === true || String(value).toLowerCase() === 'true';
}
