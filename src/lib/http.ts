import type { APIGatewayProxyResult } from 'aws-lambda';
import { HttpError, ServiceUnavailableError } from './errors';
import { isThrottled, isUnavailable } from './dynamoErrors';
import { logger } from './logger';

export type ApiResponse = APIGatewayProxyResult;

/** Proxy integrations answer CORS themselves: the API's Cors block only covers the preflight. */
function corsHeaders(): Record<string, string> {
  const origin = process.env.CORS_ALLOW_ORIGIN;
  if (!origin) return {};
  // A specific origin makes the response vary by origin for shared caches.
  return origin === '*' ? { 'Access-Control-Allow-Origin': '*' } : { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', ...corsHeaders(), ...headers },
    body: JSON.stringify(body),
  };
}

export function ok(body: unknown): ApiResponse {
  return json(200, body);
}

export function created(body: unknown, location: string): ApiResponse {
  return json(201, body, { Location: location });
}

export function noContent(): ApiResponse {
  return { statusCode: 204, headers: corsHeaders(), body: '' };
}

/** Where a newly created member of the collection at `collectionPath` lives (stage and base path included). */
export function memberLocation(collectionPath: string, id: string): string {
  return `${collectionPath.replace(/\/+$/, '')}/${encodeURIComponent(id)}`;
}

/**
 * The one mapping from errors to responses: an HttpError says what the caller did wrong; anything else
 * is ours, logged in full and answered with a message that reveals nothing.
 */
export function errorResponse(error: unknown): ApiResponse {
  // Throttling that outlasted the SDK's own retries is load, not a bug: 503, come back shortly.
  if (!(error instanceof HttpError) && isThrottled(error)) {
    logger.warn('DynamoDB throttled the request', { errorName: (error as Error).name });
    return errorResponse(new ServiceUnavailableError());
  }
  // DynamoDB down, restarting or failing on its side: not the caller's fault, and not a bug of ours either.
  if (!(error instanceof HttpError) && isUnavailable(error)) {
    const { name, code } = error as { name?: unknown; code?: unknown };
    logger.warn('DynamoDB unavailable', { errorName: String(name), ...(typeof code === 'string' ? { errorCode: code } : {}) });
    return errorResponse(new ServiceUnavailableError('The service is temporarily unavailable; please retry shortly'));
  }
  if (error instanceof HttpError) {
    // Field names and our own messages only: no header or body value the caller sent reaches the logs.
    logger.info('Request rejected', { statusCode: error.statusCode, reason: error.message, errors: error.errors });
    const headers = error instanceof ServiceUnavailableError ? { 'Retry-After': String(error.retryAfterSeconds) } : undefined;
    return json(error.statusCode, error.errors ? { message: error.message, errors: error.errors } : { message: error.message }, headers);
  }
  logger.error('Unhandled error', error instanceof Error ? error : new Error(String(error)));
  return json(500, { message: 'Internal server error' });
}
