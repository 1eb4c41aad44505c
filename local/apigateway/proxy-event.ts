import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Route } from './api-model';
import { safeRecord } from './safe-record';

/** The parts of an HTTP request the proxy event is made of. */
export interface IncomingRequest {
  method: string;
  /** Path after the stage exactly as sent (REST APIs pass it on still percent-encoded). */
  path: string;
  /** Query string without the `?`. */
  query: string;
  /** Header names and values in arrival order, names as the client cased them (Node's rawHeaders). */
  rawHeaders: readonly string[];
  body: Buffer;
  sourceIp: string;
}

export interface EventContext {
  route: Route;
  pathParameters: Record<string, string> | null;
  apiId: string;
  accountId: string;
  stage: string;
  stageVariables: Record<string, string> | null;
  requestId: string;
  extendedRequestId: string;
  deploymentId: string;
  now: Date;
  domainName: string;
  protocol: string;
  /** `requestContext.authorizer`: what the method's authorizer handed on (Cognito `{claims}`, a Lambda authorizer's context). */
  authorizer: Record<string, unknown> | undefined;
  /** `requestContext.identity` fields the authorizer knows (IAM: the caller's access key). */
  identity?: Record<string, string>;
  binaryMediaTypes: readonly string[];
}

/** The v1 (REST API) Lambda proxy integration event, as API Gateway builds it. */
export function buildProxyEvent(request: IncomingRequest, ctx: EventContext): APIGatewayProxyEvent {
  const { headers, multiValueHeaders } = headerMaps(request.rawHeaders);
  const query = queryMaps(request.query);
  const lower = safeRecord<string>();
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  const binary = isBinary(lower['content-type'], ctx.binaryMediaTypes);
  return {
    resource: ctx.route.resourcePath,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query?.single ?? null,
    multiValueQueryStringParameters: query?.multi ?? null,
    pathParameters: ctx.pathParameters,
    stageVariables: ctx.stageVariables,
    requestContext: {
      resourceId: ctx.route.resourceId,
      resourcePath: ctx.route.resourcePath,
      httpMethod: request.method,
      extendedRequestId: ctx.extendedRequestId,
      requestTime: clfTime(ctx.now),
      path: `/${ctx.stage}${request.path}`,
      accountId: ctx.accountId,
      protocol: ctx.protocol,
      stage: ctx.stage,
      domainPrefix: ctx.domainName.split('.')[0],
      requestTimeEpoch: ctx.now.getTime(),
      requestId: ctx.requestId,
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp: request.sourceIp,
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: lower['user-agent'] ?? null,
        user: null,
        apiKey: null,
        apiKeyId: null,
        clientCert: null,
        ...ctx.identity,
      },
      domainName: ctx.domainName,
      deploymentId: ctx.deploymentId,
      apiId: ctx.apiId,
      authorizer: ctx.authorizer,
    } as APIGatewayProxyEvent['requestContext'],
    body: request.body.length === 0 ? null : binary ? request.body.toString('base64') : request.body.toString('utf8'),
    isBase64Encoded: request.body.length > 0 && binary,
  };
}

/** `headers` keeps the last value of a repeated header, `multiValueHeaders` all of them. */
export function headerMaps(rawHeaders: readonly string[]): { headers: Record<string, string>; multiValueHeaders: Record<string, string[]> } {
  // Header names are the client's: prototype-less maps, so `constructor` or `__proto__` are just names.
  const headers = safeRecord<string>();
  const multiValueHeaders = safeRecord<string[]>();
  const casing = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const raw = rawHeaders[i]!;
    // One entry per header whatever the casing of repeats: the first spelling names it.
    const name = casing.get(raw.toLowerCase()) ?? raw;
    casing.set(raw.toLowerCase(), name);
    headers[name] = rawHeaders[i + 1]!;
    (multiValueHeaders[name] ??= []).push(rawHeaders[i + 1]!);
  }
  return { headers, multiValueHeaders };
}

/**
 * Query parameters decoded form-style (`+` is a space, as API Gateway does); the single-value map keeps
 * the last value. null when there is no query string at all.
 */
export function queryMaps(query: string): { single: Record<string, string>; multi: Record<string, string[]> } | null {
  const pairs = query.split('&').filter(Boolean);
  if (pairs.length === 0) return null;
  // Parameter names are the client's: prototype-less maps, so `toString` or `__proto__` are just names.
  const single = safeRecord<string>();
  const multi = safeRecord<string[]>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = decodeForm(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeForm(pair.slice(eq + 1));
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { single, multi };
}

/** Form-style decoding (`+` is a space), as API Gateway decodes query strings; malformed escapes are kept as sent. */
export function decodeForm(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Bodies are base64-encoded only for content types listed in the API's BinaryMediaTypes. */
export function isBinary(contentType: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  if (!contentType || binaryMediaTypes.length === 0) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return binaryMediaTypes.some((pattern) => {
    const p = pattern.toLowerCase();
    if (p === '*/*') return true;
    if (p.endsWith('/*')) return type.startsWith(p.slice(0, -1));
    return p === type;
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `$context.requestTime`: CLF format, `dd/MMM/yyyy:HH:mm:ss +0000`. */
export function clfTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

export interface ForwardingInfo {
  sourceIp: string;
  port: number;
  protocol: 'http' | 'https';
  traceId: string;
}

/**
 * The headers API Gateway adds on the way in: X-Forwarded-For (appended to the client's own),
 * X-Forwarded-Port, X-Forwarded-Proto and an X-Amzn-Trace-Id.
 */
export function withForwardingHeaders(rawHeaders: readonly string[], info: ForwardingInfo): string[] {
  const out: string[] = [];
  let forwardedFor: string | undefined;
  const replaced = new Set(['x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto', 'x-amzn-trace-id']);
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const lower = name.toLowerCase();
    if (lower === 'x-forwarded-for') forwardedFor = forwardedFor ? `${forwardedFor}, ${rawHeaders[i + 1]}` : rawHeaders[i + 1];
    if (!replaced.has(lower)) out.push(name, rawHeaders[i + 1]!);
  }
  out.push(
    'X-Amzn-Trace-Id', info.traceId,
    'X-Forwarded-For', forwardedFor ? `${forwardedFor}, ${info.sourceIp}` : info.sourceIp,
    'X-Forwarded-Port', String(info.port),
    'X-Forwarded-Proto', info.protocol,
  );
  return out;
}
