import type { IncomingMessage, ServerResponse } from 'node:http';
import { epochSeconds } from '../tokens';
import { opaqueToken, safeEqual, verifyPassword } from '../crypto';
import { messages } from '../errors';
import { stateOf, type Services } from '../services';
import { findUser } from '../users';
import { recordFailedSignIn, recordSuccessfulSignIn } from '../auth/lockout';
import { checkAuthorizeRequest, withParameters, type AuthorizeRequest } from './authorize';
import { loginPage } from './loginPage';

const CSRF_COOKIE = 'twin-login-csrf';

/** GET /oauth2/authorize: checked, then on to the sign-in page with the same parameters (as Cognito's /login). */
export function authorizeEndpoint(s: Services, query: URLSearchParams, response: ServerResponse): void {
  const outcome = checkAuthorizeRequest(s, query);
  if (!outcome.ok) return 'page' in outcome ? errorPage(response, outcome.page.status, outcome.page.error) : redirect(response, outcome.redirect);
  redirect(response, `/login?${query.toString()}`);
}

/** GET /login: the sign-in page. POST /login: the credentials; a code to the redirect_uri, or the page again. */
export async function loginEndpoint(s: Services, request: IncomingMessage, query: URLSearchParams, body: string, response: ServerResponse): Promise<void> {
  const outcome = checkAuthorizeRequest(s, query);
  if (!outcome.ok) return 'page' in outcome ? errorPage(response, outcome.page.status, outcome.page.error) : redirect(response, outcome.redirect);
  const action = `/login?${query.toString()}`;
  if (request.method !== 'POST') return showPage(response, outcome.request, action, 200);
  const form = new URLSearchParams(body);
  const cookie = cookieValue(request.headers.cookie, CSRF_COOKIE);
  const csrf = form.get('_csrf') ?? '';
  if (!cookie || !safeEqual(cookie, csrf)) return showPage(response, outcome.request, action, 403, 'Your sign-in form expired. Please try again.');
  const username = form.get('username') ?? '';
  const refusal = await credentialsRefusal(s, outcome.request, username, form.get('password') ?? '');
  if (refusal) return showPage(response, outcome.request, action, 400, refusal, username);
  const user = findUser(outcome.request.pool, stateOf(s, outcome.request.pool), username)!;
  const { request: authorize } = outcome;
  const code = s.codes.issue(
    {
      clientId: authorize.client.clientId,
      poolId: authorize.pool.id,
      username: user.username,
      redirectUri: authorize.redirectUri,
      scope: authorize.scope,
      codeChallenge: authorize.codeChallenge,
      nonce: authorize.nonce,
      authTime: epochSeconds(s.clock()),
    },
    s.clock(),
  );
  redirect(response, withParameters(authorize.redirectUri, { code, ...(authorize.state !== undefined ? { state: authorize.state } : {}) }));
}

/** The sign-in page's answers, as Cognito's managed login words them. */
async function credentialsRefusal(s: Services, authorize: AuthorizeRequest, username: string, password: string): Promise<string | undefined> {
  const user = username ? findUser(authorize.pool, stateOf(s, authorize.pool), username) : undefined;
  if (!user) return messages.incorrectCredentials;
  if (user.failedSignIns?.lockedUntil !== undefined && user.failedSignIns.lockedUntil > s.clock()) return 'Password attempts exceeded';
  if (!(await verifyPassword(password, user.passwordHash))) {
    recordFailedSignIn(s, user);
    return messages.incorrectCredentials;
  }
  recordSuccessfulSignIn(s, user);
  if (user.status === 'UNCONFIRMED') return messages.userNotConfirmed;
  if (!user.enabled) return messages.userDisabled;
  if (user.status !== 'CONFIRMED') return 'This account must set a new password first (sign in once through the API, which asks for one).';
  return undefined;
}

function showPage(response: ServerResponse, authorize: AuthorizeRequest, action: string, status: number, error?: string, username?: string): void {
  const csrf = opaqueToken(24);
  const html = loginPage({ action, csrf, clientName: authorize.client.clientName, error, username });
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    // The page may not be framed (clickjacking) and loads nothing from anywhere.
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    'set-cookie': `${CSRF_COOKIE}=${csrf}; Path=/login; HttpOnly; SameSite=Lax`,
  });
  response.end(html);
}

export function errorPage(response: ServerResponse, status: number, error: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error</title></head><body><h1>An error was encountered with the requested page.</h1><p>${error.replace(/[&<>"']/g, '')}</p></body></html>`;
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'cache-control': 'no-store' });
  response.end(html);
}

export function redirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { location, 'content-length': 0, 'cache-control': 'no-store' });
  response.end();
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
