import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FunctionInvoker, LocalCognito, LocalDistribution, LocalGateway } from './contracts';
import { LOCAL_CREDENTIALS } from './dynamodb/server';
import { superviseDynamoDbLocal, type SupervisedDynamoDbLocal } from './dynamodb/supervisor';
import { createTableFromTemplate, simpleTableProperties } from './dynamodb/tables';
import { assertPortFree } from './net';
import { startUnsupportedServices } from './unsupported-services';
import { IdStore } from './template/ids';
import { clientSecretOf, loadSystem, localizeOutputs, resourcesOfType, type LocalEndpoints, type System } from './template/system';
import { functionSpecsOf } from './lambda/function-spec';
import { runtimeNotice } from './lambda/node-runtime';
import { createFunctionInvoker } from './lambda/invoker';
import { startCognito } from './cognito/server';
import { apiKeysFor } from './apigateway/api-keys';
import { apiModelOf, restApisOf } from './apigateway/api-model';
import { startGateway } from './apigateway/server';
import { httpApisOf } from './apigateway/http-api/model';
import { startHttpApi } from './apigateway/http-api/server';
import { startFunctionUrl } from './lambda-url/server';
import { distributionsOf } from './cloudfront/distribution-model';
import { startDistribution } from './cloudfront/server';
import { startWebApp, type LocalWebApp } from './web/server';

export interface TwinOptions {
  /** Project root holding samconfig.toml and the two stacks. */
  rootDir?: string;
  host?: string;
  /**
   * Host names (besides IP literals, localhost and the AWS names the twin stands in for) its listeners answer;
   * any other Host gets 403 (DNS rebinding protection, local/host-check.ts).
   */
  allowedHosts?: readonly string[];
  /** The samconfig.toml to read (like `sam deploy --config-file`); default `<rootDir>/samconfig.toml`. */
  configFile?: string;
  /**
   * Port of the default API; the other API stacks take the ports after it, one each. 0 picks free ports
   * (tests).
   */
  apiPort?: number;
  cognitoPort?: number;
  /** Port of the first CloudFront distribution the templates declare; further ones take the ports after it. */
  cloudFrontPort?: number;
  dynamodbPort?: number;
  /**
   * Directory persisting ids, client secrets, users, signing keys and table data across restarts.
   * Omitted: everything lives in memory (tests, --fresh).
   */
  stateDir?: string;
  /** Where outputs.json goes; omitted: not written. */
  outputsFile?: string;
  /** Use this DynamoDB (e.g. the test run's DynamoDB Local) instead of starting one. */
  dynamodbEndpoint?: string;
  /** Like `sam deploy --parameter-overrides`, over samconfig.toml's. */
  authParameters?: Record<string, string>;
  apiParameters?: Record<string, string>;
  /** Console lines for the person running it (function logs, access log, confirmation codes). */
  log?: (line: string) => void;
  /** Cognito's clock (tests mint expired tokens with it). */
  clock?: () => number;
  /** Execution environments per function where the template sets no ReservedConcurrentExecutions (default 4). */
  functionConcurrency?: number;
  /** Serve the links web app (web/) on this port (0: any free one); undefined: not at all. */
  webPort?: number;
}

/** The local equivalent of the stacks' outputs, plus what only exists locally. */
export interface TwinOutputs {
  auth: Record<string, string>;
  /** The default API stack's outputs (config env `api`, or the first API env). */
  api: Record<string, string>;
  /** Every API stack's outputs by config env, the default included. */
  apis: Record<string, Record<string, string>>;
  local: {
    Region: string;
    CognitoEndpoint: string;
    DynamoDbEndpoint: string;
    /** clientId → secret. Only ever written to the 0600 outputs file, never printed. */
    ClientSecrets: Record<string, string>;
    /** clientId → the client's AllowedOAuthScopes in the templates (DescribeUserPoolClient's, on AWS). */
    ClientScopes: Record<string, string[]>;
    /** The process that serves these endpoints (another `npm start` on the same --local-dir checks it). */
    Pid: number;
    /** The links web app (web/), when the twin serves it. */
    WebAppUrl?: string;
    /** API key name → value, for methods with ApiKeyRequired (api-keys.ts). Only ever in the 0600 outputs file. */
    ApiKeys?: Record<string, string>;
  };
}

export interface Twin {
  system: System;
  outputs: TwinOutputs;
  cognito: LocalCognito;
  /** The default API's gateway (the first REST API of the default API stack). */
  gateway: LocalGateway;
  /** Each API stack's first REST API by config env, the default included. */
  gateways: Record<string, LocalGateway>;
  /** Every API (REST, then HTTP) of every stack, each on its own port, in deploy and template order. */
  apiGateways: LocalGateway[];
  /** Every function URL (AWS::Lambda::Url), each on its own port after the APIs'. */
  functionUrls: LocalGateway[];
  /** A local distribution per AWS::CloudFront::Distribution the templates create (e.g. EnableCloudFront=true). */
  distributions: LocalDistribution[];
  invoker: FunctionInvoker;
  dynamodbEndpoint: string;
  /**
   * The DynamoDB Local the twin started and supervises (its pid, whether it is loopback-only and Host-checked);
   * undefined when it uses another one (the dynamodbEndpoint option).
   */
  dynamodb?: SupervisedDynamoDbLocal;
  /** The links web app, when started (webPort). */
  web?: LocalWebApp;
  /** Milliseconds from start to ready. */
  readyMs: number;
  stop(): Promise<void>;
}

export async function startTwin(options: TwinOptions = {}): Promise<Twin> {
  const started = Date.now();
  const rootDir = options.rootDir ?? process.cwd();
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const ids = new IdStore(options.stateDir ? join(options.stateDir, 'ids.json') : undefined);
  const system = loadSystem({ rootDir, configFile: options.configFile, ids, authParameters: options.authParameters, apiParameters: options.apiParameters });
  // Every API of every stack gets a port: REST APIs (explicit, or SAM's implicit ServerlessRestApi) and HTTP APIs
  // (explicit, or ServerlessHttpApi). The default API stack's first is on --api-port, the others on the ports after it.
  const apis = system.stacks.flatMap((stack) => [
    ...restApisOf(stack).map((logicalId) => ({ stack, logicalId, kind: 'rest' as const })),
    ...httpApisOf(stack).map((logicalId) => ({ stack, logicalId, kind: 'http' as const })),
  ]);
  const apiPorts = apis.map((_, index) => (options.apiPort ? options.apiPort + index : 0));
  // Function URLs (AWS::Lambda::Url, SAM's FunctionUrlConfig) take the ports after the APIs.
  const functionUrlResources = resourcesOfType(system, 'AWS::Lambda::Url');
  const urlPorts = functionUrlResources.map((_, index) => (options.apiPort ? options.apiPort + apis.length + index : 0));
  // Fail fast, with one line, before starting anything that would need stopping.
  for (const [index, apiPort] of apiPorts.entries()) {
    if (apiPort) await assertPortFree(apiPort, `API Gateway, ${apis[index]!.stack.configEnv}/${apis[index]!.logicalId}`);
  }
  for (const [index, urlPort] of urlPorts.entries()) {
    if (urlPort) await assertPortFree(urlPort, `function URL ${functionUrlResources[index]!.logicalId}`);
  }
  if (options.cognitoPort) await assertPortFree(options.cognitoPort, 'Cognito');
  // What the templates use that the twin does not emulate: said once, with what it stands in for.
  for (const stack of system.stacks) for (const line of stack.unresolved) log(`[template] ${stack.name}: ${line}`);
  const mismatch = runtimeMismatch(system);
  if (mismatch) log(mismatch);
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch((error) => log(`stop failed: ${String(error)}`));
    stoppers.length = 0;
  };

  try {
    let dynamodbEndpoint = options.dynamodbEndpoint;
    let dynamodb: SupervisedDynamoDbLocal | undefined;
    if (!dynamodbEndpoint) {
      const dynamo = await superviseDynamoDbLocal({
        port: options.dynamodbPort,
        dbPath: options.stateDir ? join(options.stateDir, 'dynamodb') : undefined,
        allowedHosts: options.allowedHosts,
        log,
        // A restarted in-memory DynamoDB Local has no tables; a persisted one keeps them (creating is idempotent).
        afterRestart: (endpoint) => createTables(system, endpoint),
      });
      dynamodb = dynamo;
      stoppers.push(() => dynamo.stop());
      dynamodbEndpoint = dynamo.endpoint;
    }
    await createTables(system, dynamodbEndpoint);

    // Bundles and Cognito's outbox: under the state directory, or a per-twin scratch directory laid out alike.
    const workDir = options.stateDir ?? scratchDir(rootDir, stoppers);
    const buildDir = join(workDir, 'build');
    const unsupported = await startUnsupportedServices({ host, allowedHosts: options.allowedHosts, log });
    stoppers.push(() => unsupported.stop());
    // Shared with every execution environment started from now on (Cognito's endpoint is added once it listens).
    const baseEnvironment: Record<string, string> = {
      // Every AWS service the twin does not emulate: a clear local error instead of real AWS (unsupported-services.ts).
      AWS_ENDPOINT_URL: unsupported.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: 'local',
      // No POWERTOOLS_DEV: one JSON line per entry, as in CloudWatch; the console's log format prints it (lambda/log-format.ts).
      // Functions run on nodejs24.x in AWS; the SDK's Node-20 notice is noise for local runs only.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const invoker = createFunctionInvoker({ system, buildDir, log, concurrency: options.functionConcurrency, baseEnvironment });
    stoppers.push(() => invoker.stop());

    const cognito = await startCognito({
      system,
      host,
      allowedHosts: options.allowedHosts,
      port: options.cognitoPort ?? 0,
      stateFile: options.stateDir ? join(options.stateDir, 'cognito.json') : undefined,
      invoker,
      log,
      outboxDir: join(workDir, 'outbox'),
      clock: options.clock,
    });
    stoppers.push(() => cognito.stop());
    // A function's Cognito calls (AdminGetUser, GetUser, …) reach the local Cognito, as its DynamoDB calls reach DynamoDB Local.
    baseEnvironment.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER = cognito.url;

    const gateways: Record<string, LocalGateway> = {};
    const apiGateways: LocalGateway[] = [];
    for (const [index, { stack, logicalId, kind }] of apis.entries()) {
      const gatewayOptions = { system, stack, apiLogicalId: logicalId, host, allowedHosts: options.allowedHosts, port: apiPorts[index]!, cognito, invoker, accessLog: log };
      const gateway = kind === 'rest' ? await startGateway(gatewayOptions) : await startHttpApi(gatewayOptions);
      stoppers.push(() => gateway.stop());
      apiGateways.push(gateway);
      gateways[stack.configEnv] ??= gateway;
    }
    const apiUrls = Object.fromEntries(apiGateways.map((gateway) => [gateway.apiId, gateway.url]));
    const functionUrls: LocalGateway[] = [];
    for (const [index, url] of functionUrlResources.entries()) {
      const listener = await startFunctionUrl({ url, accountId: system.accountId, region: system.region, invoker, host, allowedHosts: options.allowedHosts, port: urlPorts[index]!, log });
      stoppers.push(() => listener.stop());
      functionUrls.push(listener);
    }
    const distributions = await startDistributions(system, apiUrls, { host, allowedHosts: options.allowedHosts, port: options.cloudFrontPort ?? 0, log, stoppers });
    const distributionUrls = Object.fromEntries(distributions.map((d) => [d.domainName, d.url]));
    const outputs = twinOutputs(system, { cognitoUrl: cognito.url, apiUrls, distributionUrls, functionUrls: Object.fromEntries(functionUrls.map((f) => [f.apiId, f.url])) }, dynamodbEndpoint);
    const web = options.webPort === undefined ? undefined : await startWeb(system, outputs, options, log);
    if (web) {
      stoppers.push(() => web.stop());
      outputs.local.WebAppUrl = `${web.url}/`;
    }
    if (options.outputsFile) writeSecretFile(options.outputsFile, JSON.stringify(outputs, null, 2) + '\n');
    const gateway = gateways[system.api.configEnv] ?? apiGateways[0];
    return {
      system, outputs, cognito, gateways, apiGateways, functionUrls, distributions, invoker, dynamodbEndpoint, dynamodb, web, readyMs: Date.now() - started, stop,
      get gateway(): LocalGateway {
        if (!gateway) throw new Error('The templates define no API (AWS::Serverless::Api or HttpApi, or Api/HttpApi events of a function)');
        return gateway;
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The links web app against the default API, signing in with its public WebClient through the local hosted login.
 * Its redirect URI must be one of the client's CallbackURLs (the template's CallbackUrls, http://localhost:5173/callback
 * by default): said in the log otherwise.
 */
async function startWeb(system: System, outputs: TwinOutputs, options: TwinOptions, log: (line: string) => void): Promise<LocalWebApp | undefined> {
  const clientId = outputs.api.WebClientId;
  if (!clientId) {
    log("web app: not served (it is the links API's web client, and these templates output no WebClientId)");
    return undefined;
  }
  const scopes = outputs.local.ClientScopes[clientId] ?? ['openid'];
  const web = await startWebApp({
    port: options.webPort ?? 0,
    host: options.host,
    allowedHosts: options.allowedHosts,
    config: { authority: outputs.auth.IssuerUrl!, clientId, apiUrl: outputs.api.ApiUrl!, scope: scopes.join(' '), loginBaseUrl: outputs.local.CognitoEndpoint },
  });
  const client = resourcesOfType(system, 'AWS::Cognito::UserPoolClient').find((resource) => resource.physicalId === clientId);
  const callbacks = (client?.properties.CallbackURLs as string[] | undefined) ?? [];
  if (!callbacks.includes(`${web.url}/callback`)) {
    log(`web app: ${web.url}/callback is not among the WebClient's CallbackURLs (${callbacks.join(', ') || 'none'}): sign-in will stop at redirect_mismatch. Set the API's CallbackUrls parameter, or --web-port to match.`);
  }
  return web;
}

/**
 * One local distribution per enabled AWS::CloudFront::Distribution, its origins mapped to the twin's services:
 * `<api id>.execute-api.<region>.amazonaws.com` (what the template's origin DomainName resolves to) to that
 * API's local gateway. Origins the twin does not run answer CloudFront's 502.
 */
async function startDistributions(
  system: System,
  apiUrls: Record<string, string>,
  options: { host: string; allowedHosts?: readonly string[]; port: number; log: (line: string) => void; stoppers: (() => Promise<void>)[] },
): Promise<LocalDistribution[]> {
  const originUrls = Object.fromEntries(
    Object.entries(apiUrls).map(([apiId, url]) => [`${apiId}.execute-api.${system.region}.amazonaws.com`, url]),
  );
  const models = system.stacks.flatMap((stack) => distributionsOf(stack, system.ids)).filter((model) => model.enabled);
  const started: LocalDistribution[] = [];
  for (const [index, model] of models.entries()) {
    const port = options.port ? options.port + index : 0;
    if (port) await assertPortFree(port, `CloudFront, ${model.logicalId}`);
    for (const origin of Object.values(model.origins)) {
      if (!originUrls[origin.domainName]) options.log(`CloudFront ${model.logicalId}: origin ${origin.domainName} is not emulated locally; requests to it answer 502`);
    }
    const distribution = await startDistribution({ model, host: options.host, allowedHosts: options.allowedHosts, port, originUrls, accessLog: options.log });
    options.stoppers.push(() => distribution.stop());
    started.push(distribution);
  }
  return started;
}

/**
 * A per-twin directory under .local/tmp (inside the project, so bundles built there resolve node_modules),
 * named twin-<pid>-<random> and removed when the twin stops. A twin that was killed cannot remove its own:
 * the next one reclaims every scratch directory whose process is gone.
 */
function scratchDir(rootDir: string, stoppers: (() => Promise<void>)[]): string {
  const tmp = join(rootDir, '.local', 'tmp');
  mkdirSync(tmp, { recursive: true });
  for (const entry of readdirSync(tmp)) {
    const pid = Number(/^twin-(\d+)-[0-9a-f]+$/.exec(entry)?.[1]);
    if (pid && !processAlive(pid)) rmSync(join(tmp, entry), { recursive: true, force: true });
  }
  const dir = join(tmp, `twin-${process.pid}-${randomBytes(4).toString('hex')}`);
  stoppers.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Functions run on the Node their Runtime names where that binary is installed; say which cannot (they run on this Node). */
export function runtimeMismatch(system: System): string | undefined {
  return runtimeNotice(functionSpecsOf(system).map((spec) => spec.runtime));
}

async function createTables(system: System, endpoint: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: system.region, credentials: LOCAL_CREDENTIALS });
  try {
    for (const table of resourcesOfType(system, 'AWS::DynamoDB::Table')) {
      await createTableFromTemplate(client, table.physicalId, table.properties);
    }
    for (const table of resourcesOfType(system, 'AWS::Serverless::SimpleTable')) {
      await createTableFromTemplate(client, table.physicalId, simpleTableProperties(table.properties));
    }
  } finally {
    client.destroy();
  }
}

export function twinOutputs(system: System, endpoints: LocalEndpoints, dynamodbEndpoint: string): TwinOutputs {
  const ClientSecrets: Record<string, string> = {};
  const ClientScopes: Record<string, string[]> = {};
  for (const client of resourcesOfType(system, 'AWS::Cognito::UserPoolClient')) {
    const secret = clientSecretOf(system, client);
    if (secret) ClientSecrets[client.physicalId] = secret;
    const scopes = client.properties.AllowedOAuthScopes;
    ClientScopes[client.physicalId] = Array.isArray(scopes) ? scopes.map(String) : [];
  }
  const apis = Object.fromEntries(system.apis.map((stack) => [stack.configEnv, localizeOutputs(stack.outputs, system, endpoints)]));
  const keys = system.stacks.flatMap((stack) => restApisOf(stack).flatMap((api) => apiKeysFor(system, stack, apiModelOf(stack, api))));
  const ApiKeys = keys.length > 0 ? Object.fromEntries(keys.map((key) => [key.name, key.value])) : undefined;
  return {
    auth: localizeOutputs(system.auth.outputs, system, endpoints),
    api: apis[system.api.configEnv]!,
    apis,
    local: { Region: system.region, CognitoEndpoint: endpoints.cognitoUrl, DynamoDbEndpoint: dynamodbEndpoint, ClientSecrets, ClientScopes, Pid: process.pid, ...(ApiKeys ? { ApiKeys } : {}) },
  };
}

/** Files holding client secrets are readable by their owner only. */
export function writeSecretFile(path: string, content: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}
