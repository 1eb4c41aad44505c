import type { IncomingMessage, ServerResponse } from 'node:http';
import { epochSeconds } from '../tokens';
import { opaqueToken, safeEqual, secretHash } from '../crypto';
import { CognitoError, messages } from '../errors';
import { stateOf, type Services } from '../services';
import { findUser } from '../users';
import { passwordMatches } from '../auth/lockout';
import { runLifecycleTrigger } from '../lifecycle-triggers';
import type { UserRecord } from '../store';
import { checkAuthorizeRequest, withParameters, type AuthorizeRequest } from './authorize';
import { targets } from '../targets';
import { confirmPage, loginPage, signupPage } from './pages';

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
  if (request.method !== 'POST') return showPage(response, outcome.request, action, 200, undefined, undefined, query.get('confirmed') === 'true' ? 'Your account is confirmed: sign in.' : undefined);
  const form = new URLSearchParams(body);
  const cookie = cookieValue(request.headers.cookie, CSRF_COOKIE);
  const csrf = form.get('_csrf') ?? '';
  if (!cookie || !safeEqual(cookie, csrf)) return showPage(response, outcome.request, action, 403, 'Your sign-in form expired. Please try again.');
  const username = form.get('username') ?? '';
  const signedIn = await signInWithPassword(s, outcome.request, username, form.get('password') ?? '');
  if ('refusal' in signedIn) return showPage(response, outcome.request, action, 400, signedIn.refusal, username);
  const { user } = signedIn;
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

/** The user the sign-in page's credentials prove, or its answer as Cognito's managed login words it. */
async function signInWithPassword(s: Services, authorize: AuthorizeRequest, username: string, password: string): Promise<{ user: UserRecord } | { refusal: string }> {
  const user = username ? findUser(authorize.pool, stateOf(s, authorize.pool), username) : undefined;
  if (!user) return { refusal: messages.incorrectCredentials };
  const trigger = { user, clientId: authorize.client.clientId };
  try {
    // The pool's pre and post authentication triggers run for the managed login's sign-ins too; their refusal is the page's message.
    await runLifecycleTrigger(s, authorize.pool, 'PreAuthentication', { ...trigger, triggerSource: 'PreAuthentication_Authentication' });
    if (!(await passwordMatches(s, user, password))) return { refusal: messages.incorrectCredentials };
    if (user.status === 'UNCONFIRMED') return { refusal: messages.userNotConfirmed };
    if (!user.enabled) return { refusal: messages.userDisabled };
    if (user.status !== 'CONFIRMED') return { refusal: 'This account must set a new password first (sign in once through the API, which asks for one).' };
    await runLifecycleTrigger(s, authorize.pool, 'PostAuthentication', { ...trigger, triggerSource: 'PostAuthentication_Authentication' });
  } catch (error) {
    if (error instanceof CognitoError) return { refusal: error.message };
    throw error;
  }
  return { user };
}

function showPage(response: ServerResponse, authorize: AuthorizeRequest, action: string, status: number, error?: string, username?: string, notice?: string): void {
  const csrf = opaqueToken(24);
  const signupHref = authorize.pool.adminCreateUserOnly ? undefined : action.replace(/^\/login/, '/signup').replace(/&?confirmed=true/, '');
  sendPage(response, status, csrf, loginPage({ action, signupHref, csrf, clientName: authorize.client.clientName, error, notice, username }), [authorize.redirectUri]);
}

/**
 * A hosted-login page: never cached, never framed (clickjacking), loading nothing from anywhere, with its CSRF cookie.
 * Its forms post to the twin only; browsers apply form-action to the redirect that follows too, so the sign-in page
 * also names the (registered) redirect_uri it sends the code to.
 */
function sendPage(response: ServerResponse, status: number, csrf: string, html: string, redirectTargets: string[] = []): void {
  const formAction = ["'self'", ...redirectTargets.map((uri) => new URL(uri).origin)].join(' ');
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'`,
    'set-cookie': `${CSRF_COOKIE}=${csrf}; Path=/; HttpOnly; SameSite=Lax`,
  });
  response.end(html);
}

/**
 * GET/POST /signup and /confirm: the hosted sign-up, through the same SignUp and ConfirmSignUp the JSON API serves
 * (password policy, PreSignUp trigger, the code to the outbox), then back to the sign-in page.
 */
export async function signupEndpoint(s: Services, request: IncomingMessage, path: '/signup' | '/confirm', query: URLSearchParams, body: string, response: ServerResponse): Promise<void> {
  const outcome = checkAuthorizeRequest(s, query);
  if (!outcome.ok) return 'page' in outcome ? errorPage(response, outcome.page.status, outcome.page.error) : redirect(response, outcome.redirect);
  const { client, pool } = outcome.request;
  if (pool.adminCreateUserOnly) return errorPage(response, 400, 'SignUp is not permitted for this user pool');
  const parameters = new URLSearchParams(query);
  parameters.delete('confirmed');
  const form = new URLSearchParams(body);
  const csrf = opaqueToken(24);
  const show = (status: number, html: (token: string) => string) => sendPage(response, status, csrf, html(csrf));
  const signupAction = `/signup?${parameters.toString()}`;
  const loginHref = `/login?${parameters.toString()}`;
  const username = form.get('username') ?? '';
  if (path === '/signup' && request.method !== 'POST') return show(200, (token) => signupPage({ action: signupAction, loginHref, csrf: token, clientName: client.clientName }));
  const confirmAction = `/confirm?${parameters.toString()}`;
  if (path === '/confirm' && request.method !== 'POST') return errorPage(response, 400, 'invalid_request');
  const cookie = cookieValue(request.headers.cookie, CSRF_COOKIE);
  if (!cookie || !safeEqual(cookie, form.get('_csrf') ?? '')) return show(403, (token) => signupPage({ action: signupAction, loginHref, csrf: token, clientName: client.clientName, error: 'Your form expired. Please try again.' }));
  const hash = client.secret ? { SecretHash: secretHash(username, client.clientId, client.secret) } : {};
  try {
    if (path === '/signup') {
      const answer = (await targets.SignUp!(s, { ClientId: client.clientId, Username: username, Password: form.get('password') ?? '', UserAttributes: [{ Name: 'email', Value: username }], ...hash })) as { UserConfirmed: boolean };
      if (answer.UserConfirmed) return redirect(response, `${loginHref}&confirmed=true`);
      return show(200, (token) => confirmPage({ action: confirmAction, csrf: token, clientName: client.clientName, username }));
    }
    await targets.ConfirmSignUp!(s, { ClientId: client.clientId, Username: username, ConfirmationCode: form.get('code') ?? '', ...hash });
    return redirect(response, `${loginHref}&confirmed=true`);
  } catch (error) {
    if (!(error instanceof CognitoError)) throw error;
    if (path === '/signup') return show(400, (token) => signupPage({ action: signupAction, loginHref, csrf: token, clientName: client.clientName, error: error.message, username }));
    return show(400, (token) => confirmPage({ action: confirmAction, csrf: token, clientName: client.clientName, username, error: error.message }));
  }
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
