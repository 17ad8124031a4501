/**
 * Sign-in to Microsoft Entra ID with MSAL.js (`@azure/msal-browser`), as Microsoft documents it for a
 * single-page application calling a web API (ENTRA `identity-platform/scenario-spa-acquire-token.md`):
 * `acquireTokenSilent` for an account MSAL already knows (its cache, then its refresh token), else
 * `ssoSilent` with the user's login hint (a hidden frame to the authorize endpoint, `prompt=none`),
 * and `acquireTokenPopup` when only the user can sign in — from the user's own click, since browsers
 * block popups that no gesture opened. Tokens are cached in MSAL's localStorage cache, which MSAL
 * encrypts with a key kept in a session cookie (msal-browser `src/cache/LocalStorage.ts`): shared by
 * every tab of the org and by the SCM Integration panel, unreadable once the browser session ends.
 * A new tab then signs in from the cache (refresh token) without the hidden frame, which browsers
 * that block third-party cookies refuse.
 */
import {
  type AccountInfo,
  BrowserAuthError,
  InteractionRequiredAuthError,
  PublicClientApplication,
} from "@azure/msal-browser";
import type { FsiSignIn, SignInConfiguration } from "../lib/sign-in-contract";
import { signInError } from "../lib/sign-in-contract";

/** One application per configuration, initialised once; kept so a click can open the popup synchronously. */
const ready = new Map<string, PublicClientApplication>();
const starting = new Map<string, Promise<PublicClientApplication>>();

const keyOf = (c: SignInConfiguration) => `${c.clientId}|${c.authority}|${c.redirectUri}`;

function create(configuration: SignInConfiguration): PublicClientApplication {
  return new PublicClientApplication({
    auth: {
      clientId: configuration.clientId,
      authority: configuration.authority,
      // The authority's host is trusted as given: no instance discovery call to another host.
      knownAuthorities: [new URL(configuration.authority).host],
      redirectUri: configuration.redirectUri,
    },
    cache: { cacheLocation: "localStorage" },
  });
}

async function application(configuration: SignInConfiguration): Promise<PublicClientApplication> {
  const key = keyOf(configuration);
  const known = ready.get(key);
  if (known !== undefined) return known;
  let pending = starting.get(key);
  if (pending === undefined) {
    const created = create(configuration);
    pending = created.initialize().then(() => {
      ready.set(key, created);
      return created;
    });
    starting.set(key, pending);
    pending.catch(() => starting.delete(key));
  }
  return pending;
}

function accountFor(app: PublicClientApplication, loginHint: string | undefined): AccountInfo | undefined {
  const accounts = app.getAllAccounts();
  if (loginHint === undefined) return accounts[0];
  return accounts.find((account) => account.username.toLowerCase() === loginHint.toLowerCase());
}

function interactionNeeded(error: unknown): boolean {
  return error instanceof InteractionRequiredAuthError;
}

function failure(error: unknown) {
  if (interactionNeeded(error)) return signInError("interaction_required", "Sign-in is needed.");
  if (error instanceof BrowserAuthError && error.errorCode === "popup_window_error") {
    return signInError("popup_blocked", "The browser blocked the sign-in window.");
  }
  if (error instanceof BrowserAuthError && error.errorCode === "user_cancelled") {
    return signInError("cancelled", "The sign-in window was closed before signing in.");
  }
  return signInError("failed", error instanceof Error ? error.message : String(error));
}

export const msalSignIn: FsiSignIn = {
  async acquireTokenSilent(configuration, loginHint, options) {
    const app = await application(configuration).catch((error: unknown) => {
      throw failure(error);
    });
    const scopes = [configuration.scope];
    const account = accountFor(app, loginHint);
    if (account !== undefined) {
      try {
        return (await app.acquireTokenSilent({ scopes, account, forceRefresh: options?.forceRefresh === true }))
          .accessToken;
      } catch (error) {
        if (!interactionNeeded(error)) throw failure(error);
      }
    }
    try {
      const result = await app.ssoSilent({ scopes, ...(loginHint === undefined ? {} : { loginHint }) });
      app.setActiveAccount(result.account);
      return result.accessToken;
    } catch (error) {
      // A hidden frame that times out or is refused (third-party cookies blocked) also needs the user.
      if (interactionNeeded(error) || error instanceof BrowserAuthError)
        throw signInError("interaction_required", "Sign-in is needed.");
      throw failure(error);
    }
  },

  acquireTokenPopup(configuration, loginHint) {
    const app = ready.get(keyOf(configuration));
    const opening =
      app === undefined
        ? application(configuration).then((started) =>
            started.acquireTokenPopup({
              scopes: [configuration.scope],
              ...(loginHint === undefined ? {} : { loginHint }),
            }),
          )
        : // Synchronously, inside the user's click: MSAL opens the window before its first await.
          app.acquireTokenPopup({ scopes: [configuration.scope], ...(loginHint === undefined ? {} : { loginHint }) });
    return opening.then(
      (result) => {
        (app ?? ready.get(keyOf(configuration)))?.setActiveAccount(result.account);
        return result.accessToken;
      },
      (error: unknown) => {
        throw failure(error);
      },
    );
  },
};
