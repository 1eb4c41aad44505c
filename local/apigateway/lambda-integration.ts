import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { FunctionInvoker } from '../contracts';
import type { ApiModel } from './api-model';
import { domainNameOf, type Exchange } from './exchange';
import { gatewayErrors } from './gateway-responses';
import { buildProxyEvent, isBinary, withForwardingHeaders } from './proxy-event';
import { clientHeaders, parseProxyResult } from './proxy-result';
import { LAMBDA_EVENT_LIMIT } from './request-limits';
import type { Responder } from './responder';

export interface LambdaIntegrationOptions {
  model: ApiModel;
  accountId: string;
  invoker: FunctionInvoker;
  responder: Responder;
  /** The gateway's deployment id (`requestContext.deploymentId`), one per start. */
  deploymentId: string;
  /** The port the gateway listens on (X-Forwarded-Port). */
  port: () => number;
}

/** A REST API's Lambda proxy integration: the v1 event in, the function's proxy result out. */
export interface LambdaIntegration {
  /** This exchange's proxy event, with `requestContext.authorizer` once an authorizer let it in. */
  eventOf(ex: Exchange, body: Buffer): APIGatewayProxyEvent;
  invoke(ex: Exchange, functionArn: string, body: Buffer): Promise<void>;
}

export function lambdaIntegration(options: LambdaIntegrationOptions): LambdaIntegration {
  const { model, responder } = options;

  const eventOf = (ex: Exchange, body: Buffer): APIGatewayProxyEvent =>
    buildProxyEvent(
      {
        method: ex.method,
        path: ex.path,
        query: ex.query,
        rawHeaders: withForwardingHeaders(ex.req.rawHeaders, { sourceIp: ex.sourceIp, port: options.port(), protocol: 'http', traceId: ex.traceId }),
        body,
        sourceIp: ex.sourceIp,
      },
      {
        route: ex.route!,
        pathParameters: ex.pathParameters ?? null,
        apiId: model.apiId,
        accountId: options.accountId,
        stage: ex.stage,
        stageVariables: model.stageVariables,
        requestId: ex.requestId,
        extendedRequestId: ex.extendedRequestId,
        deploymentId: options.deploymentId,
        now: ex.now,
        domainName: domainNameOf(ex.req),
        protocol: `HTTP/${ex.req.httpVersion}`,
        authorizer: ex.authorization?.context,
        identity: { ...ex.authorization?.identity, ...(ex.apiKey ? { apiKey: ex.apiKey.value, apiKeyId: ex.apiKey.id } : {}) },
        binaryMediaTypes: model.binaryMediaTypes,
      },
    );

  return {
    eventOf,
    async invoke(ex, functionArn, body) {
      const event = eventOf(ex, body);
      // Cheap pre-check: only a body near a megabyte can make the event reach Lambda's 6 MB (JSON escapes grow it).
      if (body.length * 6 > LAMBDA_EVENT_LIMIT && Buffer.byteLength(JSON.stringify(event)) > LAMBDA_EVENT_LIMIT) {
        return responder.gatewayError(ex, gatewayErrors.requestTooLarge(), `proxy event over Lambda's ${LAMBDA_EVENT_LIMIT}-byte payload limit`);
      }
      const outcome = await options.invoker.invoke(functionArn, event);
      if (outcome.status !== 'ok') {
        const why = outcome.status === 'error' ? `${outcome.errorType}: ${outcome.errorMessage}` : outcome.status === 'crash' ? outcome.errorMessage : 'function timed out';
        return responder.gatewayError(ex, gatewayErrors.integrationFailure(), `Lambda ${outcome.status} (${why})`);
      }
      const parsed = parseProxyResult(outcome.payload);
      if (!parsed.ok) return responder.gatewayError(ex, gatewayErrors.integrationFailure(), parsed.reason);
      const { result } = parsed;
      const headers = clientHeaders(result.headers);
      if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['Content-Type'] = ['application/json'];
      // Base64 bodies become bytes only when the API lists the client's Accept type as binary.
      const binary = result.isBase64Encoded && acceptsBinary(ex.req.headers.accept, model.binaryMediaTypes);
      return responder.send(ex, result.statusCode, headers, Buffer.from(result.body, binary ? 'base64' : 'utf8'));
    },
  };
}

function acceptsBinary(accept: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  return (accept ?? '').split(',').some((type) => isBinary(type.trim(), binaryMediaTypes));
}
