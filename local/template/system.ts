import { join } from 'node:path';
import { IdStore, idFormats } from './ids';
import { readDeployConfigs, type DeployConfig } from './samconfig';
import { resolveStack, type ResolvedResource, type ResolvedStack } from './stack';

/** The whole deployable system: the auth stack, then the API stack reading the SSM parameters it publishes. */
export interface System {
  rootDir: string;
  region: string;
  accountId: string;
  auth: ResolvedStack;
  api: ResolvedStack;
  /** Every SSM parameter the stacks publish (name → value): the local Parameter Store. */
  ssm: Record<string, string>;
  /** Where physical ids and generated secrets live (persisted under .local/ unless fresh). */
  ids: IdStore;
}

export interface SystemOptions {
  rootDir: string;
  /** Persists physical ids (pool id, client ids and secrets…); omit for throw-away ids. */
  ids?: IdStore;
  region?: string;
  authStackName?: string;
  apiStackName?: string;
  /** Applied over samconfig.toml's parameter_overrides, like `sam deploy --parameter-overrides`. */
  authParameters?: Record<string, string>;
  apiParameters?: Record<string, string>;
}

/** Account id of the local twin: recognisably not a real account. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** Where the templates are when samconfig.toml does not say (its build template_file wins). */
export const AUTH_TEMPLATE = 'auth-stack/template.yaml';
export const API_TEMPLATE = 'api-stack/template.yaml';

export function loadSystem(options: SystemOptions): System {
  const configs = readDeployConfigs(join(options.rootDir, 'samconfig.toml'));
  const region = options.region ?? configs.auth.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const ids = options.ids ?? new IdStore();
  const ssm: Record<string, string> = {};
  // Auth first: the api stack's SSM-typed parameters read what it publishes.
  const resolve = (config: DeployConfig, name: string | undefined, defaults: { name: string; template: string }, overrides?: Record<string, string>) => {
    const stack = resolveStack({
      name: name ?? config.stackName ?? defaults.name,
      templatePath: join(options.rootDir, config.templateFile ?? defaults.template),
      region,
      accountId: LOCAL_ACCOUNT_ID,
      parameterOverrides: { ...config.parameterOverrides, ...overrides },
      ssm: { ...ssm },
      ids,
    });
    Object.assign(ssm, stack.ssmParameters);
    return stack;
  };
  const auth = resolve(configs.auth, options.authStackName, { name: 'links-auth', template: AUTH_TEMPLATE }, options.authParameters);
  const api = resolve(configs.api, options.apiStackName, { name: 'links-api', template: API_TEMPLATE }, options.apiParameters);
  return { rootDir: options.rootDir, region, accountId: LOCAL_ACCOUNT_ID, auth, api, ssm, ids };
}

/** All resources of one type across both stacks. */
export function resourcesOfType(system: System, type: string): ResolvedResource[] {
  return [system.auth, system.api].flatMap((stack) => Object.values(stack.resources).filter((r) => r.type === type));
}

/**
 * The secret of an app client with GenerateSecret, the same value `Fn::GetAtt Client.ClientSecret` gives,
 * stable across restarts like its id. Undefined for clients without a secret.
 */
export function clientSecretOf(system: System, client: ResolvedResource): string | undefined {
  if (client.type !== 'AWS::Cognito::UserPoolClient' || client.properties.GenerateSecret !== true) return undefined;
  const stack = [system.auth, system.api].find((s) => s.resources[client.logicalId] === client);
  if (!stack) throw new Error(`${client.logicalId} is not a resource of this system`);
  return system.ids.get(`${stack.name}/${client.logicalId}/ClientSecret`, idFormats.clientSecret);
}

/** Where the twin serves what AWS serves at its public endpoints. */
export interface LocalEndpoints {
  /** Base URL of the local Cognito (token endpoint, JSON API, JWKS), e.g. http://127.0.0.1:9229 */
  cognitoUrl: string;
  /** Base URL of the local API Gateway, e.g. http://127.0.0.1:3000 */
  apiUrl: string;
}

/**
 * Rewrites AWS endpoint URLs in resolved values (outputs, SSM values) to the twin's, so `.local/outputs.json`
 * reads like the deployed stacks' outputs: the hosted domain and the issuer go to the local Cognito, and
 * execute-api hosts to the local gateway. Paths (pool id, stage, /oauth2/token) are kept.
 */
export function localizeUrl(value: string, system: System, endpoints: LocalEndpoints): string {
  const region = system.region.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return value
    .replace(new RegExp(`^https://[a-z0-9-]+\\.auth\\.${region}\\.amazoncognito\\.com`), endpoints.cognitoUrl)
    .replace(new RegExp(`^https://cognito-idp\\.${region}\\.amazonaws\\.com`), endpoints.cognitoUrl)
    .replace(new RegExp(`^https://[a-z0-9]+\\.execute-api\\.${region}\\.amazonaws\\.com`), endpoints.apiUrl)
    .replace(new RegExp(`^[a-z0-9-]+\\.auth\\.${region}\\.amazoncognito\\.com`), endpoints.cognitoUrl.replace(/^https?:\/\//, ''));
}

export function localizeOutputs(outputs: Record<string, string>, system: System, endpoints: LocalEndpoints): Record<string, string> {
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, localizeUrl(v, system, endpoints)]));
}
