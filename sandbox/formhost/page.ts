/**
 * The HTML shell every form host page shares: the stylesheet, the app description as JSON (so the
 * first render needs no extra request), and the client script.
 */
import type { AppDescription } from "./shared/contract";
import { formHostPaths } from "./app-description";

/** JSON safe inside a `<script>` element: `<`, `>` and `&` escaped so no markup can close it. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

export function pageHtml(app: AppDescription): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Field Service sandbox</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${formHostPaths.styles}">
</head>
<body>
<div id="app"><p class="page-message">Loading…</p></div>
<script id="formhost-app" type="application/json">${scriptSafeJson(app)}</script>
<script src="${formHostPaths.app}"></script>
</body>
</html>
`;
}
