import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { LocalGateway, LocalGatewayOptions } from '../contracts';
import { refuseForeignHost, servedHosts } from '../host-check';
import { readBody, type BodyRead } from '../http-body';
import { listenLocal } from '../net';
import { resourcesOfType, type System } from '../template/system';
import { apiModelOf } from './api-model';
import { apiKeysFor } from './api-keys';
import { authorizersOf } from './authorizers';
import { exchangeOf } from './exchange';
import { gatewayErrors } from './gateway-responses';
import { lambdaIntegration } from './lambda-integration';
import { DRAIN_LIMIT, METHOD_ARN_LIMIT, methodArn, NODE_MAX_HEADER_SIZE, PAYLOAD_LIMIT, refusals, requestRefusal } from './request-limits';
import { arrays, createResponder } from './responder';
import { validateRequest } from './request-validation';
import { matchRoute } from './route-match';
import { StageThrottle } from './throttle';

/**
 * One REST API of a stack on a local port: `http://host:port/<stage>/<path>`. A request goes through the
 * stages API Gateway has: intake and limits (request-limits.ts) → route (route-match.ts) → throttle
 * (throttle.ts) → the method's authorizer (authorizers/: Cognito, Lambda, IAM) → request validation
 * (request-validation.ts) → API key (api-keys.ts) → integration (a CORS preflight mock, or the Lambda proxy
 * integration in lambda-integration.ts) → response (responder.ts, with the API's GatewayResponses).
 */
export async function startGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const log = options.accessLog ?? (() => {});
  const model = apiModelOf(options.stack, options.apiLogicalId);
  // The templates do not change while the twin runs: each pool's clients are looked up once, not per request.
  const clientIds = new Map<string, string[]>();
  const pools = {
    issuerFor: (poolId: string) => options.cognito.issuerFor(poolId),
    clientIdsOf: (poolId: string) => clientIds.get(poolId) ?? clientIds.set(poolId, clientIdsOf(options.system, poolId)).get(poolId)!,
  };
  const authorizers = authorizersOf(model, { pools, invoker: options.invoker });
  const throttle = new StageThrottle(model.methodThrottles);
  const apiKeys = new Map(apiKeysFor(options.system, options.stack, model).map((key) => [key.value, key]));
  for (const route of model.notInDefinition) {
    log(`[api] ${route}: an Api event of ${model.logicalId}, whose DefinitionBody SAM leaves as written (MergeDefinitions is not set), so it is not served, as on AWS`);
  }
  for (const route of model.routes) {
    if (route.integration.type === 'unsupported') log(`[api] ${route.method} ${route.resourcePath}: ${route.integration.why}; it will answer 500`);
    const name = route.auth?.authorizer;
    if (name && !authorizers.has(name)) log(`[api] ${route.method} ${route.resourcePath}: authorizer ${name} is not defined on the API; it will answer 500`);
  }
  const apiOrigin = `https://${model.apiId}.execute-api.${options.system.region}.amazonaws.com`;
  const allowedHosts = servedHosts(options);
  const responder = createResponder(model, log);
  const integration = lambdaIntegration({
    model,
    accountId: options.system.accountId,
    invoker: options.invoker,
    responder,
    deploymentId: randomBytes(3).toString('hex'),
    port: () => (server.address() as AddressInfo | null)?.port ?? 0,
  });
  const server = createServer({ maxHeaderSize: NODE_MAX_HEADER_SIZE }, (req, res) => {
    if (refuseForeignHost(req, res, allowedHosts)) return;
    handle(req, res).catch((error: unknown) => {
      log(`[api] gateway failure: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end('{"message":"Internal server error"}');
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => responder.refuseUnparsable(error, socket));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Intake: limits first, body read (or drained) before any answer so nothing is left unread on the connection.
    const ex = exchangeOf(req, res);
    const refusal = requestRefusal(req.rawHeaders, req.url ?? '/', apiOrigin, model.endpointType);
    let read: BodyRead;
    try {
      read = await readBody(req, { limit: PAYLOAD_LIMIT, drainLimit: DRAIN_LIMIT });
    } catch {
      return; // the client went away
    }
    if (!read.complete) res.setHeader('Connection', 'close');
    if (refusal) return responder.refuse(ex, refusal);
    if (read.tooLarge) return responder.refuse(ex, refusals.payloadTooLarge);
    if (!model.stages.includes(ex.stage)) return responder.forbidden(ex);

    // Route.
    const match = matchRoute(model.routes, ex.method, ex.path);
    if (!match.found) {
      const authorization = req.headers.authorization;
      return responder.gatewayError(ex, authorization ? gatewayErrors.incompleteSignature(authorization) : gatewayErrors.missingAuthenticationToken());
    }
    ex.route = match.route;
    ex.pathParameters = match.pathParameters;
    // Throttling comes before the authorizer: a throttled request costs no authorizer call (and is not billed).
    if (!throttle.admit(match.route.resourcePath, match.route.method)) return responder.gatewayError(ex, gatewayErrors.throttled());

    // Authorize.
    if (match.route.auth) {
      const arn = methodArn(options.system.region, options.system.accountId, model.apiId, ex.stage, ex.method, ex.path);
      if (Buffer.byteLength(arn) > METHOD_ARN_LIMIT) return responder.refuse(ex, refusals.uriTooLong);
      const authorizer = authorizers.get(match.route.auth.authorizer);
      if (!authorizer) return responder.gatewayError(ex, gatewayErrors.authorizerConfiguration(), `authorizer ${match.route.auth.authorizer} is not defined`);
      let event: ReturnType<typeof integration.eventOf> | undefined;
      const outcome = await authorizer.authorize({
        headers: req.headers,
        methodArn: arn,
        scopes: match.route.auth.scopes,
        stageVariables: model.stageVariables,
        query: ex.query,
        proxyEvent: () => (event ??= integration.eventOf(ex, read.body)),
      });
      if (!outcome.ok) return responder.gatewayError(ex, outcome.error, outcome.detail);
      ex.authorization = outcome;
    }

    // The method's request validator, once the caller is known.
    if (match.route.validation) {
      const invalid = validateRequest(match.route.validation, { headers: req.headers, query: ex.query, pathParameters: ex.pathParameters ?? null, body: read.body });
      if (invalid) return responder.gatewayError(ex, invalid);
    }

    // API keys, after the authorizer (as API Gateway checks them).
    if (match.route.apiKeyRequired) {
      const key = apiKeys.get(String(req.headers['x-api-key'] ?? ''));
      if (!key) return responder.gatewayError(ex, gatewayErrors.invalidApiKey(), 'no valid x-api-key');
      ex.apiKey = key;
    }

    // Integrate.
    const target = match.route.integration;
    if (target.type === 'cors-mock') return responder.send(ex, 200, { 'Content-Type': ['application/json'], ...arrays(target.headers) }, Buffer.from('{}'));
    if (target.type === 'unsupported') return responder.gatewayError(ex, gatewayErrors.unsupportedIntegration(), target.why);
    return integration.invoke(ex, target.functionArn, read.body);
  }

  const listening = await listenLocal(server, options.port, options.host);
  return { apiId: model.apiId, logicalId: model.logicalId, url: listening.url, stageUrl: `${listening.url}/${model.stages[0]}/`, stop: listening.stop };
}

/** App clients of a pool: `AWS::Cognito::UserPoolClient` resources (either stack) whose UserPoolId is it. */
export function clientIdsOf(system: System, poolId: string): string[] {
  return resourcesOfType(system, 'AWS::Cognito::UserPoolClient')
    .filter((client) => client.properties.UserPoolId === poolId)
    .map((client) => client.physicalId);
}
