import type { FunctionInvoker } from '../../contracts';
import type { LambdaAuthorizerSpec } from '../api-model';
import { gatewayErrors } from '../gateway-responses';
import type { Authorization, AuthorizationRequest, Authorizer } from './authorizer';
import { AuthorizerResultCache, identitySourceValue, restIdentityEvent } from './identity';
import { evaluatePolicy, parseAuthorizerOutput, type AuthorizerOutput } from './policy';

/**
 * A REST API's Lambda authorizer (TOKEN or REQUEST), as API Gateway runs it ("Use API Gateway Lambda
 * authorizers", docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html):
 * - an identity source missing or empty, or a token failing `ValidationExpression`: 401 Unauthorized, and the
 *   function is not called;
 * - the function fails with exactly `Unauthorized`: 401; fails otherwise, times out or returns no valid policy:
 *   500 `{"message": null}` (gateway-responses.ts);
 * - its policy is evaluated against the method ARN (policy.ts): Allow lets the request in with `principalId` and
 *   the `context` values in `requestContext.authorizer`, anything else is 403;
 * - a result is cached under its identity-source values for `ReauthorizeEvery` seconds and then serves every
 *   method of the API: a policy naming one method denies the others until it expires (repost.aws knowledge
 *   center, api-gateway-lambda-authorization-errors).
 */
export class LambdaAuthorizer implements Authorizer {
  readonly kind = 'lambda';
  private readonly cache: AuthorizerResultCache<AuthorizerOutput>;

  constructor(
    readonly spec: LambdaAuthorizerSpec,
    private readonly invoker: FunctionInvoker,
    now: () => number = Date.now,
  ) {
    this.cache = new AuthorizerResultCache(spec.ttlSeconds, now);
  }

  async authorize(request: AuthorizationRequest): Promise<Authorization> {
    const event = restIdentityEvent(request);
    const identity = this.spec.identitySources.map((source) => identitySourceValue(source, request, event));
    if (identity.some((value) => value === undefined || value === '')) return unauthorized('an identity source is missing or empty');
    const token = identity[0]!;
    if (this.spec.validationExpression !== undefined && !fullMatch(this.spec.validationExpression, token)) {
      return unauthorized('the token does not match the ValidationExpression');
    }
    let output = this.cache.get(identity);
    let latencyMs = 0;
    if (!output) {
      const started = performance.now();
      const result = await this.invoker.invoke(this.spec.functionArn, this.eventFor(request, token));
      latencyMs = Math.round(performance.now() - started);
      if (result.status === 'error' && result.errorMessage === 'Unauthorized') return unauthorized('the authorizer function failed with Unauthorized');
      if (result.status !== 'ok') {
        const why = result.status === 'timeout' ? 'timed out' : `failed (${result.status === 'error' ? `${result.errorType}: ` : ''}${result.errorMessage})`;
        return { ok: false, error: gatewayErrors.authorizerConfiguration(), detail: `authorizer ${this.spec.name} ${why}` };
      }
      const parsed = parseAuthorizerOutput(result.payload);
      if ('invalid' in parsed) return { ok: false, error: gatewayErrors.authorizerConfiguration(), detail: `authorizer ${this.spec.name}: ${parsed.invalid}` };
      output = parsed;
      this.cache.set(identity, output);
    }
    const decision = evaluatePolicy(output.statements, request.methodArn);
    if (decision !== 'allow') return { ok: false, error: gatewayErrors.accessDenied(decision === 'explicit-deny'), detail: `policy of ${output.principalId}` };
    return {
      ok: true,
      context: { ...output.context, principalId: output.principalId, integrationLatency: latencyMs },
      principal: output.principalId,
    };
  }

  private eventFor(request: AuthorizationRequest, token: string): unknown {
    if (this.spec.payloadType === 'TOKEN') return { type: 'TOKEN', authorizationToken: token, methodArn: request.methodArn };
    const { resource, path, httpMethod, headers, multiValueHeaders, queryStringParameters, multiValueQueryStringParameters, pathParameters, stageVariables, requestContext } =
      request.proxyEvent();
    return {
      type: 'REQUEST', methodArn: request.methodArn, resource, path, httpMethod, headers, multiValueHeaders,
      queryStringParameters, multiValueQueryStringParameters, pathParameters, stageVariables, requestContext,
    };
  }
}

function unauthorized(detail: string): Authorization {
  return { ok: false, error: gatewayErrors.unauthorized('Unauthorized'), detail };
}

/** API Gateway applies the validation expression to the whole token (Java's `matches`). */
function fullMatch(expression: string, text: string): boolean {
  try {
    return new RegExp(`^(?:${expression})$`, 's').test(text);
  } catch {
    return false;
  }
}
