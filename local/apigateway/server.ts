import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { LocalGateway, LocalGatewayOptions } from '../contracts';
import { resourcesOfType, type System } from '../template/system';
import { accessLogLine } from './access-log';
import { apiModelOf, type ApiModel, type Route } from './api-model';
import { CognitoAuthorizer } from './authorizer';
import { stringifyClaims } from './claims';
import { gatewayErrors, renderGatewayResponse, type GatewayError, type ResponseContext } from './gateway-responses';
import { buildProxyEvent, clfTime, isBinary, queryMaps, withForwardingHeaders } from './proxy-event';
import { clientHeaders, parseProxyResult } from './proxy-result';
import { matchRoute } from './route-match';

/** API Gateway's payload limit for REST APIs. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

interface Exchange {
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
  route?: Route;
  pathParameters?: Record<string, string> | null;
  claims?: Record<string, string>;
}

/**
 * One API stack's REST API on a local port: `http://host:port/<stage>/<path>`, with its Cognito
 * authorizers enforced, SAM's CORS preflights, its GatewayResponses, and Lambda proxy integrations
 * through the function runner.
 */
export async function startGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const log = options.accessLog ?? (() => {});
  const model = apiModelOf(options.stack);
  // The templates do not change while the twin runs: each pool's clients are looked up once, not per request.
  const clientIds = new Map<string, string[]>();
  const pools = {
    issuerFor: (poolId: string) => options.cognito.issuerFor(poolId),
    clientIdsOf: (poolId: string) => clientIds.get(poolId) ?? clientIds.set(poolId, clientIdsOf(options.system, poolId)).get(poolId)!,
  };
  const authorizers = new Map(Object.values(model.authorizers).map((spec) => [spec.name, new CognitoAuthorizer(spec, pools)]));
  for (const route of model.routes) {
    const name = route.auth?.authorizer;
    if (name && !authorizers.has(name)) log(`[api] ${route.method} ${route.resourcePath}: authorizer ${name} cannot run locally (${model.unsupportedAuthorizers[name] ?? 'not defined on the API'}); it will answer 500`);
  }
  const deploymentId = randomBytes(3).toString('hex');
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`[api] gateway failure: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end('{"message":"Internal server error"}');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ex = exchangeOf(req, res);
    let body: Buffer;
    let tooLarge: boolean;
    try {
      ({ body, tooLarge } = await readBody(req, MAX_BODY_BYTES));
    } catch {
      return; // the client went away
    }
    if (!model.stages.includes(ex.stage)) return forbidden(ex);
    if (tooLarge) return gatewayError(ex, gatewayErrors.requestTooLarge());
    const match = matchRoute(model.routes, ex.method, ex.path);
    if (!match.found) {
      const authorization = req.headers.authorization;
      return gatewayError(ex, authorization ? gatewayErrors.incompleteSignature(authorization) : gatewayErrors.missingAuthenticationToken());
    }
    ex.route = match.route;
    ex.pathParameters = match.pathParameters;
    if (match.route.auth) {
      const authorizer = authorizers.get(match.route.auth.authorizer);
      if (!authorizer) return gatewayError(ex, gatewayErrors.authorizerConfiguration());
      const outcome = await authorizer.authorize(headerValue(req, authorizer.spec.header), match.route.auth.scopes);
      if (!outcome.ok) return gatewayError(ex, gatewayErrors.unauthorized(outcome.message));
      ex.claims = stringifyClaims(outcome.claims);
    }
    const integration = match.route.integration;
    if (integration.type === 'cors-mock') return send(ex, 200, { 'Content-Type': ['application/json'], ...arrays(integration.headers) }, Buffer.from('{}'));
    return invokeLambda(ex, integration.functionArn, body);
  }

  async function invokeLambda(ex: Exchange, functionArn: string, body: Buffer): Promise<void> {
    const event = buildProxyEvent(
      {
        method: ex.method,
        path: ex.path,
        query: ex.query,
        rawHeaders: withForwardingHeaders(ex.req.rawHeaders, { sourceIp: ex.sourceIp, port: listeningPort(), protocol: 'http', traceId: ex.traceId }),
        body,
        sourceIp: ex.sourceIp,
      },
      {
        route: ex.route!,
        pathParameters: ex.pathParameters ?? null,
        apiId: model.apiId,
        accountId: options.system.accountId,
        stage: ex.stage,
        stageVariables: model.stageVariables,
        requestId: ex.requestId,
        extendedRequestId: ex.extendedRequestId,
        deploymentId,
        now: ex.now,
        domainName: domainNameOf(ex.req),
        protocol: `HTTP/${ex.req.httpVersion}`,
        claims: ex.claims,
        binaryMediaTypes: model.binaryMediaTypes,
      },
    );
    const outcome = await options.invoker.invoke(functionArn, event);
    if (outcome.status !== 'ok') {
      const why = outcome.status === 'error' ? `${outcome.errorType}: ${outcome.errorMessage}` : outcome.status === 'crash' ? outcome.errorMessage : 'function timed out';
      return gatewayError(ex, gatewayErrors.integrationFailure(), `Lambda ${outcome.status} (${why})`);
    }
    const parsed = parseProxyResult(outcome.payload);
    if (!parsed.ok) return gatewayError(ex, gatewayErrors.integrationFailure(), parsed.reason);
    const { result } = parsed;
    const headers = clientHeaders(result.headers);
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['Content-Type'] = ['application/json'];
    // Base64 bodies become bytes only when the API lists the client's Accept type as binary.
    const binary = result.isBase64Encoded && acceptsBinary(ex.req.headers.accept, model.binaryMediaTypes);
    return send(ex, result.statusCode, headers, Buffer.from(result.body, binary ? 'base64' : 'utf8'));
  }

  function gatewayError(ex: Exchange, error: GatewayError, detail?: string): void {
    const rendered = renderGatewayResponse(error, model.gatewayResponses, responseContext(ex, model));
    // The SigV4 complaint carries a hash of the Authorization header: the log keeps only its type.
    const logged = error.errorType === 'IncompleteSignatureException' ? error.errorType : error.message;
    send(ex, rendered.status, arrays(rendered.headers), Buffer.from(rendered.body), detail ? `${logged}: ${detail}` : logged);
  }

  /** No such stage: CloudFront-level refusal, which GatewayResponses do not shape. */
  function forbidden(ex: Exchange): void {
    send(ex, 403, { 'Content-Type': ['application/json'], 'x-amzn-ErrorType': ['ForbiddenException'] }, Buffer.from('{"message":"Forbidden"}'), 'Forbidden');
  }

  function send(ex: Exchange, status: number, headers: Record<string, string[]>, body: Buffer, error?: string): void {
    ex.res.writeHead(status, {
      ...headers,
      'Content-Length': String(body.length),
      'x-amzn-RequestId': ex.requestId,
      'x-amz-apigw-id': ex.extendedRequestId,
      'X-Amzn-Trace-Id': ex.traceId,
    });
    ex.res.end(body);
    log(accessLogLine({ requestId: ex.requestId, method: ex.method, path: ex.fullPath, status, latencyMs: performance.now() - ex.started, claims: ex.claims, error }));
  }

  function listeningPort(): number {
    return (server.address() as AddressInfo | null)?.port ?? 0;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return {
    apiId: model.apiId,
    url,
    stageUrl: `${url}/${model.stages[0]}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would hold close() open: end them now.
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function exchangeOf(req: IncomingMessage, res: ServerResponse): Exchange {
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

/** Reads the whole body; past `limit` it keeps draining (so the connection stays usable) but drops the bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers['content-length'] ?? 0) > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.once('end', () => resolve({ body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge }));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('client aborted'));
    });
  });
}

function responseContext(ex: Exchange, model: ApiModel): ResponseContext {
  const headers: Record<string, string> = {};
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
      ...Object.fromEntries(Object.entries(ex.claims ?? {}).map(([k, v]) => [`authorizer.claims.${k}`, v])),
    },
  };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function domainNameOf(req: IncomingMessage): string {
  return (req.headers.host ?? '127.0.0.1').replace(/:\d+$/, '');
}

function acceptsBinary(accept: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  return (accept ?? '').split(',').some((type) => isBinary(type.trim(), binaryMediaTypes));
}

function arrays(headers: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
}

/** App clients of a pool: `AWS::Cognito::UserPoolClient` resources (either stack) whose UserPoolId is it. */
export function clientIdsOf(system: System, poolId: string): string[] {
  return resourcesOfType(system, 'AWS::Cognito::UserPoolClient')
    .filter((client) => client.properties.UserPoolId === poolId)
    .map((client) => client.physicalId);
}
