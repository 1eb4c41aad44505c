import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readBody, type BodyRead } from '../http-body';

/**
 * Bodies past 1 MB are refused: no legitimate Cognito request comes near it. A refused body is still
 * drained up to 8 MB so the connection stays usable; past that the answer closes it.
 */
const BODY_LIMITS = { limit: 1024 * 1024, drainLimit: 8 * 1024 * 1024 };

export function readRequestBody(request: IncomingMessage): Promise<BodyRead> {
  return readBody(request, BODY_LIMITS);
}

/** Headers only a SigV4-signed request carries: a browser page may not send them cross-origin (see iamAuth.ts). */
export const SIGNING_HEADERS = ['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'];

/** What a browser app's unsigned calls to the JSON API send (Amplify, amazon-cognito-identity-js, the SDK's noAuth operations). */
const PUBLIC_API_HEADERS = 'content-type,x-amz-target,x-amz-user-agent,amz-sdk-invocation-id,amz-sdk-request,cache-control';
/** The OAuth endpoints also take HTTP Basic client authentication. */
const OAUTH_HEADERS = 'authorization,content-type,cache-control';

/**
 * CORS like AWS's public Cognito endpoints: browser apps (Amplify, a SPA on localhost) call the public and
 * token-authorized operations and the OAuth endpoints directly. Responses carry no credentials-bearing
 * cookies, so a wildcard origin is what AWS serves too. IAM-authorized operations never get these headers
 * (server.ts), so no web page can read their answers.
 */
export function allowCrossOrigin(response: ServerResponse, allowHeaders: 'api' | 'oauth'): void {
  response.setHeader('access-control-allow-origin', '*');
  response.setHeader('access-control-allow-headers', allowHeaders === 'api' ? PUBLIC_API_HEADERS : OAUTH_HEADERS);
  response.setHeader('access-control-allow-methods', 'GET,POST,OPTIONS');
  response.setHeader('access-control-expose-headers', 'x-amzn-requestid,x-amzn-errortype,x-amzn-errormessage,date');
}

/** The header names a CORS preflight asks to send (`Access-Control-Request-Headers`), lower-cased. */
export function requestedHeaders(request: IncomingMessage): string[] {
  const value = request.headers['access-control-request-headers'];
  return (typeof value === 'string' ? value : '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
}

/**
 * An answer on a connection whose request body was not read to its end (too large to drain) must close it:
 * the unread bytes would otherwise be parsed as the next request.
 */
export function closeUnlessDrained(response: ServerResponse, read: BodyRead): void {
  if (!read.complete) response.setHeader('connection', 'close');
}

export function sendJson(response: ServerResponse, status: number, body: unknown, contentType = 'application/json', headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(text);
}

export function sendEmpty(response: ServerResponse, status: number): void {
  response.writeHead(status, { 'content-length': 0, 'x-amzn-requestid': randomUUID() });
  response.end();
}
