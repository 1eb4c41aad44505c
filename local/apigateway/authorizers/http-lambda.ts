import type { FunctionInvoker } from '../../contracts';
import type { GatewayError } from '../gateway-responses';
import type { HttpLambdaAuthorizerSpec } from '../http-api/model';
import type { Authorization, AuthorizationRequest, Authorizer } from './authorizer';
import { AuthorizerResultCache, identitySourceValue } from './identity';
import { evaluatePolicy, parseAuthorizerOutput } from './policy';

interface Outcome {
  allowed: boolean;
  context: Record<string, unknown>;
  principal?: string;
}

/**
 * An HTTP API's Lambda authorizer ("Control access to HTTP APIs with AWS Lambda authorizers",
 * http-api-lambda-authorizer; aws-api-shapes.md §3):
 * - an identity source missing or empty: 401 `{"message":"Unauthorized"}`, and the function is not called;
 * - payload 2.0 gets `{version, type: REQUEST, routeArn, identitySource, routeKey, rawPath, …}`, 1.0 the REST
 *   REQUEST authorizer's event;
 * - simple responses: `{isAuthorized, context}`; otherwise an IAM policy evaluated against the route ARN.
 *   A refusal is 403 `{"message":"Forbidden"}`. AWS's answer to a policy Deny is not settled: one report says
 *   401 (aws-api-shapes.md §3).
 * - the function failing or answering nonsense: 500 `{"message":"Internal Server Error"}`;
 * - `context` reaches the integration as `requestContext.authorizer.lambda`;
 * - a result is cached under the identity-source values for ReauthorizeEvery seconds, for every route it guards.
 */
export class HttpLambdaAuthorizer implements Authorizer {
  readonly kind = 'lambda';
  private readonly cache: AuthorizerResultCache<Outcome>;

  constructor(readonly spec: HttpLambdaAuthorizerSpec, private readonly invoker: FunctionInvoker, now: () => number = Date.now) {
    // Without identity sources there is nothing to key a result by: the function is asked every time.
    this.cache = new AuthorizerResultCache(spec.identitySources.length > 0 ? spec.ttlSeconds : 0, now);
  }

  async authorize(request: AuthorizationRequest): Promise<Authorization> {
    const event = { query: () => request.httpEvent?.().queryStringParameters, requestContext: () => request.httpEvent?.().requestContext };
    const identity = this.spec.identitySources.map((source) => identitySourceValue(source, request, event));
    if (identity.some((value) => value === undefined || value === '')) return refuse(401, 'Unauthorized', 'an identity source is missing or empty');
    let decided = this.cache.get(identity);
    if (!decided) {
      const result = await this.invoker.invoke(this.spec.functionArn, this.eventFor(request, identity as string[]));
      if (result.status !== 'ok') return refuse(500, 'Internal Server Error', `authorizer ${this.spec.name} ${result.status === 'timeout' ? 'timed out' : `failed (${result.errorMessage})`}`);
      const parsed = this.decide(result.payload, request.methodArn);
      if ('invalid' in parsed) return refuse(500, 'Internal Server Error', `authorizer ${this.spec.name}: ${parsed.invalid}`);
      decided = parsed;
      this.cache.set(identity, decided);
    }
    if (!decided.allowed) return refuse(403, 'Forbidden', `authorizer ${this.spec.name} said no`);
    return { ok: true, context: { lambda: decided.context }, principal: decided.principal };
  }

  private decide(payload: unknown, routeArn: string): Outcome | { invalid: string } {
    if (this.spec.simpleResponses && this.spec.payloadFormatVersion === '2.0') {
      if (payload === null || typeof payload !== 'object' || typeof (payload as { isAuthorized?: unknown }).isAuthorized !== 'boolean') {
        return { invalid: 'a simple response needs a boolean isAuthorized' };
      }
      const { isAuthorized, context } = payload as { isAuthorized: boolean; context?: unknown };
      return { allowed: isAuthorized, context: context && typeof context === 'object' ? (context as Record<string, unknown>) : {} };
    }
    const output = parseAuthorizerOutput(payload);
    if ('invalid' in output) return output;
    return { allowed: evaluatePolicy(output.statements, routeArn) === 'allow', context: output.context, principal: output.principalId };
  }

  private eventFor(request: AuthorizationRequest, identity: string[]): unknown {
    if (this.spec.payloadFormatVersion === '1.0') {
      const { resource, path, httpMethod, headers, multiValueHeaders, queryStringParameters, multiValueQueryStringParameters, pathParameters, stageVariables, requestContext } =
        request.proxyEvent();
      return {
        version: '1.0', type: 'REQUEST', methodArn: request.methodArn, identitySource: identity.join(','), authorizationToken: identity.join(','),
        resource, path, httpMethod, headers, multiValueHeaders, queryStringParameters, multiValueQueryStringParameters, pathParameters, stageVariables, requestContext,
      };
    }
    const event = request.httpEvent!();
    const { version: _version, body: _body, isBase64Encoded: _encoded, ...rest } = event;
    return { version: '2.0', type: 'REQUEST', routeArn: request.methodArn, identitySource: identity, ...rest };
  }
}

function refuse(status: number, message: string, detail: string): Authorization {
  const error: GatewayError = { responseType: undefined, status, message, errorType: status === 401 ? 'UnauthorizedException' : status === 403 ? 'ForbiddenException' : 'InternalServerErrorException' };
  return { ok: false, error, detail };
}
