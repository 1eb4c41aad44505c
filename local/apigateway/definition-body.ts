import type { AuthorizerSpec, CognitoAuthorizerSpec, IdentitySource, Integration, LambdaAuthorizerSpec, MethodAuth } from './api-model';
import { AWS_IAM } from './api-model';

/**
 * A REST API's OpenAPI `DefinitionBody` (Swagger 2.0 or OpenAPI 3), read through the extensions API Gateway
 * imports ("Working with API Gateway extensions to OpenAPI", api-gateway-swagger-extensions):
 * - each path's operations (and `x-amazon-apigateway-any-method`) with their `x-amazon-apigateway-integration`:
 *   `aws_proxy` to a Lambda function's invocation URI is a Lambda proxy integration, and `mock` with response
 *   headers is a CORS preflight answered by the API;
 * - `security` (on the operation, else the document's) naming schemes of `securityDefinitions` /
 *   `components.securitySchemes` with `x-amazon-apigateway-authorizer`: `cognito_user_pools` (providerARNs),
 *   `token` / `request` (authorizerUri, identitySource, authorizerResultTtlInSeconds,
 *   identityValidationExpression), and `x-amazon-apigateway-authtype: awsSigv4` for IAM.
 * Also the document's `x-amazon-apigateway-binary-media-types` and `x-amazon-apigateway-gateway-responses`.
 * SAM adds its Auth (authorizers, DefaultAuthorizer) and Cors to a DefinitionBody, but not the functions' Api events:
 * those reach the body only with `MergeDefinitions: true` (samtranslator/plugins/api/implicit_api_plugin.py, "the
 * resource is not actively managed by SAM"; model/api/api_generator.py _add_auth, _add_cors).
 */
export interface DefinitionRoute {
  resourcePath: string;
  method: string;
  integration: Integration | { type: 'unsupported'; why: string };
  auth: MethodAuth | undefined;
  /** Whether the operation (or the document) says `security` at all: SAM's DefaultAuthorizer fills in the others. */
  declaresSecurity: boolean;
  /** A `security` requirement names an API key scheme (`type: apiKey`, `name: x-api-key`, no authtype). */
  apiKeyRequired: boolean;
}

export interface Definition {
  routes: DefinitionRoute[];
  authorizers: Record<string, AuthorizerSpec>;
  /** `x-amazon-apigateway-binary-media-types`. */
  binaryMediaTypes: string[];
  /** `x-amazon-apigateway-gateway-responses`, in the shape SAM's GatewayResponses property gives. */
  gatewayResponses: Record<string, { statusCode: number | undefined; headers: Record<string, string>; templates: Record<string, string> }>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];
/** `arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function ARN}/invocations` */
const LAMBDA_URI = /^arn:aws[\w-]*:apigateway:[\w-]+:lambda:path\/[\d-]+\/functions\/(.+?)\/invocations$/;

export function readDefinitionBody(body: unknown): Definition {
  const doc = record(body);
  const schemes = record(doc.securityDefinitions ?? record(doc.components).securitySchemes);
  const authorizers: Record<string, AuthorizerSpec> = {};
  for (const [name, raw] of Object.entries(schemes)) {
    const spec = authorizerOf(name, record(raw));
    if (spec) authorizers[name] = spec;
  }
  const routes: DefinitionRoute[] = [];
  for (const [path, item] of Object.entries(record(doc.paths))) {
    for (const [key, raw] of Object.entries(record(item))) {
      const method = key === 'x-amazon-apigateway-any-method' ? 'ANY' : METHODS.includes(key) ? key.toUpperCase() : undefined;
      if (!method) continue;
      const operation = record(raw);
      routes.push({
        resourcePath: path,
        method,
        integration: integrationOf(record(operation['x-amazon-apigateway-integration'])),
        auth: authOf(operation.security ?? doc.security, authorizers),
        declaresSecurity: (operation.security ?? doc.security) !== undefined,
        apiKeyRequired: requiresApiKey(operation.security ?? doc.security, schemes),
      });
    }
  }
  const binaryMediaTypes = Array.isArray(doc['x-amazon-apigateway-binary-media-types']) ? (doc['x-amazon-apigateway-binary-media-types'] as unknown[]).map(String) : [];
  const gatewayResponses: Definition['gatewayResponses'] = {};
  for (const [type, raw] of Object.entries(record(doc['x-amazon-apigateway-gateway-responses']))) {
    const response = record(raw);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(record(response.responseParameters))) {
      const header = /^gatewayresponse\.header\.(.+)$/.exec(name)?.[1];
      if (header) headers[header] = String(value);
    }
    const templates = Object.fromEntries(Object.entries(record(response.responseTemplates)).map(([k, v]) => [k, String(v)]));
    gatewayResponses[type] = { statusCode: response.statusCode === undefined ? undefined : Number(response.statusCode), headers, templates };
  }
  return { routes, authorizers, binaryMediaTypes, gatewayResponses };
}

function integrationOf(integration: Record<string, unknown>): DefinitionRoute['integration'] {
  const type = String(integration.type ?? '').toLowerCase();
  if (type === 'aws_proxy') {
    const functionArn = LAMBDA_URI.exec(String(integration.uri ?? ''))?.[1];
    if (functionArn) return { type: 'lambda', functionArn, functionLogicalId: functionArn.slice(functionArn.lastIndexOf(':') + 1) };
    return { type: 'unsupported', why: `aws_proxy to ${String(integration.uri)} (only Lambda functions run locally)` };
  }
  if (type === 'mock') {
    // A preflight mock: the response's header mappings, `method.response.header.X: "'value'"`.
    const response = record(record(integration.responses).default ?? Object.values(record(integration.responses))[0]);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(record(response.responseParameters))) {
      const header = /^method\.response\.header\.(.+)$/.exec(name)?.[1];
      if (header) headers[header] = String(value).replace(/^'(.*)'$/s, '$1');
    }
    return { type: 'cors-mock', headers };
  }
  return { type: 'unsupported', why: `integration type ${type || '(none)'} does not run locally` };
}

/** The first `security` requirement naming a known scheme; `[]` or none = open. */
function authOf(security: unknown, authorizers: Record<string, AuthorizerSpec>): MethodAuth | undefined {
  if (!Array.isArray(security)) return undefined;
  for (const requirement of security) {
    for (const [name, scopes] of Object.entries(record(requirement))) {
      if (name === 'NONE') return undefined;
      if (authorizers[name] || name === AWS_IAM) return { authorizer: authorizers[name]?.kind === 'iam' ? AWS_IAM : name, scopes: Array.isArray(scopes) ? scopes.map(String) : [] };
    }
  }
  return undefined;
}

function requiresApiKey(security: unknown, schemes: Record<string, unknown>): boolean {
  if (!Array.isArray(security)) return false;
  return security.some((requirement) =>
    Object.keys(record(requirement)).some((name) => {
      const scheme = record(schemes[name]);
      return scheme.type === 'apiKey' && String(scheme.name).toLowerCase() === 'x-api-key' && scheme['x-amazon-apigateway-authtype'] === undefined;
    }),
  );
}

function authorizerOf(name: string, scheme: Record<string, unknown>): AuthorizerSpec | undefined {
  if (String(scheme['x-amazon-apigateway-authtype'] ?? '').toLowerCase() === 'awssigv4') return { kind: 'iam', name: AWS_IAM };
  const authorizer = record(scheme['x-amazon-apigateway-authorizer']);
  const type = String(authorizer.type ?? '').toLowerCase();
  const header = typeof scheme.name === 'string' ? scheme.name : 'Authorization';
  if (type === 'cognito_user_pools') {
    const arns = (Array.isArray(authorizer.providerARNs) ? authorizer.providerARNs : []).map(String);
    const spec: CognitoAuthorizerSpec = { kind: 'cognito', name, poolIds: arns.map((arn) => arn.slice(arn.lastIndexOf('/') + 1)), header, scopes: undefined };
    return spec;
  }
  if (type === 'token' || type === 'request') {
    const functionArn = LAMBDA_URI.exec(String(authorizer.authorizerUri ?? ''))?.[1];
    if (!functionArn) return undefined;
    const sources = String(authorizer.identitySource ?? (type === 'token' ? `method.request.header.${header}` : ''))
      .split(',')
      .map((source) => identitySourceOf(source.trim()))
      .filter((source): source is IdentitySource => source !== undefined);
    const ttl = authorizer.authorizerResultTtlInSeconds === undefined ? 300 : Number(authorizer.authorizerResultTtlInSeconds);
    const spec: LambdaAuthorizerSpec = {
      kind: 'lambda',
      name,
      functionArn,
      payloadType: type === 'token' ? 'TOKEN' : 'REQUEST',
      identitySources: sources,
      validationExpression: typeof authorizer.identityValidationExpression === 'string' ? authorizer.identityValidationExpression : undefined,
      ttlSeconds: Number.isFinite(ttl) ? Math.min(3600, Math.max(0, ttl)) : 300,
    };
    return spec;
  }
  return undefined;
}

/** `method.request.header.X`, `method.request.querystring.X`, `stageVariables.X`, `context.X`. */
function identitySourceOf(source: string): IdentitySource | undefined {
  const match = /^(method\.request\.header|method\.request\.querystring|stageVariables|context)\.(.+)$/.exec(source);
  if (!match) return undefined;
  const from = ({ 'method.request.header': 'header', 'method.request.querystring': 'query', stageVariables: 'stageVariable', context: 'context' } as const)[match[1] as 'context'];
  return { from, name: match[2]! };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
