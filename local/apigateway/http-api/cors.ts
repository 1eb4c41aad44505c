import type { IncomingMessage } from 'node:http';
import type { HttpCors } from './model';

/**
 * An HTTP API's CorsConfiguration, answered by the API itself ("Configuring CORS for an HTTP API", http-api-cors):
 * preflights get the allowed origin, methods, headers and max age without reaching a route or authorizer, and every
 * other answer carries the allowed origin (and exposed headers, credentials) instead of the integration's own.
 */
function originAllowed(cors: HttpCors, origin: string | undefined): string | undefined {
  if (!origin) return undefined;
  if (cors.allowOrigins.includes('*')) return cors.allowCredentials ? origin : '*';
  return cors.allowOrigins.includes(origin) ? origin : undefined;
}

export function preflightHeaders(cors: HttpCors, req: IncomingMessage): Record<string, string[]> {
  const origin = originAllowed(cors, req.headers.origin);
  if (!origin) return {};
  const headers: Record<string, string[]> = { 'access-control-allow-origin': [origin] };
  const requested = String(req.headers['access-control-request-headers'] ?? '');
  const allowHeaders = cors.allowHeaders.includes('*') ? requested : cors.allowHeaders.join(',');
  if (allowHeaders) headers['access-control-allow-headers'] = [allowHeaders];
  const allowMethods = cors.allowMethods.includes('*') ? String(req.headers['access-control-request-method']) : cors.allowMethods.join(',');
  if (allowMethods) headers['access-control-allow-methods'] = [allowMethods];
  if (cors.maxAge !== undefined) headers['access-control-max-age'] = [String(cors.maxAge)];
  if (cors.allowCredentials) headers['access-control-allow-credentials'] = ['true'];
  return headers;
}

export function responseCorsHeaders(cors: HttpCors, req: IncomingMessage): Record<string, string> {
  const origin = originAllowed(cors, req.headers.origin);
  if (!origin) return {};
  const headers: Record<string, string> = { 'access-control-allow-origin': origin };
  if (cors.exposeHeaders.length > 0) headers['access-control-expose-headers'] = cors.exposeHeaders.join(',');
  if (cors.allowCredentials) headers['access-control-allow-credentials'] = 'true';
  return headers;
}
