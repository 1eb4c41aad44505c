import { existsSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { IdStore, idFormats } from './ids';
import { DEFAULT_TEMPLATES, readDeployConfigs, type DeployConfig } from './samconfig';
import { resolveStack, TemplateError, type ResolvedResource, type ResolvedStack } from './stack';

/**
 * The whole deployable system: the auth stack, then every API stack (one per samconfig.toml API config env),
 * each reading the SSM parameters and exports of the stacks before it.
 */
export interface System {
  rootDir: string;
  region: string;
  accountId: string;
  auth: ResolvedStack;
  /** The default API stack (config env `api`, or the first API env): what single-API tools mean. */
  api: ResolvedStack;
  /** Every API stack, the default first. */
  apis: ResolvedStack[];
  /** The auth stack, then every API stack: the order they deploy in. */
  stacks: ResolvedStack[];
  /** Every SSM parameter the stacks publish (name → value): the local Parameter Store. */
  ssm: Record<string, string>;
  /** Every CloudFormation export of the stacks (name → value). */
  exports: Record<string, string>;
  /** Where physical ids and generated secrets live (persisted under .local/ unless fresh). */
  ids: IdStore;
}

export interface SystemOptions {
  rootDir: string;
  /** The samconfig.toml to read (`sam deploy --config-file`); default `<rootDir>/samconfig.toml`. */
  configFile?: string;
  /** Persists physical ids (pool id, client ids and secrets…); omit for throw-away ids. */
  ids?: IdStore;
  region?: string;
  authStackName?: string;
  /** Renames the default API stack. */
  apiStackName?: string;
  /** Applied over samconfig.toml's parameter_overrides, like `sam deploy --parameter-overrides`. */
  authParameters?: Record<string, string>;
  /** Applied to every API stack. */
  apiParameters?: Record<string, string>;
}

/** Account id of the local twin: recognisably not a real account. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** Where the templates are when samconfig.toml does not say (its build template_file wins). */
export const AUTH_TEMPLATE = 'auth-stack/template.yaml';
export const API_TEMPLATE = 'api-stack/template.yaml';

export function loadSystem(options: SystemOptions): System {
  const configFile = resolvePath(options.rootDir, options.configFile ?? 'samconfig.toml');
  // SAM resolves a config env's template_file against the directory of the config file.
  const configDir = dirname(configFile);
  const configs = readDeployConfigs(configFile);
  const region = options.region ?? configs.auth.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const ids = options.ids ?? new IdStore();
  const ssm: Record<string, string> = {};
  const exports: Record<string, string> = {};
  // In deploy order: each stack's SSM-typed parameters and imports read what the stacks before it publish.
  const resolve = (config: DeployConfig, name: string, template: string, overrides?: Record<string, string>) => {
    const stack = resolveStack({
      name,
      configEnv: config.configEnv,
      templatePath: resolvePath(configDir, config.templateFile ?? template),
      region,
      accountId: LOCAL_ACCOUNT_ID,
      parameterOverrides: { ...config.parameterOverrides, ...overrides },
      ssm: { ...ssm },
      exports: { ...exports },
      ids,
    });
    for (const [key, value] of Object.entries(stack.ssmParameters)) {
      if (Object.hasOwn(ssm, key)) throw new TemplateError(`${stack.name}: SSM parameter ${key} already exists (another stack created it)`);
      ssm[key] = value;
    }
    for (const [key, value] of Object.entries(stack.exports)) {
      if (Object.hasOwn(exports, key)) throw new TemplateError(`${stack.name}: Export with name ${key} is already exported by another stack`);
      exports[key] = value;
    }
    return stack;
  };
  if (configs.singleStack) {
    // One template: it is the auth stack and the only API stack at once (sam init's default stack name).
    const found = DEFAULT_TEMPLATES.find((name) => existsSync(join(configDir, name))) ?? DEFAULT_TEMPLATES[0]!;
    const stack = resolve(configs.api, options.apiStackName ?? configs.api.stackName ?? 'sam-app', found, { ...options.authParameters, ...options.apiParameters });
    const nested = (parent: ResolvedStack): ResolvedStack[] => [parent, ...parent.children.flatMap(nested)];
    return { rootDir: options.rootDir, region, accountId: LOCAL_ACCOUNT_ID, auth: stack, api: stack, apis: [stack], stacks: nested(stack), ssm, exports, ids };
  }
  const auth = resolve(configs.auth, options.authStackName ?? configs.auth.stackName ?? 'links-auth', AUTH_TEMPLATE, options.authParameters);
  const apis = configs.apis.map((config, index) => {
    const fallbackName = index === 0 ? 'links-api' : `links-${config.configEnv}`;
    const name = (index === 0 ? options.apiStackName : undefined) ?? config.stackName ?? fallbackName;
    return resolve(config, name, API_TEMPLATE, options.apiParameters);
  });
  // Nested applications with local templates run too, each after the stack that declares it.
  const withChildren = (stack: ResolvedStack): ResolvedStack[] => [stack, ...stack.children.flatMap(withChildren)];
  const stacks = [...withChildren(auth), ...apis.flatMap(withChildren)];
  const names = stacks.map((stack) => stack.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated) throw new TemplateError(`Two config envs deploy the stack ${repeated}: give each API env its own stack_name`);
  return { rootDir: options.rootDir, region, accountId: LOCAL_ACCOUNT_ID, auth, api: apis[0]!, apis, stacks, ssm, exports, ids };
}

/** All resources of one type across every stack. */
export function resourcesOfType(system: System, type: string): ResolvedResource[] {
  return system.stacks.flatMap((stack) => Object.values(stack.resources).filter((r) => r.type === type));
}

/** The stack a resolved resource belongs to. */
export function stackOf(system: System, resource: ResolvedResource): ResolvedStack {
  const stack = system.stacks.find((s) => s.resources[resource.logicalId] === resource);
  if (!stack) throw new Error(`${resource.logicalId} is not a resource of this system`);
  return stack;
}

/**
 * The secret of an app client with GenerateSecret, the same value `Fn::GetAtt Client.ClientSecret` gives,
 * stable across restarts like its id. Undefined for clients without a secret.
 */
export function clientSecretOf(system: System, client: ResolvedResource): string | undefined {
  if (client.type !== 'AWS::Cognito::UserPoolClient' || client.properties.GenerateSecret !== true) return undefined;
  return system.ids.get(`${stackOf(system, client).name}/${client.logicalId}/ClientSecret`, idFormats.clientSecret);
}

/** Where the twin serves what AWS serves at its public endpoints. */
export interface LocalEndpoints {
  /** Base URL of the local Cognito (token endpoint, JSON API, JWKS), e.g. http://127.0.0.1:9229 */
  cognitoUrl: string;
  /** REST API id → base URL of the local API Gateway serving it, e.g. http://127.0.0.1:3000 */
  apiUrls: Record<string, string>;
  /** CloudFront domain name (d….cloudfront.net) → base URL of the local distribution serving it. */
  distributionUrls?: Record<string, string>;
  /** Function URL id (the first label of <id>.lambda-url.<region>.on.aws) → base URL of the local listener serving it. */
  functionUrls?: Record<string, string>;
}

/**
 * Rewrites AWS endpoint URLs in resolved values (outputs, SSM values) to the twin's, so `.local/outputs.json`
 * reads like the deployed stacks' outputs: the hosted domain and the issuer (with or without its scheme, as
 * ProviderURL and ProviderName give it) go to the local Cognito, and each API's execute-api host to the
 * local gateway serving that API, each CloudFront domain to the local distribution. Paths (pool id, stage,
 * /oauth2/token) are kept.
 */
export function localizeUrl(value: string, system: System, endpoints: LocalEndpoints): string {
  const region = system.region.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const cognitoHost = endpoints.cognitoUrl.replace(/^https?:\/\//, '');
  return value
    .replace(new RegExp(`^https://[a-z0-9-]+\\.auth\\.${region}\\.amazoncognito\\.com`), endpoints.cognitoUrl)
    .replace(new RegExp(`^https://cognito-idp\\.${region}\\.amazonaws\\.com`), endpoints.cognitoUrl)
    .replace(new RegExp(`^cognito-idp\\.${region}\\.amazonaws\\.com/`), `${cognitoHost}/`)
    .replace(new RegExp(`^https://([a-z0-9]+)\\.execute-api\\.${region}\\.amazonaws\\.com`), (whole, apiId: string) =>
      Object.hasOwn(endpoints.apiUrls, apiId) ? endpoints.apiUrls[apiId]! : whole,
    )
    .replace(new RegExp(`^https://([a-z0-9]+)\\.lambda-url\\.${region}\\.on\\.aws`), (whole, id: string) =>
      endpoints.functionUrls && Object.hasOwn(endpoints.functionUrls, id) ? endpoints.functionUrls[id]! : whole,
    )
    .replace(/^https:\/\/(d[a-z0-9]+\.cloudfront\.net)/, (whole, domain: string) =>
      endpoints.distributionUrls && Object.hasOwn(endpoints.distributionUrls, domain) ? endpoints.distributionUrls[domain]! : whole,
    )
    .replace(new RegExp(`^[a-z0-9-]+\\.auth\\.${region}\\.amazoncognito\\.com`), cognitoHost);
}

export function localizeOutputs(outputs: Record<string, string>, system: System, endpoints: LocalEndpoints): Record<string, string> {
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, localizeUrl(v, system, endpoints)]));
}
