/**
 * The twin's own pages for the hosted login (sign in, sign up, confirm): plain HTML, no script, no external asset,
 * posting back with the authorize parameters in the query and a CSRF token that must match its cookie.
 */
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, subtitle: string, inner: string, error?: string, notice?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}
input{width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1.2rem;padding:.6rem 1.2rem}.error{color:#b00020}.notice{color:#05620b}small{color:#666}</style>
</head><body>
<h1>${escape(title)}</h1>
<p><small>${escape(subtitle)}</small></p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}${notice ? `<p class="notice" role="status">${escape(notice)}</p>` : ''}
${inner}
</body></html>`;
}

/** The email and password form both pages post, with its CSRF field; the password's autocomplete says which page it is. */
function credentialsForm(options: { action: string; csrf: string; username?: string }, passwordAutocomplete: 'current-password' | 'new-password', submit: string): string {
  return `<form method="post" action="${escape(options.action)}">
<input type="hidden" name="_csrf" value="${escape(options.csrf)}">
<label for="username">Email</label><input id="username" name="username" type="email" autocomplete="username" required value="${escape(options.username ?? '')}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="${passwordAutocomplete}" required>
<button type="submit">${escape(submit)}</button>
</form>`;
}

export function loginPage(options: { action: string; signupHref?: string; csrf: string; clientName: string; error?: string; notice?: string; username?: string }): string {
  return page(
    'Sign in',
    `to ${options.clientName} — local Cognito (the twin's hosted login)`,
    `${credentialsForm(options, 'current-password', 'Sign in')}
${options.signupHref ? `<p><a href="${escape(options.signupHref)}">Need an account? Sign up</a></p>` : ''}`,
    options.error,
    options.notice,
  );
}

export function signupPage(options: { action: string; loginHref: string; csrf: string; clientName: string; error?: string; username?: string }): string {
  return page(
    'Sign up',
    `for ${options.clientName} — local Cognito (the twin's hosted login)`,
    `${credentialsForm(options, 'new-password', 'Sign up')}
<p><a href="${escape(options.loginHref)}">Already have an account? Sign in</a></p>`,
    options.error,
  );
}

export function confirmPage(options: { action: string; csrf: string; clientName: string; username: string; error?: string }): string {
  return page(
    'Confirm your account',
    `We sent a code to ${options.username} (the twin's outbox and console).`,
    `<form method="post" action="${escape(options.action)}">
<input type="hidden" name="_csrf" value="${escape(options.csrf)}">
<input type="hidden" name="username" value="${escape(options.username)}">
<label for="code">Verification code</label><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
<button type="submit">Confirm account</button>
</form>`,
    options.error,
  );
}
