import type { FunctionInvoker } from '../../contracts';
import type { IdentitySource, LambdaAuthorizerSpec } from '../api-model';
import { gatewayErrors } from '../gateway-responses';
import { headerOf, type Authorization, type AuthorizationRequest, type Authorizer } from './authorizer';
import { evaluatePolicy, parseAuthorizerOutput, type AuthorizerOutput } from './policy';

/** Cached results kept at most (oldest dropped first): a flood of distinct tokens cannot grow the twin without bound. */
const MAX_CACHED = 10_000;

interface Cached {
  output: AuthorizerOutput;
  expiresAt: number;
}

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
  private readonly cache = new Map<string, Cached>();

  constructor(
    readonly spec: LambdaAuthorizerSpec,
    private readonly invoker: FunctionInvoker,
    private readonly now: () => number = Date.now,
  ) {}

  async authorize(request: AuthorizationRequest): Promise<Authorization> {
    const identity = this.spec.identitySources.map((source) => identityValue(source, request));
    if (identity.some((value) => value === undefined || value === '')) return unauthorized('an identity source is missing or empty');
    const token = identity[0]!;
    if (this.spec.validationExpression !== undefined && !fullMatch(this.spec.validationExpression, token)) {
      return unauthorized('the token does not match the ValidationExpression');
    }
    const key = JSON.stringify(identity);
    let output = this.cached(key);
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
      this.remember(key, output);
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

  private cached(key: string): AuthorizerOutput | undefined {
    const hit = this.cache.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt > this.now()) return hit.output;
    this.cache.delete(key);
    return undefined;
  }

  private remember(key: string, output: AuthorizerOutput): void {
    if (this.spec.ttlSeconds <= 0) return;
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { output, expiresAt: this.now() + this.spec.ttlSeconds * 1000 });
  }
}

function unauthorized(detail: string): Authorization {
  return { ok: false, error: gatewayErrors.unauthorized('Unauthorized'), detail };
}

/** One identity source's value in this request; `Context` names read the event's requestContext (`identity.sourceIp`). */
function identityValue(source: IdentitySource, request: AuthorizationRequest): string | undefined {
  switch (source.from) {
    case 'header':
      return headerOf(request.headers, source.name);
    case 'stageVariable':
      return request.stageVariables?.[source.name];
    case 'query':
      return request.proxyEvent().queryStringParameters?.[source.name] ?? undefined;
    case 'context': {
      let value: unknown = request.proxyEvent().requestContext;
      for (const part of source.name.replace(/^\$?context\./, '').split('.')) {
        value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
      }
      return value === null || value === undefined || typeof value === 'object' ? undefined : String(value);
    }
  }
}

/** API Gateway applies the validation expression to the whole token (Java's `matches`). */
function fullMatch(expression: string, text: string): boolean {
  try {
    return new RegExp(`^(?:${expression})$`, 's').test(text);
  } catch {
    return false;
  }
}
