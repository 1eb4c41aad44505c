import { createHash } from 'node:crypto';
import { unquote, type GatewayResponseSpec } from './api-model';

/** An error the gateway answers itself, before or instead of the integration. */
export interface GatewayError {
  /** The gateway response type customising it; undefined = only DEFAULT_4XX/DEFAULT_5XX apply. */
  responseType: string | undefined;
  status: number;
  /** `$context.error.message`; null where AWS's body says `{"message": null}` (a failed Lambda authorizer). */
  message: string | null;
  /** `x-amzn-ErrorType` header. */
  errorType: string;
  /** API Gateway's own template for this response type, when it is not `{"message":…}`. */
  defaultTemplate?: string;
  /** Headers AWS sends with it whatever the GatewayResponses say (an HTTP API's `www-authenticate`). */
  headers?: Record<string, string>;
}

export const gatewayErrors = {
  unauthorized: (message: string): GatewayError => ({ responseType: 'UNAUTHORIZED', status: 401, message, errorType: 'UnauthorizedException' }),
  missingAuthenticationToken: (): GatewayError => ({
    responseType: 'MISSING_AUTHENTICATION_TOKEN',
    status: 403,
    message: 'Missing Authentication Token',
    errorType: 'MissingAuthenticationTokenException',
  }),
  /**
   * An unknown resource or method with an Authorization header: API Gateway reads the header as a
   * SigV4 signature and says why it is not one (the header only as a SHA-256 hash).
   */
  incompleteSignature: (authorization: string): GatewayError => ({
    responseType: 'MISSING_AUTHENTICATION_TOKEN',
    status: 403,
    message: incompleteSignatureMessage(authorization),
    errorType: 'IncompleteSignatureException',
  }),
  /**
   * A proxy event over Lambda's 6 MB invocation payload (a body between ~6 and 10 MB): observed as `413`
   * `{"message": "Request Too Long"}` with `x-amzn-errortype: BadRequestException`
   * (github.com/koki-develop/lgtm-generator/issues/10). Bodies over 10 MB never get here (request-limits.ts).
   */
  requestTooLarge: (): GatewayError => ({ responseType: 'REQUEST_TOO_LARGE', status: 413, message: 'Request Too Long', errorType: 'BadRequestException' }),
  /**
   * Stage or method throttling ("Throttle requests to your REST APIs"): 429 Too Many Requests, gateway response
   * type THROTTLED.
   */
  throttled: (): GatewayError => ({ responseType: 'THROTTLED', status: 429, message: 'Too Many Requests', errorType: 'TooManyRequestsException' }),
  /** Lambda error, timeout, crash or malformed proxy result. */
  integrationFailure: (): GatewayError => ({ responseType: undefined, status: 502, message: 'Internal server error', errorType: 'InternalServerErrorException' }),
  /**
   * A Lambda authorizer that fails other than with `Unauthorized` (it throws, times out, returns something that is
   * not a policy): 500 `{"message": null}` (github.com/auth0-samples/jwt-rsa-aws-custom-authorizer/pull/6,
   * github.com/aws/chalice/issues/670) with `x-amzn-ErrorType: AuthorizerConfigurationException`
   * (github.com/serverless/examples/issues/305, github.com/ExpanseLLC/lambda_authorizer/issues/1).
   */
  /** No `x-api-key`, or one of no usage plan of this API's stage: 403 Forbidden (gateway response type INVALID_API_KEY). */
  invalidApiKey: (): GatewayError => ({ responseType: 'INVALID_API_KEY', status: 403, message: 'Forbidden', errorType: 'ForbiddenException' }),
  /** Not AWS's: a DefinitionBody integration the twin cannot run (HTTP, AWS service, VPC link) answers 500, and the log says why. */
  unsupportedIntegration: (): GatewayError => ({ responseType: undefined, status: 500, message: 'Internal server error', errorType: 'InternalServerErrorException' }),
  authorizerConfiguration: (): GatewayError => ({
    responseType: 'AUTHORIZER_CONFIGURATION_ERROR',
    status: 500,
    message: null,
    errorType: 'AuthorizerConfigurationException',
  }),
  /**
   * A Lambda authorizer's policy that does not allow the method: 403 AccessDeniedException, "User is not authorized
   * to access this resource" (with "with an explicit deny" for a matching Deny), repost.aws/knowledge-center/
   * api-gateway-403-error-lambda-authorizer. Raw captures show the key as `Message` (github.com/aws/chalice/
   * issues/971, github.com/dherault/serverless-offline/issues/228).
   */
  accessDenied: (explicit: boolean): GatewayError => ({
    responseType: 'ACCESS_DENIED',
    status: 403,
    message: `User is not authorized to access this resource${explicit ? ' with an explicit deny' : ''}`,
    errorType: 'AccessDeniedException',
    defaultTemplate: '{"Message":$context.error.messageString}',
  }),
};

export function incompleteSignatureMessage(authorization: string): string {
  const hash = createHash('sha256').update(authorization).digest('base64');
  if (!authorization.includes('=')) {
    return `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${hash}'.`;
  }
  return (
    "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
    "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
    `(Hashed with SHA-256 and encoded with Base64) Authorization=${hash}`
  );
}

/** What mapping expressions and templates of a gateway response can refer to. */
export interface ResponseContext {
  /** Request headers, names lower-cased. */
  headers: Record<string, string>;
  query: Record<string, string>;
  pathParameters: Record<string, string>;
  stageVariables: Record<string, string>;
  /** `$context.*` values (requestId, stage, apiId, httpMethod, resourcePath, path, …). */
  context: Record<string, string>;
}

export interface RenderedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const DEFAULT_TEMPLATE = '{"message":$context.error.messageString}';

/**
 * A gateway-generated response as the API's GatewayResponses shape it: the specific type if customised,
 * else DEFAULT_4XX/DEFAULT_5XX, else API Gateway's default (`{"message": …}`, and no CORS headers).
 */
export function renderGatewayResponse(error: GatewayError, customised: Record<string, GatewayResponseSpec>, ctx: ResponseContext): RenderedResponse {
  const spec = (error.responseType ? customised[error.responseType] : undefined) ?? customised[error.status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX'];
  const [contentType, template] = pickTemplate(spec?.templates, error.defaultTemplate ?? DEFAULT_TEMPLATE);
  const context = {
    ...ctx.context,
    'error.message': error.message ?? '',
    'error.messageString': JSON.stringify(error.message),
    'error.responseType': error.responseType ?? (error.status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX'),
  };
  const headers: Record<string, string> = { 'Content-Type': contentType, 'x-amzn-ErrorType': error.errorType };
  for (const [name, expression] of Object.entries(spec?.headers ?? {})) {
    const value = resolveMapping(expression, ctx);
    if (value !== undefined) headers[name] = value;
  }
  return { status: spec?.statusCode ?? error.status, headers, body: renderTemplate(template, context, ctx.stageVariables) };
}

function pickTemplate(templates: Record<string, string> | undefined, fallback: string): [string, string] {
  if (templates?.['application/json'] !== undefined) return ['application/json', templates['application/json']];
  const first = Object.entries(templates ?? {})[0];
  return first ?? ['application/json', fallback];
}

/** `'literal'`, `method.request.header|querystring|path.X`, `stageVariables.X` or `context.X`. */
export function resolveMapping(expression: string, ctx: ResponseContext): string | undefined {
  if (/^'.*'$/s.test(expression)) return unquote(expression);
  const [, source, name] = /^(method\.request\.header|method\.request\.querystring|method\.request\.path|stageVariables|context)\.(.+)$/.exec(expression) ?? [];
  if (!source || !name) return undefined;
  switch (source) {
    case 'method.request.header': return ctx.headers[name.toLowerCase()];
    case 'method.request.querystring': return ctx.query[name];
    case 'method.request.path': return ctx.pathParameters[name];
    case 'stageVariables': return ctx.stageVariables[name];
    default: return ctx.context[name];
  }
}

/** Substitutes `$context.x` / `${context.x}` and `$stageVariables.x`; this is all of VTL the gateway needs. */
export function renderTemplate(template: string, context: Record<string, string>, stageVariables: Record<string, string>): string {
  const lookup = (source: string, name: string) => (source === 'context' ? context[name] : stageVariables[name]) ?? '';
  // One pass, so a substituted value is never itself read as a reference.
  return template.replace(
    /\$\{(context|stageVariables)\.([A-Za-z0-9_.]+)\}|\$(context|stageVariables)\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)/g,
    (_, braced?: string, bracedName?: string, bare?: string, bareName?: string) => lookup(braced ?? bare ?? '', bracedName ?? bareName ?? ''),
  );
}
