/**
 * The entry of `fsi_/auth/redirect.js`, loaded by the redirect page `fsi_/auth/redirect.html` (the
 * SPA registration's redirect URI). MSAL.js v5 hands the authorize response from the popup or the
 * hidden frame back to the page that asked for it through this bridge, on the org's own origin
 * (msal-browser `src/redirect_bridge/index.ts`).
 */
import { broadcastResponseToMainFrame } from "@azure/msal-browser/redirect-bridge";

void broadcastResponseToMainFrame().catch(() => {
  document.body.textContent = "This page is part of sign-in and has nothing to show. You can close it.";
});
