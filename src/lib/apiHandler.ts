import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { parse } from '@aws-lambda-powertools/parser';
import type * as z from 'zod';
import { CognitoClaimsSchema } from '../links/schemas';
import { BadRequestError, ForbiddenError, UnauthorizedError } from './errors';
import { errorResponse, type ApiResponse } from './http';
import { logger } from './logger';
import { ForeignClientError, principalFromClaims, principalLogKeys, trustedClientsFromEnv, type Principal } from './principal';
import { classifyIssues } from './validation';

export type ApiGatewayHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<ApiResponse>;

export interface ApiRequest<Event> {
  /** The whole proxy event, parsed: body, path and query hold validated, typed values. */
  event: Event;
  principal: Principal;
}

/** `GET /links/{linkId}`: the route template, not the concrete path, so log lines group by route. */
function routeOf(event: APIGatewayProxyEvent): string {
  return `${String(event.httpMethod)} ${String(event.resource)}`;
}

function authenticate(event: APIGatewayProxyEvent): Principal {
  const claims = CognitoClaimsSchema.safeParse(event.requestContext?.authorizer?.claims);
  if (!claims.success) {
    // Only reachable if the function is invoked without the Cognito authorizer in front of it.
    logger.warn('Request without usable authorizer claims', { fields: claims.error.issues.map((issue) => issue.path.map(String).join('.')) });
    throw new UnauthorizedError();
  }
  try {
    return principalFromClaims(claims.data, trustedClientsFromEnv());
  } catch (error) {
    if (!(error instanceof ForeignClientError)) throw error;
    // Which client and kind of token, never the token: enough to spot another API's caller in the logs.
    logger.warn('Token of an app client this API does not trust refused', { clientId: error.clientId, tokenUse: error.tokenUse });
    throw new ForbiddenError();
  }
}

function parseEvent<S extends z.ZodType>(schema: S, event: APIGatewayProxyEvent): z.output<S> {
  const parsed = parse(event, undefined, schema, true);
  if (parsed.success) return parsed.data as z.output<S>;
  // Powertools hands zod's own issues on as the cause: paths say whose fault each one is.
  const cause = parsed.error.cause;
  if (!Array.isArray(cause)) throw parsed.error;
  const issues = classifyIssues(cause as z.core.$ZodIssue[]);
  if (issues.claims.length > 0) {
    logger.warn('Token claims do not fit this route', { fields: issues.claims });
    throw new UnauthorizedError();
  }
  if (issues.request.length > 0) {
    const shown = issues.request.length;
    throw new BadRequestError(issues.request, shown < issues.requestTotal ? `Invalid request (${shown} of ${issues.requestTotal} errors shown)` : undefined);
  }
  throw new Error(`Event does not match the API Gateway proxy event schema at: ${issues.envelope.join(', ')}`);
}

/**
 * Wraps a route's logic as a Lambda handler: log context and correlation id, principal from the verified
 * claims, the whole event parsed with `schema`, errors mapped to responses. The event itself, its headers
 * (Authorization) and body are never logged.
 */
export function apiHandler<S extends z.ZodType>(
  schema: S,
  handle: (request: ApiRequest<z.output<S>>) => Promise<ApiResponse>,
): ApiGatewayHandler {
  return async (event, context) => {
    logger.addContext(context);
    logger.setCorrelationId(event.requestContext?.requestId);
    logger.appendKeys({ route: routeOf(event) });
    try {
      const principal = authenticate(event);
      logger.appendKeys(principalLogKeys(principal));
      const response = await handle({ event: parseEvent(schema, event), principal });
      logger.info('Request handled', { statusCode: response.statusCode });
      return response;
    } catch (error) {
      return errorResponse(error);
    } finally {
      // Keys are per request: a warm container must not carry one caller's identity into the next.
      logger.resetKeys();
    }
  };
}
