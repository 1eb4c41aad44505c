import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { clfTime, decodeForm, type EventContext } from '../proxy-event';
import { mergeHeaders } from '../proxy-result';
import { safeRecord } from '../safe-record';

/**
 * The payload format 2.0 event and result of an HTTP API's Lambda integration ("Create AWS Lambda proxy
 * integrations for HTTP APIs", http-api-develop-integrations-lambda; aws-api-shapes.md §1).
 */
export interface V2Request {
  method: string;
  /** The path as sent, stage prefix included for a named stage, still percent-encoded. */
  rawPath: string;
  rawQueryString: string;
  rawHeaders: readonly string[];
  body: Buffer;
  sourceIp: string;
  protocol: string;
}

/** What the v2 event shares with the v1 one (proxy-event.ts), plus the HTTP API's route key. */
export type V2Context = Pick<EventContext, 'pathParameters' | 'apiId' | 'accountId' | 'stage' | 'stageVariables' | 'requestId' | 'now' | 'domainName' | 'authorizer'> & {
  routeKey: string;
};

/**
 * Header names lower-cased, repeats joined with commas; Cookie headers become `cookies` (split on `; `);
 * repeated query keys joined with commas; fields with nothing in them left out.
 */
export function buildV2Event(request: V2Request, ctx: V2Context): APIGatewayProxyEventV2 {
  const headers = safeRecord<string>();
  const cookies: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!.toLowerCase();
    const value = request.rawHeaders[i + 1]!;
    if (name === 'cookie') {
      cookies.push(...value.split(';').map((c) => c.trim()).filter(Boolean));
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const query = safeRecord<string>();
  for (const pair of request.rawQueryString.split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    const name = decodeForm(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeForm(pair.slice(eq + 1));
    query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  }
  const binary = request.body.length > 0 && !isTextual(headers['content-type']);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: ctx.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: ctx.accountId,
      apiId: ctx.apiId,
      ...(ctx.authorizer ? { authorizer: ctx.authorizer } : {}),
      domainName: ctx.domainName,
      domainPrefix: ctx.domainName.split('.')[0]!,
      http: { method: request.method, path: request.rawPath, protocol: request.protocol, sourceIp: request.sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: ctx.requestId,
      routeKey: ctx.routeKey,
      stage: ctx.stage,
      time: clfTime(ctx.now),
      timeEpoch: ctx.now.getTime(),
    },
    ...(ctx.pathParameters ? { pathParameters: ctx.pathParameters } : {}),
    ...(ctx.stageVariables ? { stageVariables: ctx.stageVariables } : {}),
    ...(request.body.length > 0 ? { body: binary ? request.body.toString('base64') : request.body.toString('utf8') } : {}),
    isBase64Encoded: binary,
  } as APIGatewayProxyEventV2;
  return event;
}

/**
 * Which bodies reach the function as text. HTTP APIs have no BinaryMediaTypes: they base64-encode bodies of other
 * content types (form posts included). The exact list is not published. Text, JSON, XML and JavaScript types are
 * the ones known to arrive as text.
 */
function isTextual(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type.startsWith('text/') || /^application\/(json|xml|javascript|([\w.+-]+\+(json|xml)))$/.test(type);
}

export interface V2Response {
  statusCode: number;
  headers: Record<string, string[]>;
  body: Buffer;
}

/**
 * The function's result as an HTTP API answers it. A result with a `statusCode` is used as given: headers,
 * `cookies` (one `set-cookie` each), body, `isBase64Encoded`. Any other JSON is the body of a 200 with
 * `content-type: application/json`. Malformed → undefined (the caller answers 500 Internal Server Error).
 */
export function parseV2Result(payload: unknown): V2Response | { invalid: string } {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload) || !('statusCode' in payload)) {
    return { statusCode: 200, headers: { 'content-type': ['application/json'] }, body: Buffer.from(JSON.stringify(payload)) };
  }
  const result = payload as Record<string, unknown>;
  const statusCode = typeof result.statusCode === 'string' && /^\d+$/.test(result.statusCode) ? Number(result.statusCode) : result.statusCode;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return { invalid: 'statusCode must be an integer HTTP status' };
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string') return { invalid: 'body must be a string' };
  const headers = mergeHeaders(result.headers, result.multiValueHeaders);
  if (!headers) return { invalid: 'headers must map names to strings' };
  if (result.cookies !== undefined && (!Array.isArray(result.cookies) || !result.cookies.every((c) => typeof c === 'string'))) return { invalid: 'cookies must be a list of strings' };
  if (Array.isArray(result.cookies) && result.cookies.length > 0) headers['set-cookie'] = [...(headers['set-cookie'] ?? []), ...(result.cookies as string[])];
  const text = (result.body as string | undefined | null) ?? '';
  return { statusCode, headers, body: Buffer.from(text, result.isBase64Encoded === true ? 'base64' : 'utf8') };
}
