/**
 * The links web app: signs in through the user pool's hosted login (authorization code + PKCE, by oidc-client-ts),
 * shows the user, lists, creates, tags and deletes links through the API with the access token, refreshes, and signs
 * out. Everything it needs comes from /config.json: the twin writes it from the stacks' outputs, or you write it for
 * the deployed stacks (see the README).
 */
import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';

interface WebConfig {
  /** The pool's issuer (discovery lives under it). */
  authority: string;
  clientId: string;
  /** The API stage URL, ending with a slash. */
  apiUrl: string;
  scope: string;
  /** The hosted login's base URL, for Cognito's /logout (which takes client_id and logout_uri). */
  loginBaseUrl: string;
}

const root = document.getElementById('app')!;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

async function main(): Promise<void> {
  const config = (await (await fetch('/config.json')).json()) as WebConfig;
  const manager = new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: `${location.origin}/callback`,
    response_type: 'code',
    scope: config.scope,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
  if (location.pathname === '/callback') {
    await manager.signinRedirectCallback();
    history.replaceState(null, '', '/');
  }
  const user = await manager.getUser();
  if (!user || user.expired) return renderSignedOut(manager);
  return renderSignedIn(manager, config, user);
}

function renderSignedOut(manager: UserManager): void {
  const button = element('button', { id: 'sign-in' }, 'Sign in');
  button.addEventListener('click', () => void manager.signinRedirect());
  root.replaceChildren(element('p', {}, 'You are signed out.'), button);
}

async function renderSignedIn(manager: UserManager, config: WebConfig, user: User): Promise<void> {
  const api = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const current = (await manager.getUser()) ?? user;
    return fetch(`${config.apiUrl}${path}`, {
      method,
      headers: { Authorization: current.access_token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };
  const status = element('p', { id: 'status', role: 'status' });
  const list = element('ul', { id: 'links' });
  const url = element('input', { id: 'url', type: 'url', placeholder: 'https://…', required: '', 'aria-label': 'URL' });
  const add = element('form', { id: 'add' }, url, element('button', { type: 'submit' }, 'Save link'));
  const refresh = element('button', { id: 'refresh' }, 'Refresh tokens');
  const signOut = element('button', { id: 'sign-out' }, 'Sign out');

  async function load(): Promise<void> {
    const response = await api('GET', 'links');
    if (!response.ok) return void (status.textContent = `Could not list links: ${response.status}`);
    const page = (await response.json()) as { items: { linkId: string; url: string; tags: string[] }[] };
    list.replaceChildren(
      ...page.items.map((link) => {
        const tag = element('button', { 'data-action': 'tag' }, 'Tag "later"');
        const remove = element('button', { 'data-action': 'delete' }, 'Delete');
        tag.addEventListener('click', () => void api('PUT', `links/${link.linkId}/tags/later`).then(load));
        remove.addEventListener('click', () => void api('DELETE', `links/${link.linkId}`).then(load));
        return element('li', { 'data-link-id': link.linkId }, element('a', { href: link.url }, link.url), ` [${link.tags.join(', ')}]`, tag, remove);
      }),
    );
  }

  add.addEventListener('submit', (event) => {
    event.preventDefault();
    void api('POST', 'links', { url: url.value }).then(async (response) => {
      status.textContent = response.ok ? 'Saved.' : `Could not save: ${response.status} ${await response.text()}`;
      url.value = '';
      await load();
    });
  });
  refresh.addEventListener('click', () => {
    void manager.signinSilent().then((renewed) => (status.textContent = renewed ? 'Tokens refreshed.' : 'Could not refresh.'));
  });
  signOut.addEventListener('click', () => {
    void manager.removeUser().then(() => {
      // Cognito's /logout takes client_id and logout_uri (not the OIDC end-session parameters).
      location.assign(`${config.loginBaseUrl}/logout?client_id=${encodeURIComponent(config.clientId)}&logout_uri=${encodeURIComponent(`${location.origin}/`)}`);
    });
  });
  root.replaceChildren(element('p', { id: 'who' }, `Signed in as ${String(user.profile.email ?? user.profile.sub)}`), refresh, signOut, add, status, list);
  await load();
}

main().catch((error: unknown) => {
  root.replaceChildren(element('p', { class: 'error', role: 'alert' }, `Something went wrong: ${error instanceof Error ? error.message : String(error)}`));
});
