import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalCognito, LocalCognitoOptions } from '../contracts';
import { refuseForeignHost, servedHosts } from '../host-check';
import type { BodyRead } from '../http-body';
import { cognitoConfig } from './config';
import { CognitoError, internalError, OAuthError, serialization, unknownOperation } from './errors';
import { allowCrossOrigin, closeUnlessDrained, readRequestBody, requestedHeaders, sendEmpty, sendJson, SIGNING_HEADERS } from './http';
import { browserRefusal, needsIamAuth, unsignedError } from './iamAuth';
import { AuthorizationCodes } from './oauth2/codes';
import { authorizeEndpoint, errorPage, loginEndpoint, redirect, signupEndpoint } from './oauth2/login';
import { revoke } from './oauth2/revoke';
import { userInfo } from './oauth2/userInfo';
import { createOutbox } from './outbox';
import { token } from './oauth2/token';
import type { Services } from './services';
import { Sessions } from './sessions';
import { Store } from './store';
import { targets } from './targets';
import { applyTemplateUsers } from './template-users';
import { loadOrCreateKeys, type PoolKeys } from './tokens';
import { wellKnown } from './wellKnown';

/**
 * The local Cognito: one HTTP server for the JSON API (`POST /`, X-Amz-Target), the OAuth token and
 * revoke endpoints, and each pool's discovery documents under its issuer `${url}/${poolId}`. Pools,
 * clients and resource servers come from the resolved templates; users, keys and refresh tokens from the
 * state file (or memory).
 */

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const AMZ_JSON = 'application/x-amz-json-1.1';
const OAUTH_JSON = 'application/json;charset=UTF-8';

export async function startCognito(options: LocalCognitoOptions): Promise<LocalCognito> {
  const config = cognitoConfig(options.system);
  const clock = options.clock ?? Date.now;
  const log = options.log ?? (() => {});
  const store = new Store(options.stateFile);
  store.prune(clock());
  const keys = new Map<string, PoolKeys>();
  for (const pool of config.pools.values()) {
    const state = store.pool(pool.id);
    const loaded = await loadOrCreateKeys(state.keys);
    state.keys = loaded.stored;
    keys.set(pool.id, loaded.keys);
  }
  store.save();

  let url = '';
  const services: Services = {
    config,
    store,
    keys,
    sessions: new Sessions(),
    codes: new AuthorizationCodes(),
    invoker: options.invoker,
    clock,
    log,
    outbox: createOutbox(options.outboxDir),
    issuerFor: (poolId) => `${url}/${poolId}`,
  };
  await applyTemplateUsers(services);
  const allowedHosts = servedHosts(options);
  const server = createServer((request, response) => {
    if (refuseForeignHost(request, response, allowedHosts)) return;
    handle(services, `${url}/oauth2/token`, request, response).catch((error: unknown) => {
      log(`Cognito: internal error: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) sendJson(response, 500, { __type: 'InternalErrorException', message: internalError().message });
      else response.destroy();
    });
  });
  const port = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  url = `http://${urlHost(options.host ?? '127.0.0.1')}:${port}`;

  return {
    url,
    tokenUrl: `${url}/oauth2/token`,
    issuerFor: services.issuerFor,
    clientSecret: (clientId) => config.clients.get(clientId)?.secret,
    stop: () => close(server),
  };
}

async function handle(s: Services, tokenUrl: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  // Every request's body is read (or drained) before anything answers, so no early error leaves unread
  // bytes on a keep-alive connection; a body too large to drain closes it.
  let read: BodyRead;
  try {
    read = await readRequestBody(request);
  } catch {
    return; // the client went away
  }
  closeUnlessDrained(response, read);
  const url = urlOf(request.url);
  if (url === undefined) return sendJson(response, 400, { message: 'Malformed request URL' });
  const path = url.pathname;
  if (request.method === 'OPTIONS') return preflight(request, response, path);
  if (request.method === 'POST' && path === '/') return jsonApi(s, request, response, read);
  // The hosted login: browser pages, never readable cross-origin.
  if (request.method === 'GET' && path === '/oauth2/authorize') return authorizeEndpoint(s, url.searchParams, response);
  if ((request.method === 'GET' || request.method === 'POST') && path === '/login') return loginEndpoint(s, request, url.searchParams, read.body.toString('utf8'), response);
  if ((request.method === 'GET' || request.method === 'POST') && (path === '/signup' || path === '/confirm')) {
    return signupEndpoint(s, request, path, url.searchParams, read.body.toString('utf8'), response);
  }
  if (request.method === 'GET' && path === '/logout') return logout(s, url.searchParams, response);
  allowCrossOrigin(response, 'oauth');
  if (request.method === 'POST' && path === '/oauth2/token') {
    return oauth(response, read, async (body) => sendJson(response, 200, await token(s, request.headers, body), OAUTH_JSON, NO_STORE));
  }
  if (request.method === 'POST' && path === '/oauth2/revoke') {
    return oauth(response, read, async (body) => {
      revoke(s, request.headers, body);
      sendEmpty(response, 200);
    });
  }
  if ((request.method === 'GET' || request.method === 'POST') && path === '/oauth2/userInfo') {
    const answer = await userInfo(s, request.headers);
    return sendJson(response, answer.status, answer.body, 'application/json;charset=UTF-8', answer.headers);
  }
  if (request.method === 'GET' || request.method === 'HEAD') {
    const document = wellKnown(s, tokenUrl, path);
    if (document) return sendJson(response, 200, document);
  }
  sendJson(response, 404, { message: `No such endpoint: ${request.method ?? ''} ${path}` });
}

/**
 * GET /logout?client_id=&logout_uri= (cognito-client-facts.md §4): to a logout URL the client registered. The twin
 * keeps no sign-in cookie, so there is nothing else to end; anything else is Cognito's error page.
 */
function logout(s: Services, query: URLSearchParams, response: ServerResponse): void {
  const client = s.config.clients.get(query.get('client_id') ?? '');
  const logoutUri = query.get('logout_uri');
  if (!client) return errorPage(response, 400, 'invalid_request');
  if (logoutUri === null || !client.logoutUrls.includes(logoutUri)) return errorPage(response, 400, "Required String parameter 'redirect_uri' is not present");
  redirect(response, logoutUri);
}

function urlOf(url: string | undefined): URL | undefined {
  try {
    return new URL(url ?? '/', 'http://local');
  } catch {
    return undefined;
  }
}

/**
 * A browser's CORS preflight. Browser apps call the JSON API unsigned (public and token-authorized
 * operations); only IAM-authorized operations need the SigV4 headers, and those a web page must not send
 * cross-origin: the twin takes any credentials, so a page that could sign with made-up keys could read
 * client secrets (DescribeUserPoolClient). A preflight asking for them gets no CORS headers, and the browser
 * refuses to send the request.
 */
function preflight(request: IncomingMessage, response: ServerResponse, path: string): void {
  const api = path === '/';
  const wantsSigning = requestedHeaders(request).some((name) => SIGNING_HEADERS.includes(name));
  if (!(api && wantsSigning)) allowCrossOrigin(response, api ? 'api' : 'oauth');
  sendEmpty(response, 204);
}

/** RFC 6749 §5.1: token responses must not be cached. */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

async function jsonApi(s: Services, request: IncomingMessage, response: ServerResponse, read: BodyRead): Promise<void> {
  const header = request.headers['x-amz-target'];
  const name = typeof header === 'string' && header.startsWith(TARGET_PREFIX) ? header.slice(TARGET_PREFIX.length) : undefined;
  const target = name !== undefined && Object.hasOwn(targets, name) ? targets[name] : undefined;
  const iamAuthorized = name !== undefined && target !== undefined && needsIamAuth(name);
  // Answers of IAM-authorized operations are never readable cross-origin (see preflight).
  if (!iamAuthorized) allowCrossOrigin(response, 'api');
  try {
    if (read.tooLarge) throw serialization('Request body is too large');
    if (!target) throw unknownOperation(`Unknown operation ${typeof header === 'string' ? header : '(no X-Amz-Target header)'}`);
    const refusal = iamAuthorized ? browserRefusal(request) ?? unsignedError(request) : undefined;
    if (refusal) throw refusal;
    sendJson(response, 200, await target(s, jsonObject(read.body.toString('utf8'))), AMZ_JSON);
  } catch (error) {
    if (!(error instanceof CognitoError)) throw error;
    sendJson(response, error.status, { __type: error.type, message: error.message }, AMZ_JSON, { 'x-amzn-errortype': error.type });
  }
}

/** A JSON object, or AWS's SerializationException: a client mistake is never a 500. */
function jsonObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw serialization('Request body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw serialization('Request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

async function oauth(response: ServerResponse, read: BodyRead, answer: (body: string) => Promise<void>): Promise<void> {
  try {
    if (read.tooLarge) throw new OAuthError('invalid_request');
    await answer(read.body.toString('utf8'));
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    const challenge: Record<string, string> = error.status === 401 ? { 'www-authenticate': 'Basic' } : {};
    sendJson(response, error.status, { error: error.code }, OAUTH_JSON, challenge);
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    // Keep-alive sockets from SDK clients would otherwise hold close() open.
    server.closeAllConnections();
  });
}

/** The host to put in URLs: wildcard binds are reached on loopback; IPv6 literals need brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
