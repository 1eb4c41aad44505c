/**
 * The twin's own sign-in page for the hosted login: plain HTML, no script, no external asset. It posts back to
 * /login with the authorize parameters in the query, and a CSRF token that must match its cookie.
 */
export function loginPage(options: { action: string; signupHref?: string; csrf: string; clientName: string; error?: string; notice?: string; username?: string }): string {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in</title>
<style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}
input{width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1.2rem;padding:.6rem 1.2rem}.error{color:#b00020}.notice{color:#05620b}small{color:#666}</style>
</head><body>
<h1>Sign in</h1>
<p><small>to ${escape(options.clientName)} — local Cognito (the twin's hosted login)</small></p>
${options.error ? `<p class="error" role="alert">${escape(options.error)}</p>` : ''}${options.notice ? `<p class="notice" role="status">${escape(options.notice)}</p>` : ''}
<form method="post" action="${escape(options.action)}">
<input type="hidden" name="_csrf" value="${escape(options.csrf)}">
<label for="username">Email</label><input id="username" name="username" type="email" autocomplete="username" required value="${escape(options.username ?? '')}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
${options.signupHref ? `<p><a href="${escape(options.signupHref)}">Need an account? Sign up</a></p>` : ''}
</body></html>`;
}
