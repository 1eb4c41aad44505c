import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { LocalGateway, LocalGatewayOptions } from '../../contracts';
import { refuseForeignHost, servedHosts } from '../../host-check';
import { readBody } from '../../http-body';
import { listenLocal } from '../../net';
import { resourcesOfType } from '../../template/system';
import { accessLogLine } from '../access-log';
import type { Authorization, Authorizer } from '../authorizers';
import { HttpLambdaAuthorizer } from '../authorizers/http-lambda';
import { IamAuthorizer } from '../authorizers/iam';
import { JwtAuthorizer, type IssuerDirectory } from '../authorizers/jwt';
import { domainNameOf } from '../exchange';
import type { GatewayError } from '../gateway-responses';
import { buildProxyEvent, withForwardingHeaders } from '../proxy-event';
import { parseProxyResult } from '../proxy-result';
import { DRAIN_LIMIT, methodArn, NODE_MAX_HEADER_SIZE, PAYLOAD_LIMIT, refusals, requestRefusal } from '../request-limits';
import { matchRoute } from '../route-match';
import { StageThrottle } from '../throttle';
import { buildV2Event, parseV2Result } from './event';
import { preflightHeaders, responseCorsHeaders } from './cors';
import { httpApiModelOf, type HttpApiModel, type HttpRoute } from './model';

/** The HTTP API answers it gives itself (aws-api-shapes.md §1): lower-case `message` bodies, JSON. */
const NOT_FOUND = { status: 404, message: 'Not Found' };
const INTERNAL = { status: 500, message: 'Internal Server Error' };
const TOO_MANY_REQUESTS = { status: 429, message: 'Too Many Requests' };

interface HttpExchange {
  req: IncomingMessage;
  res: ServerResponse;
  started: number;
  now: Date;
  requestId: string;
  method: string;
  /** As sent, stage prefix included, no query. */
  rawPath: string;
  query: string;
  /** Path after the stage (the whole path on `$default`); undefined when it is not under the stage. */
  path: string | undefined;
  sourceIp: string;
  authorization?: Extract<Authorization, { ok: true }>;
}

/**
 * One `AWS::Serverless::HttpApi` on a local port: its `$default` stage at the root (`http://host:port/<path>`), a
 * named stage under `/<stage>`. Routes (`GET /items/{id}`, `ANY /{proxy+}`, `$default`) from the functions'
 * HttpApi events, JWT authorizers, the CORS configuration answered by the API itself, and the payload format 2.0
 * event (1.0 where a route asks for it).
 */
export async function startHttpApi(options: LocalGatewayOptions & { apiLogicalId: string }): Promise<LocalGateway> {
  const log = options.accessLog ?? (() => {});
  const model = httpApiModelOf(options.stack, options.apiLogicalId);
  const issuers = localIssuers(options);
  const throttle = new StageThrottle(model.routeThrottles);
  const authorizers = new Map<string, Authorizer>(
    Object.values(model.authorizers).map((spec) => [
      spec.name,
      spec.kind === 'jwt' ? new JwtAuthorizer(spec, issuers, log) : spec.kind === 'lambda' ? new HttpLambdaAuthorizer(spec, options.invoker) : new IamAuthorizer('http'),
    ]),
  );
  for (const route of [...model.routes, ...(model.defaultRoute ? [model.defaultRoute] : [])]) {
    const name = route.auth?.authorizer;
    if (name && !authorizers.has(name)) log(`[api] ${route.routeKey}: authorizer ${name} is not defined on the API${name === 'AWS_IAM' ? ' (set Auth.EnableIamAuthorizer: true)' : ''}, so it answers 500`);
  }
  const apiOrigin = `https://${model.apiId}.execute-api.${options.system.region}.amazonaws.com`;
  const allowedHosts = servedHosts(options);
  const server = createServer({ maxHeaderSize: NODE_MAX_HEADER_SIZE }, (req, res) => {
    if (refuseForeignHost(req, res, allowedHosts)) return;
    handle(req, res).catch((error: unknown) => {
      log(`[api] gateway failure: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: INTERNAL.message }));
    });
  });
  server.on('clientError', (_error, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ex = exchangeOf(req, res, model);
    const refusal = requestRefusal(req.rawHeaders, req.url ?? '/', apiOrigin, 'REGIONAL');
    let read;
    try {
      read = await readBody(req, { limit: PAYLOAD_LIMIT, drainLimit: DRAIN_LIMIT });
    } catch {
      return;
    }
    if (!read.complete) res.setHeader('Connection', 'close');
    if (refusal) return answer(ex, refusal.status, { 'content-type': ['text/plain; charset=utf-8'] }, Buffer.from(refusal.body), refusal.body);
    if (read.tooLarge) return answer(ex, 413, { 'content-type': ['text/plain; charset=utf-8'] }, Buffer.from(refusals.payloadTooLarge.body), 'payload too large');
    const path = ex.path;
    if (path === undefined) return error(ex, NOT_FOUND);

    // CORS preflights are the API's to answer when it has a CORS configuration, before any route or authorizer.
    if (model.cors && ex.method === 'OPTIONS' && req.headers.origin && req.headers['access-control-request-method']) {
      return answer(ex, 204, preflightHeaders(model.cors, req), Buffer.alloc(0), undefined, 'preflight');
    }
    const match = matchRoute<HttpRoute>(model.routes, ex.method, path);
    const route = match.found ? match.route : model.defaultRoute;
    if (!route) return error(ex, NOT_FOUND);
    const pathParameters = match.found ? match.pathParameters : null;
    if (!throttle.admit(route.resourcePath, route.method)) return error(ex, TOO_MANY_REQUESTS);

    if (route.auth) {
      const authorizer = authorizers.get(route.auth.authorizer);
      if (!authorizer) return error(ex, INTERNAL, `authorizer ${route.auth.authorizer} does not run locally`);
      const outcome = await authorizer.authorize({
        headers: req.headers,
        methodArn: methodArn(options.system.region, options.system.accountId, model.apiId, model.stage, ex.method, path),
        scopes: route.auth.scopes,
        stageVariables: model.stageVariables,
        query: ex.query,
        proxyEvent: () => v1EventOf(ex, route, pathParameters, read.body),
        httpEvent: () => v2EventOf(ex, route, pathParameters, read.body),
      });
      if (!outcome.ok) return gatewayError(ex, outcome.error, outcome.detail);
      ex.authorization = outcome;
    }

    const event = route.payloadFormatVersion === '2.0' ? v2EventOf(ex, route, pathParameters, read.body) : v1EventOf(ex, route, pathParameters, read.body);
    const outcome = await options.invoker.invoke(route.functionArn, event);
    if (outcome.status !== 'ok') {
      const why = outcome.status === 'error' ? `${outcome.errorType}: ${outcome.errorMessage}` : outcome.status === 'crash' ? outcome.errorMessage : 'function timed out';
      return error(ex, INTERNAL, `Lambda ${outcome.status} (${why})`);
    }
    if (route.payloadFormatVersion === '2.0') {
      const parsed = parseV2Result(outcome.payload);
      if ('invalid' in parsed) return error(ex, INTERNAL, `malformed Lambda response: ${parsed.invalid}`);
      return answer(ex, parsed.statusCode, parsed.headers, parsed.body);
    }
    const parsed = parseProxyResult(outcome.payload);
    if (!parsed.ok) return error(ex, INTERNAL, parsed.reason);
    return answer(ex, parsed.result.statusCode, parsed.result.headers, Buffer.from(parsed.result.body, parsed.result.isBase64Encoded ? 'base64' : 'utf8'));
  }

  function v2EventOf(ex: HttpExchange, route: HttpRoute, pathParameters: Record<string, string> | null, body: Buffer) {
    return buildV2Event(
      { method: ex.method, rawPath: ex.rawPath, rawQueryString: ex.query, rawHeaders: forwarded(ex), body, sourceIp: ex.sourceIp, protocol: `HTTP/${ex.req.httpVersion}` },
      {
        routeKey: route.routeKey, pathParameters, apiId: model.apiId, accountId: options.system.accountId, stage: model.stage,
        stageVariables: model.stageVariables, requestId: ex.requestId, now: ex.now, domainName: domainNameOf(ex.req), authorizer: ex.authorization?.context,
      },
    );
  }

  /** Payload format 1.0 on an HTTP API: the REST-style event, with `version: '1.0'`. */
  function v1EventOf(ex: HttpExchange, route: HttpRoute, pathParameters: Record<string, string> | null, body: Buffer) {
    const event = buildProxyEvent(
      { method: ex.method, path: ex.path!, query: ex.query, rawHeaders: forwarded(ex), body, sourceIp: ex.sourceIp },
      {
        route: { resourcePath: route.resourcePath, method: route.method, resourceId: route.resourceId, auth: undefined, integration: { type: 'lambda', functionArn: route.functionArn, functionLogicalId: route.functionLogicalId } },
        pathParameters, apiId: model.apiId, accountId: options.system.accountId, stage: model.stage, stageVariables: model.stageVariables,
        requestId: ex.requestId, extendedRequestId: ex.requestId, deploymentId: '', now: ex.now, domainName: domainNameOf(ex.req),
        protocol: `HTTP/${ex.req.httpVersion}`, authorizer: ex.authorization?.context, binaryMediaTypes: [],
      },
    );
    return { version: '1.0', ...event };
  }

  function forwarded(ex: HttpExchange): string[] {
    const port = (server.address() as AddressInfo | null)?.port ?? 0;
    return withForwardingHeaders(ex.req.rawHeaders, { sourceIp: ex.sourceIp, port, protocol: 'http', traceId: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}` });
  }

  function gatewayError(ex: HttpExchange, failure: GatewayError, detail?: string): void {
    const headers: Record<string, string[]> = { 'content-type': ['application/json'] };
    for (const [name, value] of Object.entries(failure.headers ?? {})) headers[name] = [value];
    answer(ex, failure.status, headers, Buffer.from(JSON.stringify({ message: failure.message })), detail ? `${failure.message}: ${detail}` : failure.message ?? undefined);
  }

  function error(ex: HttpExchange, failure: { status: number; message: string }, detail?: string): void {
    answer(ex, failure.status, { 'content-type': ['application/json'] }, Buffer.from(JSON.stringify({ message: failure.message })), detail ? `${failure.message}: ${detail}` : failure.message);
  }

  /** `preflight`: the API's own answer to a CORS preflight, whose headers are already the CORS ones. */
  function answer(ex: HttpExchange, status: number, headers: Record<string, string[]>, body: Buffer, logged?: string, kind?: 'preflight'): void {
    const out: Record<string, string[] | string> = {};
    for (const [name, values] of Object.entries(headers)) {
      // With a CORS configuration the API sets the CORS headers and ignores the integration's (http-api-cors).
      if (model.cors && kind !== 'preflight' && name.toLowerCase().startsWith('access-control-')) continue;
      out[name] = values;
    }
    if (model.cors && kind !== 'preflight') Object.assign(out, responseCorsHeaders(model.cors, ex.req));
    out['content-length'] = String(body.length);
    out['apigw-requestid'] = ex.requestId;
    ex.res.writeHead(status, out);
    ex.res.end(body);
    const who = ex.authorization;
    log(accessLogLine({ requestId: ex.requestId, method: ex.method, path: ex.rawPath, status, latencyMs: performance.now() - ex.started, principal: who?.principal, client: who?.client, error: logged }));
  }

  const listening = await listenLocal(server, options.port, options.host);
  return {
    apiId: model.apiId,
    logicalId: model.logicalId,
    url: listening.url,
    stageUrl: model.stage === '$default' ? `${listening.url}/` : `${listening.url}/${model.stage}/`,
    stop: listening.stop,
  };
}

function exchangeOf(req: IncomingMessage, res: ServerResponse, model: HttpApiModel): HttpExchange {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  // HTTP APIs hand on the path percent-decoded, in `rawPath` and path parameters alike, where REST APIs keep it encoded
  // (live captures in github.com/hotsock/voker/pull/8, github.com/aws/aws-lambda-dotnet/pull/1901); the query string
  // stays encoded (github.com/ministackorg/ministack/issues/1035).
  const rawPath = decodePath(q < 0 ? rawUrl : rawUrl.slice(0, q));
  let path: string | undefined = rawPath;
  if (model.stage !== '$default') {
    const prefix = `/${model.stage}`;
    path = rawPath === prefix ? '/' : rawPath.startsWith(`${prefix}/`) ? rawPath.slice(prefix.length) : undefined;
  }
  // API Gateway's request ids on HTTP APIs are short base64 tokens (`apigw-requestid`).
  const requestId = randomBytes(12).toString('base64').replace(/[+/=]/g, '').slice(0, 16);
  return {
    req, res, started: performance.now(), now: new Date(), requestId, method: req.method ?? 'GET', rawPath,
    query: q < 0 ? '' : rawUrl.slice(q + 1), path, sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
  };
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** A pool of the templates behind an issuer `https://cognito-idp.<region>.amazonaws.com/<poolId>`: its local issuer. */
function localIssuers(options: LocalGatewayOptions): IssuerDirectory {
  const pools = new Set(resourcesOfType(options.system, 'AWS::Cognito::UserPool').map((pool) => pool.physicalId));
  const prefix = `https://cognito-idp.${options.system.region}.amazonaws.com/`;
  return {
    localIssuerFor(issuer) {
      const poolId = issuer.startsWith(prefix) ? issuer.slice(prefix.length).replace(/\/$/, '') : undefined;
      return poolId && pools.has(poolId) ? options.cognito.issuerFor(poolId) : undefined;
    },
  };
}
