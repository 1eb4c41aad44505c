import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { LocalGateway, LocalGatewayOptions } from '../contracts';
import { refuseForeignHost, servedHosts } from '../host-check';
import { StageThrottle } from './throttle';
import { readBody, type BodyRead } from '../http-body';
import { resourcesOfType, type System } from '../template/system';
import { accessLogLine } from './access-log';
import { apiModelOf, type ApiModel, type Route } from './api-model';
import { CognitoAuthorizer } from './authorizer';
import { stringifyClaims } from './claims';
import { gatewayErrors, renderGatewayResponse, type GatewayError, type ResponseContext } from './gateway-responses';
import { buildProxyEvent, clfTime, isBinary, queryMaps, withForwardingHeaders } from './proxy-event';
import { clientHeaders, parseProxyResult } from './proxy-result';
import { DRAIN_LIMIT, LAMBDA_EVENT_LIMIT, METHOD_ARN_LIMIT, methodArn, NODE_MAX_HEADER_SIZE, PAYLOAD_LIMIT, refusals, requestRefusal, type FrontEndRefusal } from './request-limits';
import { matchRoute } from './route-match';
import { safeRecord } from './safe-record';

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
  const throttle = new StageThrottle(model.methodThrottles);
  for (const route of model.routes) {
    const name = route.auth?.authorizer;
    if (name && !authorizers.has(name)) log(`[api] ${route.method} ${route.resourcePath}: authorizer ${name} cannot run locally (${model.unsupportedAuthorizers[name] ?? 'not defined on the API'}); it will answer 500`);
  }
  const deploymentId = randomBytes(3).toString('hex');
  const sockets = new Set<Socket>();
  const apiOrigin = `https://${model.apiId}.execute-api.${options.system.region}.amazonaws.com`;
  const allowedHosts = servedHosts(options);
  const server = createServer({ maxHeaderSize: NODE_MAX_HEADER_SIZE }, (req, res) => {
    if (refuseForeignHost(req, res, allowedHosts)) return;
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
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => refuseUnparsable(error, socket));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ex = exchangeOf(req, res);
    const refusal = requestRefusal(req.rawHeaders, req.url ?? '/', apiOrigin, model.endpointType);
    let read: BodyRead;
    try {
      // Read (or drain) the body before any answer, so an early error leaves nothing unread on the connection.
      read = await readBody(req, { limit: PAYLOAD_LIMIT, drainLimit: DRAIN_LIMIT });
    } catch {
      return; // the client went away
    }
    if (!read.complete) res.setHeader('Connection', 'close');
    if (refusal) return refuse(ex, refusal);
    if (read.tooLarge) return refuse(ex, refusals.payloadTooLarge);
    if (!model.stages.includes(ex.stage)) return forbidden(ex);
    const body = read.body;
    const match = matchRoute(model.routes, ex.method, ex.path);
    if (!match.found) {
      const authorization = req.headers.authorization;
      return gatewayError(ex, authorization ? gatewayErrors.incompleteSignature(authorization) : gatewayErrors.missingAuthenticationToken());
    }
    ex.route = match.route;
    ex.pathParameters = match.pathParameters;
    // Throttling comes before the authorizer: a throttled request costs no authorizer call (and is not billed).
    if (!throttle.admit(match.route.resourcePath, match.route.method)) return gatewayError(ex, gatewayErrors.throttled());
    if (match.route.auth) {
      const arn = methodArn(options.system.region, options.system.accountId, model.apiId, ex.stage, ex.method, ex.path);
      if (Buffer.byteLength(arn) > METHOD_ARN_LIMIT) return refuse(ex, refusals.uriTooLong);
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
    // Cheap pre-check: only a body near a megabyte can make the event reach Lambda's 6 MB (JSON escapes grow it).
    if (body.length * 6 > LAMBDA_EVENT_LIMIT && Buffer.byteLength(JSON.stringify(event)) > LAMBDA_EVENT_LIMIT) {
      return gatewayError(ex, gatewayErrors.requestTooLarge(), `proxy event over Lambda's ${LAMBDA_EVENT_LIMIT}-byte payload limit`);
    }
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

  /** API Gateway's front end refusing the request itself (request-limits.ts): plain text, no request id. */
  function refuse(ex: Exchange, refusal: FrontEndRefusal): void {
    const body = Buffer.from(refusal.body);
    ex.res.writeHead(refusal.status, { 'Content-Type': 'text; charset=utf-8', 'Content-Length': String(body.length) });
    ex.res.end(body);
    log(accessLogLine({ requestId: ex.requestId, method: ex.method, path: ex.fullPath, status: refusal.status, latencyMs: performance.now() - ex.started, error: refusal.body }));
  }

  /**
   * A request Node cannot parse. Header sections over Node's limit (far above AWS's 10240 bytes of values)
   * get AWS's header refusal; anything else (a malformed request line, an unknown method) gets the bare
   * 400 Node itself would send. Either way the connection closes: its bytes cannot be trusted to frame a
   * next request.
   */
  function refuseUnparsable(error: NodeJS.ErrnoException, socket: Socket): void {
    if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
    const answer = error.code === 'HPE_HEADER_OVERFLOW' ? refusals.headersTooLarge : { status: 400, body: '' };
    const reason = answer.status === 400 ? 'Bad Request' : 'Request Header Fields Too Large';
    const type = answer.body ? 'Content-Type: text; charset=utf-8\r\n' : '';
    socket.end(`HTTP/1.1 ${answer.status} ${reason}\r\n${type}Content-Length: ${Buffer.byteLength(answer.body)}\r\nConnection: close\r\n\r\n${answer.body}`);
    log(`[api] unparsable request refused with ${answer.status} (${error.code ?? error.message})`);
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

function responseContext(ex: Exchange, model: ApiModel): ResponseContext {
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
