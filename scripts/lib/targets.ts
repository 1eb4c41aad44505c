/**
 * Where the API and its Cognito live, with the client secrets: either the local twin (its
 * `.local/outputs.json`) or two deployed stacks (CloudFormation outputs + DescribeUserPoolClient).
 * token.ts, postman-env.ts and postman/run.ts all start from an ApiTarget.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand, type Output } from '@aws-sdk/client-cloudformation';
import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient, describeAwsError, type CognitoClientOptions } from './cognito';

export type ClientName = 'm2m' | 'readonly' | 'user';
export const CLIENT_NAMES: readonly ClientName[] = ['m2m', 'readonly', 'user'];

/** The stack outputs naming each app client (api-stack/template.yaml Outputs). */
export const CLIENT_OUTPUT_KEYS: Record<ClientName, string> = { m2m: 'M2MClientId', readonly: 'ReadOnlyClientId', user: 'UserClientId' };

export interface AppClient {
  clientId: string;
  /** Empty when it was not asked for (see awsTarget's `described`). */
  clientSecret: string;
  /**
   * The client's AllowedOAuthScopes. AWS: what DescribeUserPoolClient says. The twin: what its outputs.json
   * says (local.ClientScopes, taken from the templates). Undefined: not known.
   */
  scopes?: string[];
}

export interface ApiTarget {
  kind: 'local' | 'aws';
  region: string;
  /** The ApiUrl output: the stage URL, ending with a slash. */
  apiUrl: string;
  /** The CloudFrontUrl output (the same API through its distribution), when the stack has one. */
  cloudFrontUrl?: string;
  tokenUrl: string;
  issuerUrl: string;
  /** Cognito's JSON API (InitiateAuth, Admin*): the twin's, or https://cognito-idp.<region>.amazonaws.com/ */
  cognitoEndpoint: string;
  userPoolId: string;
  resourceServerId: string;
  clients: Record<ClientName, AppClient>;
  /** How to build an SDK client for this Cognito (endpoint + credentials for the twin). */
  cognito: CognitoClientOptions;
}

/** A problem the person running the command can fix; printed as one line. */
export class TargetError extends Error {
  override name = 'TargetError';
}

// ---------- The local twin ----------

/** What `npm start` writes to .local/outputs.json (local/twin.ts TwinOutputs), as far as clients need it. */
export interface TwinOutputsFile {
  auth: Record<string, string | undefined>;
  api: Record<string, string | undefined>;
  /** Every API stack's outputs by samconfig config env (absent in the outputs of older twins). */
  apis?: Record<string, Record<string, string | undefined> | undefined>;
  local: {
    Region: string;
    CognitoEndpoint: string;
    ClientSecrets: Record<string, string | undefined>;
    /** Absent in the outputs of a twin from before it published them. */
    ClientScopes?: Record<string, string[] | undefined>;
  };
}

/** The twin's Cognito accepts any credentials; the SDK insists on some for the Admin* calls. */
export const TWIN_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** `localDir` is npm start's --local-dir (default .local, relative to rootDir). */
export function readTwinOutputs(rootDir: string, localDir = '.local'): TwinOutputsFile {
  const path = resolve(rootDir, localDir, 'outputs.json');
  const shown = relative(rootDir, path).startsWith('..') ? path : relative(rootDir, path);
  if (!existsSync(path)) {
    throw new TargetError(`the local twin is not running (no ${shown}): start it with \`npm start\`, or pass --auth-stack/--api-stack for AWS`);
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as TwinOutputsFile;
  } catch (error) {
    throw new TargetError(`${shown} is not valid JSON (${describeAwsError(error)}): restart the twin with \`npm start\``);
  }
}

/** The twin's target for the default API or, with `apiEnv`, the API stack of that samconfig config env. */
export function targetFromTwinOutputs(outputs: TwinOutputsFile, apiEnv?: string): ApiTarget {
  const api = apiEnv === undefined ? outputs.api : outputs.apis?.[apiEnv];
  if (!api) {
    throw new TargetError(`the twin serves no API config env '${apiEnv}' (it serves: ${Object.keys(outputs.apis ?? {}).join(', ') || 'only the default API'})`);
  }
  const groups = { auth: outputs.auth, api };
  const need = (group: 'auth' | 'api', key: string): string => {
    const value = groups[group]?.[key];
    if (!value) throw new TargetError(`the twin's outputs have no ${group}.${key}: restart it with \`npm start\``);
    return value;
  };
  const client = (outputKey: string): AppClient => {
    const clientId = need('api', outputKey);
    return { clientId, clientSecret: outputs.local?.ClientSecrets?.[clientId] ?? '', scopes: outputs.local?.ClientScopes?.[clientId] };
  };
  const region = outputs.local?.Region;
  const endpoint = outputs.local?.CognitoEndpoint;
  if (!region || !endpoint) throw new TargetError('the twin\'s outputs have no local.Region/local.CognitoEndpoint: restart it with `npm start`');
  return {
    kind: 'local',
    region,
    apiUrl: need('api', 'ApiUrl'),
    cloudFrontUrl: api.CloudFrontUrl,
    tokenUrl: need('auth', 'TokenUrl'),
    issuerUrl: need('auth', 'IssuerUrl'),
    cognitoEndpoint: endpoint,
    userPoolId: need('auth', 'UserPoolId'),
    resourceServerId: need('api', 'ResourceServerId'),
    clients: Object.fromEntries(CLIENT_NAMES.map((name) => [name, client(CLIENT_OUTPUT_KEYS[name])])) as Record<ClientName, AppClient>,
    cognito: { region, endpoint, credentials: TWIN_CREDENTIALS },
  };
}

/** Any app client of the running twin's templates, by its id: what the token CLI needs for templates that are not the links API's. */
export interface LocalClientTarget {
  clientId: string;
  clientSecret?: string;
  tokenUrl: string;
  cognito: CognitoClientOptions;
}

export async function localClientTarget(rootDir: string, localDir: string | undefined, clientId: string): Promise<LocalClientTarget> {
  const outputs = readTwinOutputs(rootDir, localDir);
  const known = Object.keys(outputs.local.ClientScopes ?? {});
  if (!known.includes(clientId)) throw new TargetError(`no app client ${clientId} in the running twin's templates (clients: ${known.join(', ') || 'none'})`);
  const endpoint = outputs.local.CognitoEndpoint;
  try {
    await (await fetch(endpoint, { signal: AbortSignal.timeout(3000) })).arrayBuffer();
  } catch {
    throw new TargetError(`the local twin is not running: its outputs.json exists but its Cognito (${endpoint}) does not answer — start it with \`npm start\``);
  }
  return {
    clientId,
    clientSecret: outputs.local.ClientSecrets[clientId],
    tokenUrl: `${endpoint}/oauth2/token`,
    cognito: { region: outputs.local.Region, endpoint, credentials: TWIN_CREDENTIALS },
  };
}

/** Resolves if the twin's Cognito (its JWKS) and API Gateway both answer HTTP. */
export async function assertTwinAnswers(target: ApiTarget, timeoutMs = 3000): Promise<void> {
  const probe = async (url: string) => {
    try {
      await (await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })).arrayBuffer();
      return true;
    } catch {
      return false;
    }
  };
  const [cognito, api] = await Promise.all([probe(`${target.issuerUrl}/.well-known/jwks.json`), probe(target.apiUrl)]);
  if (!cognito || !api) {
    const what = !cognito ? `its Cognito (${target.cognitoEndpoint})` : `its API (${target.apiUrl})`;
    throw new TargetError(`the local twin is not running: its outputs.json exists but ${what} does not answer — start it with \`npm start\``);
  }
}

/** The running twin of this checkout (its default API, or `apiEnv`'s), or a one-line TargetError saying why not. */
export async function localTarget(rootDir: string, localDir?: string, apiEnv?: string): Promise<ApiTarget> {
  const target = targetFromTwinOutputs(readTwinOutputs(rootDir, localDir), apiEnv);
  await assertTwinAnswers(target);
  return target;
}

// ---------- Deployed stacks ----------

export interface StackNames {
  authStack: string;
  apiStack: string;
  /** Omitted: the SDK's (AWS_REGION, profile). */
  region?: string;
}

export function stackOutputs(outputs: readonly Output[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const output of outputs ?? []) if (output.OutputKey && output.OutputValue !== undefined) result[output.OutputKey] = output.OutputValue;
  return result;
}

export function requireOutputs(stack: string, outputs: Record<string, string>, keys: readonly string[]): void {
  const missing = keys.filter((key) => !outputs[key]);
  if (missing.length) throw new TargetError(`stack ${stack} has no output ${missing.join(', ')}: is it this project's stack, fully deployed?`);
}

export const AUTH_OUTPUTS = ['UserPoolId', 'TokenUrl', 'IssuerUrl'] as const;
export const API_OUTPUTS = ['ApiUrl', 'M2MClientId', 'ReadOnlyClientId', 'UserClientId', 'ResourceServerId'] as const;

/**
 * The deployed stacks: outputs through DescribeStacks, each client's secret and AllowedOAuthScopes through
 * DescribeUserPoolClient (only the clients in `described`: each is a call, and most commands need one).
 * Needs AWS credentials.
 */
export async function awsTarget(names: StackNames, described: readonly ClientName[] = CLIENT_NAMES): Promise<ApiTarget> {
  const cfn = new CloudFormationClient({ ...(names.region ? { region: names.region } : {}), maxAttempts: 3 });
  try {
    let region: string | undefined;
    try {
      region = names.region ?? (await cfn.config.region());
    } catch {
      region = undefined;
    }
    if (!region) throw new TargetError('no AWS region: pass --region or set AWS_REGION');
    const describe = async (stack: string) => {
      try {
        const result = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
        return stackOutputs(result.Stacks?.[0]?.Outputs);
      } catch (error) {
        throw new TargetError(`cannot read stack ${stack} in ${region}: ${describeAwsError(error)}`);
      }
    };
    const [auth, api] = await Promise.all([describe(names.authStack), describe(names.apiStack)]);
    requireOutputs(names.authStack, auth, AUTH_OUTPUTS);
    requireOutputs(names.apiStack, api, API_OUTPUTS);
    const cognito: CognitoClientOptions = { region };
    const ids = Object.fromEntries(CLIENT_NAMES.map((name) => [name, api[CLIENT_OUTPUT_KEYS[name]]!])) as Record<ClientName, string>;
    const idp = cognitoClient(cognito);
    try {
      const describe = async (name: ClientName): Promise<[ClientName, AppClient]> => {
        if (!described.includes(name)) return [name, { clientId: ids[name], clientSecret: '' }];
        try {
          const result = await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: auth.UserPoolId, ClientId: ids[name] }));
          const client = result.UserPoolClient;
          return [name, { clientId: ids[name], clientSecret: client?.ClientSecret ?? '', scopes: client?.AllowedOAuthScopes ?? [] }];
        } catch (error) {
          throw new TargetError(`cannot read the ${name} client (DescribeUserPoolClient ${ids[name]}): ${describeAwsError(error)}`);
        }
      };
      const clients = Object.fromEntries(await Promise.all(CLIENT_NAMES.map(describe))) as Record<ClientName, AppClient>;
      return {
        kind: 'aws',
        region,
        apiUrl: api.ApiUrl!,
        cloudFrontUrl: api.CloudFrontUrl,
        tokenUrl: auth.TokenUrl!,
        issuerUrl: auth.IssuerUrl!,
        cognitoEndpoint: `https://cognito-idp.${region}.amazonaws.com/`,
        userPoolId: auth.UserPoolId!,
        resourceServerId: api.ResourceServerId!,
        clients,
        cognito,
      };
    } finally {
      idp.destroy();
    }
  } finally {
    cfn.destroy();
  }
}
