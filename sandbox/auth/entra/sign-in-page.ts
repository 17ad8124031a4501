/**
 * The emulated tenant's sign-in page, shown by the authorize endpoint when no one is signed in (or
 * `prompt=login`/`select_account`): one button per directory user, the `login_hint`'s user first.
 * It posts back to the authorize endpoint with the original request, as Entra's own page does.
 */
import type { DirectoryUser } from "./directory";

const escape = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (character) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[character] ?? character,
  );

export function signInPage(
  action: string,
  request: string,
  users: readonly DirectoryUser[],
  hint: string | undefined,
): string {
  const ordered = [...users].sort(
    (a, b) => Number(b.upn.toLowerCase() === hint?.toLowerCase()) - Number(a.upn.toLowerCase() === hint?.toLowerCase()),
  );
  const buttons = ordered
    .map(
      (user) =>
        `<li><button type="submit" name="user" value="${escape(user.oid)}">Sign in as ${escape(user.name)} (${escape(user.upn)})</button></li>`,
    )
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title></head>
<body><main><h1>Sign in</h1><p>Sandbox Microsoft Entra ID: choose who signs in.</p>
<form method="post" action="${escape(action)}"><input type="hidden" name="request" value="${escape(request)}"><ul>${buttons}</ul></form></main></body></html>`;
}

export function errorPage(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in error</title></head><body><main><h1>Sorry, but we're having trouble signing you in.</h1><p>${escape(message)}</p></main></body></html>`;
}
