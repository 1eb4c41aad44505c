import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yamlParse } from 'yaml-cfn';
import { readDefinitionBody, type Definition } from './definition-body';
import type { RequestValidation } from './request-validation';
import { methodThrottlesOf, type MethodThrottle } from './throttle';
import type { ResolvedResource, ResolvedStack } from '../template/stack';

/** Who may call a method: a named authorizer with the scopes the method asks for (none = ID tokens). */
export interface MethodAuth {
  authorizer: string;
  scopes: string[];
}

export type Integration =
  /** Lambda proxy integration: the function's ARN, as in the integration URI. */
  | { type: 'lambda'; functionArn: string; functionLogicalId: string }
  /** SAM's generated CORS preflight: a mock integration answering 200 with these headers. */
  | { type: 'cors-mock'; headers: Record<string, string> }
  /** An integration of a DefinitionBody that does not run locally (HTTP, AWS service, VPC link): 500 and a log line. */
  | { type: 'unsupported'; why: string };

export interface Route {
  /** Resource path template, e.g. `/links/{linkId}`. */
  resourcePath: string;
  /** Upper-case HTTP method, or `ANY`. */
  method: string;
  integration: Integration;
  /** undefined = open (no authorizer). */
  auth: MethodAuth | undefined;
  /** API Gateway's id of the resource (stable per path). */
  resourceId: string;
  /** `ApiKeyRequired`: the request must carry an `x-api-key` of a usage plan of this API's stage (api-keys.ts). */
  apiKeyRequired?: boolean;
  /** The method's request validator, when its event asks for one (request-validation.ts). */
  validation?: RequestValidation;
}

export interface CognitoAuthorizerSpec {
  kind: 'cognito';
  name: string;
  /** Pool ids from the authorizer's UserPoolArn (one or a list). */
  poolIds: string[];
  /** Header carrying the token (`Identity.Header`, default Authorization). */
  header: string;
  /** Authorizer-level AuthorizationScopes: the default for methods that name the authorizer without scopes. */
  scopes: string[] | undefined;
}

/**
 * A Lambda authorizer as SAM declares it (`FunctionArn`, `FunctionPayloadType`, `Identity`; docs:
 * sam-property-api-lambdatokenauthorizer / -lambdarequestauthorizer and their *identity pages).
 */
export interface LambdaAuthorizerSpec {
  kind: 'lambda';
  name: string;
  functionArn: string;
  payloadType: 'TOKEN' | 'REQUEST';
  /**
   * Where the identity comes from; every one must be present and non-empty or the request gets 401 without a
   * call. TOKEN: the one header (`Identity.Header`, default Authorization). REQUEST: `Identity.Headers`,
   * `QueryStrings`, `StageVariables`, `Context`.
   */
  identitySources: IdentitySource[];
  /** TOKEN only: `Identity.ValidationExpression`, which the whole token must match. */
  validationExpression: string | undefined;
  /** `Identity.ReauthorizeEvery`: seconds a result is cached under its identity (default 300, 0 = never). */
  ttlSeconds: number;
}

export interface IdentitySource {
  from: 'header' | 'query' | 'stageVariable' | 'context';
  name: string;
}

/** `AWS_IAM`: a SigV4-signed request (SAM's `Authorizer: AWS_IAM`). */
export interface IamAuthorizerSpec {
  kind: 'iam';
  name: typeof AWS_IAM;
}

export type AuthorizerSpec = CognitoAuthorizerSpec | LambdaAuthorizerSpec | IamAuthorizerSpec;
export const AWS_IAM = 'AWS_IAM';

export interface GatewayResponseSpec {
  statusCode: number | undefined;
  /** Header → mapping expression (`'literal'`, `method.request.header.Origin`, …). */
  headers: Record<string, string>;
  /** Content type → template. */
  templates: Record<string, string>;
}

export interface ApiModel {
  logicalId: string;
  apiId: string;
  /** Stage names this API answers on. */
  stages: string[];
  stageVariables: Record<string, string> | null;
  routes: Route[];
  /** Every authorizer a method may name, `AWS_IAM` included. */
  authorizers: Record<string, AuthorizerSpec>;
  gatewayResponses: Record<string, GatewayResponseSpec>;
  binaryMediaTypes: string[];
  /** `EndpointConfiguration` type: EDGE (SAM's default), REGIONAL or PRIVATE; it sets the URL length limit. */
  endpointType: EndpointType;
  /** The stage's throttling (`MethodSettings`), per method. */
  methodThrottles: MethodThrottle[];
  /** Api events of a DefinitionBody API that SAM does not add to it (no MergeDefinitions): `GET /path` each. */
  notInDefinition: string[];
}

export type EndpointType = 'EDGE' | 'REGIONAL' | 'PRIVATE';

const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/** Logical ids of a stack's REST APIs (`AWS::Serverless::Api`, SAM's implicit `ServerlessRestApi` included), in template order. */
export function restApisOf(stack: ResolvedStack): string[] {
  return Object.values(stack.resources).filter(isRestApi).map((r) => r.logicalId);
}

/**
 * A REST API the gateway serves: SAM's `AWS::Serverless::Api`, or a raw `AWS::ApiGateway::RestApi` defined by its
 * OpenAPI `Body` (its stages from the `AWS::ApiGateway::Stage` / `Deployment` resources that name it). A raw API
 * built from `Resource` and `Method` resources is not read.
 */
function isRestApi(resource: ResolvedResource): boolean {
  return resource.type === 'AWS::Serverless::Api' || (resource.type === 'AWS::ApiGateway::RestApi' && typeof resource.properties.Body === 'object' && resource.properties.Body !== null);
}

/** An API stack's REST API (the named one, or the only/first `AWS::Serverless::Api`) as the gateway serves it. */
export function apiModelOf(stack: ResolvedStack, apiLogicalId?: string): ApiModel {
  const apis = Object.values(stack.resources).filter(isRestApi);
  const api = apiLogicalId ? apis.find((r) => r.logicalId === apiLogicalId) : apis[0];
  if (!api) throw new Error(`The ${stack.name} stack has no AWS::Serverless::Api${apiLogicalId ? ` named ${apiLogicalId}` : ''}`);
  const props = api.properties;
  const auth = (props.Auth ?? {}) as Record<string, unknown>;
  const authorizers = authorizersOf(auth.Authorizers);
  const defaultAuthorizer = typeof auth.DefaultAuthorizer === 'string' && auth.DefaultAuthorizer !== 'NONE' ? auth.DefaultAuthorizer : undefined;
  const defaultAuth = (): MethodAuth | undefined =>
    defaultAuthorizer ? { authorizer: defaultAuthorizer, scopes: authorizerScopes(authorizers[defaultAuthorizer]) } : undefined;

  const routes: Route[] = [];
  for (const fn of Object.values(stack.resources).filter((r) => r.type === 'AWS::Serverless::Function')) {
    for (const event of apiEventsOf(fn, api.physicalId)) {
      routes.push({
        resourcePath: normalizeResourcePath(String(event.Path)),
        method: String(event.Method).toUpperCase(),
        integration: { type: 'lambda', functionArn: fn.arn, functionLogicalId: fn.logicalId },
        auth: methodAuth(event.Auth as Record<string, unknown> | undefined, authorizers, defaultAuth),
        resourceId: '',
        // SAM: an event's Auth.ApiKeyRequired, else the API's.
        apiKeyRequired: ((event.Auth as { ApiKeyRequired?: unknown } | undefined)?.ApiKeyRequired ?? auth.ApiKeyRequired) === true,
        validation: validationOf(event, props.Models),
      });
    }
  }
  // An OpenAPI DefinitionBody (or a local DefinitionUri file): its own routes and authorizers, beside the events'.
  const definition = definitionOf(props, stack.templateDir);
  const notInDefinition: string[] = [];
  if (definition) {
    // Without MergeDefinitions, SAM leaves a DefinitionBody's paths as they are: the events' routes are not served.
    if (props.MergeDefinitions !== true) notInDefinition.push(...routes.splice(0).map((r) => `${r.method} ${r.resourcePath}`));
    for (const [name, spec] of Object.entries(definition.authorizers)) if (!Object.hasOwn(auth.Authorizers ?? {}, name)) authorizers[name] = spec;
    for (const route of definition.routes) {
      const resourcePath = normalizeResourcePath(route.resourcePath);
      if (routes.some((r) => r.resourcePath === resourcePath && r.method === route.method)) continue;
      const integration = route.integration.type === 'lambda' ? { ...route.integration, functionLogicalId: logicalIdOfFunction(stack, route.integration.functionArn) } : route.integration;
      routes.push({ resourcePath, method: route.method, integration, auth: route.declaresSecurity ? route.auth : defaultAuth(), resourceId: '', apiKeyRequired: route.apiKeyRequired });
    }
  }
  const cors = corsOf(props.Cors);
  if (cors) {
    // SAM adds a mock OPTIONS method to every path that has none; the default authorizer only with
    // AddDefaultAuthorizerToCorsPreflight (true unless set to false).
    const preflightAuth = auth.AddDefaultAuthorizerToCorsPreflight === false ? undefined : defaultAuth();
    for (const path of [...new Set(routes.map((r) => r.resourcePath))]) {
      const methods = routes.filter((r) => r.resourcePath === path).map((r) => r.method);
      if (methods.includes('OPTIONS')) continue;
      // AddApiKeyRequiredToCorsPreflight (true unless set to false) does the same for an API-wide ApiKeyRequired.
      const preflightKey = auth.ApiKeyRequired === true && auth.AddApiKeyRequiredToCorsPreflight !== false;
      routes.push({ resourcePath: path, method: 'OPTIONS', integration: { type: 'cors-mock', headers: corsHeaders(cors, methods) }, auth: preflightAuth, resourceId: '', apiKeyRequired: preflightKey });
    }
  }
  for (const route of routes) route.resourceId = resourceIdOf(api.physicalId, route.resourcePath);

  return {
    logicalId: api.logicalId,
    apiId: api.physicalId,
    stages: api.type === 'AWS::ApiGateway::RestApi' ? rawStagesOf(stack, api.physicalId) : stagesOf(props),
    stageVariables: stringMap(props.Variables),
    routes,
    authorizers,
    // SAM's GatewayResponses and BinaryMediaTypes are written into the definition too: the template's win.
    gatewayResponses: { ...definition?.gatewayResponses, ...gatewayResponsesOf(props.GatewayResponses) },
    binaryMediaTypes: [
      ...new Set([...(definition?.binaryMediaTypes ?? []), ...(Array.isArray(props.BinaryMediaTypes) ? props.BinaryMediaTypes.map(String) : [])].map((t) => t.replace(/~1/g, '/'))),
    ],
    endpointType: endpointTypeOf(props.EndpointConfiguration),
    methodThrottles: methodThrottlesOf(props.MethodSettings),
    notInDefinition,
  };
}

/**
 * SAM's RequestModel (Model, Required, ValidateBody, ValidateParameters) and RequestParameters
 * (`method.request.querystring.q` or `{method.request.querystring.q: {Required: true}}`) of an Api event. SAM adds a
 * validator only when ValidateBody or ValidateParameters is set; model names match case-insensitively, as SAM
 * lower-cases them.
 */
function validationOf(event: Record<string, unknown>, models: unknown): RequestValidation | undefined {
  const model = (event.RequestModel ?? {}) as { Model?: unknown; ValidateBody?: unknown; ValidateParameters?: unknown };
  const validateBody = model.ValidateBody === true;
  const validateParameters = model.ValidateParameters === true;
  if (!validateBody && !validateParameters) return undefined;
  const requiredParameters: RequestValidation['requiredParameters'] = [];
  for (const entry of Array.isArray(event.RequestParameters) ? event.RequestParameters : []) {
    const [name, settings] = typeof entry === 'string' ? [entry, {}] : (Object.entries(entry as Record<string, unknown>)[0] ?? ['', {}]);
    const match = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(name);
    if (match && (settings as { Required?: unknown }).Required === true) requiredParameters.push({ in: match[1] as 'header' | 'querystring' | 'path', name: match[2]! });
  }
  const wanted = typeof model.Model === 'string' ? model.Model.toLowerCase() : undefined;
  const schema = Object.entries((models ?? {}) as Record<string, unknown>).find(([name]) => name.toLowerCase() === wanted)?.[1];
  return { requiredParameters, validateParameters, ...(validateBody && schema && typeof schema === 'object' ? { bodySchema: schema } : {}) };
}

function definitionOf(props: Record<string, unknown>, templateDir: string): Definition | undefined {
  if (props.DefinitionBody && typeof props.DefinitionBody === 'object') return readDefinitionBody(props.DefinitionBody);
  // A raw AWS::ApiGateway::RestApi's Body.
  if (props.Body && typeof props.Body === 'object') return readDefinitionBody(props.Body);
  const uri = props.DefinitionUri;
  // A local file, as `sam build` / `sam deploy` package it; an s3:// location is not on this machine.
  if (typeof uri === 'string' && !uri.startsWith('s3://')) return readDefinitionBody(yamlParse(readFileSync(join(templateDir, uri), 'utf8')));
  return undefined;
}

/** The logical id of the template's function with this ARN (for log lines), else the ARN's function name. */
function logicalIdOfFunction(stack: ResolvedStack, functionArn: string): string {
  return Object.values(stack.resources).find((r) => r.arn === functionArn)?.logicalId ?? functionArn.slice(functionArn.lastIndexOf(':') + 1);
}

/** SAM takes `EndpointConfiguration: REGIONAL` or `{Type: REGIONAL}`, a raw RestApi `{Types: [REGIONAL]}`; without it the API is edge-optimized. */
function endpointTypeOf(value: unknown): EndpointType {
  // SAM: `REGIONAL` or `{Type: REGIONAL}`; a raw RestApi: `{Types: [REGIONAL]}`.
  const config = value !== null && typeof value === 'object' ? (value as { Type?: unknown; Types?: unknown }) : undefined;
  const type = String((config ? config.Type ?? (Array.isArray(config.Types) ? config.Types[0] : undefined) : value) ?? 'EDGE').toUpperCase();
  return type === 'REGIONAL' || type === 'PRIVATE' ? type : 'EDGE';
}

function apiEventsOf(fn: ResolvedResource, apiId: string): Record<string, unknown>[] {
  const events = (fn.properties.Events ?? {}) as Record<string, { Type?: string; Properties?: Record<string, unknown> }>;
  return Object.values(events)
    .filter((event) => event.Type === 'Api' && event.Properties?.RestApiId === apiId)
    .map((event) => event.Properties ?? {});
}

/**
 * SAM's rules: an explicit `Auth.Authorizer` wins (`NONE` = open) with the event's scopes, else the
 * authorizer's own; without one the DefaultAuthorizer applies with the authorizer's scopes — event
 * scopes alone are ignored (cfn-lint flags that).
 */
function methodAuth(
  auth: Record<string, unknown> | undefined,
  authorizers: Record<string, AuthorizerSpec>,
  defaultAuth: () => MethodAuth | undefined,
): MethodAuth | undefined {
  const named = auth?.Authorizer;
  if (named === 'NONE') return undefined;
  if (typeof named === 'string') {
    const scopes = Array.isArray(auth?.AuthorizationScopes) ? auth.AuthorizationScopes.map(String) : authorizerScopes(authorizers[named]);
    return { authorizer: named, scopes };
  }
  return defaultAuth();
}

function authorizerScopes(spec: AuthorizerSpec | undefined): string[] {
  return spec?.kind === 'cognito' ? spec.scopes ?? [] : [];
}

/** SAM's `Auth.Authorizers`: a `UserPoolArn` makes a Cognito authorizer, a `FunctionArn` a Lambda one; AWS_IAM is always there. */
function authorizersOf(value: unknown): Record<string, AuthorizerSpec> {
  const authorizers: Record<string, AuthorizerSpec> = { [AWS_IAM]: { kind: 'iam', name: AWS_IAM } };
  for (const [name, raw] of Object.entries((value ?? {}) as Record<string, Record<string, unknown>>)) {
    const identity = (raw.Identity ?? {}) as Record<string, unknown>;
    if (raw.FunctionArn !== undefined) {
      authorizers[name] = lambdaAuthorizerOf(name, raw, identity);
      continue;
    }
    const arns = (Array.isArray(raw.UserPoolArn) ? raw.UserPoolArn : [raw.UserPoolArn]).map(String);
    authorizers[name] = {
      kind: 'cognito',
      name,
      poolIds: arns.map((arn) => arn.slice(arn.lastIndexOf('/') + 1)),
      header: String(identity.Header ?? 'Authorization'),
      scopes: Array.isArray(raw.AuthorizationScopes) ? raw.AuthorizationScopes.map(String) : undefined,
    };
  }
  return authorizers;
}

function lambdaAuthorizerOf(name: string, raw: Record<string, unknown>, identity: Record<string, unknown>): LambdaAuthorizerSpec {
  const payloadType = String(raw.FunctionPayloadType ?? 'TOKEN').toUpperCase() === 'REQUEST' ? 'REQUEST' : 'TOKEN';
  const list = (key: string) => (Array.isArray(identity[key]) ? (identity[key] as unknown[]).map(String) : []);
  const identitySources: IdentitySource[] =
    payloadType === 'TOKEN'
      ? [{ from: 'header', name: String(identity.Header ?? 'Authorization') }]
      : [
          ...list('Headers').map((n) => ({ from: 'header' as const, name: n })),
          ...list('QueryStrings').map((n) => ({ from: 'query' as const, name: n })),
          ...list('StageVariables').map((n) => ({ from: 'stageVariable' as const, name: n })),
          ...list('Context').map((n) => ({ from: 'context' as const, name: n })),
        ];
  const ttl = Number(identity.ReauthorizeEvery ?? 300);
  return {
    kind: 'lambda',
    name,
    functionArn: String(raw.FunctionArn),
    payloadType,
    identitySources,
    validationExpression: payloadType === 'TOKEN' && typeof identity.ValidationExpression === 'string' ? identity.ValidationExpression : undefined,
    ttlSeconds: Number.isFinite(ttl) ? Math.min(3600, Math.max(0, ttl)) : 300,
  };
}

interface CorsConfig {
  AllowOrigin: string;
  AllowHeaders?: string;
  AllowMethods?: string;
  MaxAge?: string;
  AllowCredentials?: boolean;
}

function corsOf(value: unknown): CorsConfig | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return { AllowOrigin: value };
  const cors = value as Record<string, unknown>;
  return {
    AllowOrigin: String(cors.AllowOrigin ?? "'*'"),
    AllowHeaders: cors.AllowHeaders === undefined ? undefined : String(cors.AllowHeaders),
    AllowMethods: cors.AllowMethods === undefined ? undefined : String(cors.AllowMethods),
    MaxAge: cors.MaxAge === undefined ? undefined : String(cors.MaxAge),
    AllowCredentials: cors.AllowCredentials === true || cors.AllowCredentials === 'true',
  };
}

/** The preflight's response headers, unquoted. Without AllowMethods SAM lists the path's methods (all for ANY). */
function corsHeaders(cors: CorsConfig, methods: string[]): Record<string, string> {
  const allowMethods = cors.AllowMethods ?? (methods.includes('ANY') ? ALL_METHODS : [...new Set([...methods, 'OPTIONS'])].sort()).join(',');
  const headers: Record<string, string> = { 'Access-Control-Allow-Origin': unquote(cors.AllowOrigin) };
  if (cors.AllowHeaders) headers['Access-Control-Allow-Headers'] = unquote(cors.AllowHeaders);
  if (allowMethods) headers['Access-Control-Allow-Methods'] = unquote(allowMethods);
  if (cors.MaxAge !== undefined) headers['Access-Control-Max-Age'] = unquote(cors.MaxAge);
  if (cors.AllowCredentials) headers['Access-Control-Allow-Credentials'] = 'true';
  return headers;
}

/** API Gateway mapping values are expressions; a literal is single-quoted (`"'*'"`). */
export function unquote(value: string): string {
  return /^'.*'$/s.test(value) ? value.slice(1, -1) : value;
}

/**
 * SAM's swagger 2.0 output also deploys a stage named "Stage" next to StageName; setting
 * OpenApiVersion (as this project's Globals do) avoids it.
 */
/** A raw RestApi's stages: each AWS::ApiGateway::Stage and each Deployment with a StageName that names it. */
function rawStagesOf(stack: ResolvedStack, apiId: string): string[] {
  const stages = Object.values(stack.resources)
    .filter((r) => (r.type === 'AWS::ApiGateway::Stage' || r.type === 'AWS::ApiGateway::Deployment') && r.properties.RestApiId === apiId && typeof r.properties.StageName === 'string')
    .map((r) => String(r.properties.StageName));
  return [...new Set(stages)];
}

function stagesOf(props: Record<string, unknown>): string[] {
  const stage = String(props.StageName ?? 'Prod');
  return props.OpenApiVersion === undefined && stage !== 'Stage' ? [stage, 'Stage'] : [stage];
}

function gatewayResponsesOf(value: unknown): Record<string, GatewayResponseSpec> {
  const out: Record<string, GatewayResponseSpec> = {};
  for (const [type, raw] of Object.entries((value ?? {}) as Record<string, Record<string, unknown>>)) {
    const params = (raw.ResponseParameters ?? {}) as { Headers?: Record<string, unknown> };
    out[type] = {
      statusCode: raw.StatusCode === undefined ? undefined : Number(raw.StatusCode),
      headers: stringMap(params.Headers) ?? {},
      templates: stringMap(raw.ResponseTemplates) ?? {},
    };
  }
  return out;
}

function stringMap(value: unknown): Record<string, string> | null {
  if (!value || typeof value !== 'object') return null;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)] as const);
  return entries.length > 0 ? Object.fromEntries(entries) : null;
}

function normalizeResourcePath(path: string): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.length > 1 ? withSlash.replace(/\/+$/, '') : withSlash;
}

/** Six lower-case alphanumerics like API Gateway's resource ids, stable for a path of an API. */
function resourceIdOf(apiId: string, path: string): string {
  const digest = createHash('sha256').update(`${apiId}${path}`).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(digest.subarray(0, 6), (byte) => alphabet[byte % alphabet.length]).join('');
}
