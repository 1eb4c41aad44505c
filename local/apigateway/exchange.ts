import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiKey } from './api-keys';
import type { ApiModel, Route } from './api-model';
import type { Authorization } from './authorizers';
import type { ResponseContext } from './gateway-responses';
import { clfTime, queryMaps } from './proxy-event';
import { safeRecord } from './safe-record';

/** One request on its way through the gateway, and what each stage learnt of it. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  started: number;
  now: Date;
  requestId: string;
  extendedRequestId: string;
  traceId: string;
  method: string;
  /** Full path as sent, stage included, no query. */
  fullPath: string;
  query: string;
  stage: string;
  /** Path after the stage. */
  path: string;
  sourceIp: string;
  /** Set once routed. */
  route?: Route;
  pathParameters?: Record<string, string> | null;
  /** Set once the method's authorizer let the request in. */
  authorization?: Extract<Authorization, { ok: true }>;
  /** The API key the request was let in with, on a method that requires one. */
  apiKey?: ApiKey;
}

export function exchangeOf(req: IncomingMessage, res: ServerResponse): Exchange {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const fullPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const [, stage = '', rest = '/'] = /^\/([^/]*)(\/.*)?$/.exec(fullPath) ?? [];
  return {
    req,
    res,
    started: performance.now(),
    now: new Date(),
    requestId: randomUUID(),
    extendedRequestId: randomBytes(12).toString('base64'),
    traceId: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
    method: req.method ?? 'GET',
    fullPath,
    query: q < 0 ? '' : rawUrl.slice(q + 1),
    stage,
    path: rest,
    sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
  };
}

export function domainNameOf(req: IncomingMessage): string {
  return (req.headers.host ?? '127.0.0.1').replace(/:\d+$/, '');
}

/** What a gateway response's mappings and templates can read of this exchange (`$context.*`, request values). */
export function responseContext(ex: Exchange, model: ApiModel): ResponseContext {
  const headers = safeRecord<string>();
  for (const [name, value] of Object.entries(ex.req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  return {
    headers,
    query: queryMaps(ex.query)?.single ?? {},
    pathParameters: ex.pathParameters ?? {},
    stageVariables: model.stageVariables ?? {},
    context: {
      requestId: ex.requestId,
      extendedRequestId: ex.extendedRequestId,
      apiId: model.apiId,
      stage: ex.stage,
      httpMethod: ex.method,
      resourcePath: ex.route?.resourcePath ?? '',
      resourceId: ex.route?.resourceId ?? '',
      path: ex.fullPath,
      domainName: domainNameOf(ex.req),
      requestTime: clfTime(ex.now),
      requestTimeEpoch: String(ex.now.getTime()),
      'identity.sourceIp': ex.sourceIp,
      'identity.userAgent': headers['user-agent'] ?? '',
      ...authorizerVariables(ex.authorization?.context),
    },
  };
}

/** `$context.authorizer.claims.sub` (Cognito), `$context.authorizer.principalId` and `.<key>` (Lambda authorizers). */
function authorizerVariables(context: Record<string, unknown> | undefined): Record<string, string> {
  const variables = safeRecord<string>();
  for (const [key, value] of Object.entries(context ?? {})) {
    if (value !== null && typeof value === 'object') {
      for (const [inner, innerValue] of Object.entries(value)) variables[`authorizer.${key}.${inner}`] = String(innerValue);
    } else if (value !== undefined) {
      variables[`authorizer.${key}`] = String(value);
    }
  }
  return variables;
}
