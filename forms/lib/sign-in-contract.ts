/**
 * What the form scripts (`fsi_/scripts/forms.js`) and the sign-in library (`fsi_/scripts/sign-in.js`,
 * MSAL.js) agree on. The sign-in library is a form library of its own, listed before forms.js on
 * each form, because MSAL is several times the size of the form scripts (see bench/forms.bench.ts):
 * a page loads it once and every form script shares it through `FSI.SignIn`.
 */

/** Where and how to sign in: the environment variables, and the org's redirect page. */
export interface SignInConfiguration {
  /** The SPA app registration's application (client) id: `fsi_ValidationApiClientId`. */
  readonly clientId: string;
  /** `https://login.microsoftonline.com/<tenant id>`: `fsi_EntraAuthority`. */
  readonly authority: string;
  /** The validation API's delegated scope, `api://<app id uri>/Validate.Records`: `fsi_ValidationApiScope`. */
  readonly scope: string;
  /** `<org>/WebResources/fsi_/auth/redirect.html`, registered as the SPA's redirect URI. */
  readonly redirectUri: string;
}

export interface FsiSignIn {
  /**
   * A token without showing anything: from the session's cache, by refresh token, or by single
   * sign-on for `loginHint` in a hidden frame. Rejects with a `SignInError` whose code is
   * `interaction_required` when only the user can sign in. `forceRefresh` skips the cached access
   * token (MSAL's silent request option): the API refused the one it was sent.
   */
  acquireTokenSilent(
    configuration: SignInConfiguration,
    loginHint: string | undefined,
    options?: { readonly forceRefresh?: boolean },
  ): Promise<string>;
  /**
   * Opens the sign-in popup. Browsers allow a popup only in answer to the user's gesture: call it
   * synchronously from a click handler, after `acquireTokenSilent` ran once for `configuration`.
   */
  acquireTokenPopup(configuration: SignInConfiguration, loginHint: string | undefined): Promise<string>;
}

export type SignInErrorCode = "interaction_required" | "popup_blocked" | "cancelled" | "failed";

export interface SignInError extends Error {
  readonly code: SignInErrorCode;
}

export function signInError(code: SignInErrorCode, message: string): SignInError {
  return Object.assign(new Error(message), { code });
}

export function isSignInError(error: unknown): error is SignInError {
  return error instanceof Error && typeof (error as Partial<SignInError>).code === "string";
}

interface FsiGlobal {
  SignIn?: FsiSignIn;
}

/** The sign-in library published by `fsi_/scripts/sign-in.js`, when the form loaded it. */
export function loadedSignIn(): FsiSignIn | undefined {
  return (globalThis as typeof globalThis & { FSI?: FsiGlobal }).FSI?.SignIn;
}

/** Publishes the sign-in library (sign-in.js), extending the shared `FSI` namespace. */
export function publishSignIn(signIn: FsiSignIn): void {
  const root = globalThis as typeof globalThis & { FSI?: FsiGlobal & Record<string, unknown> };
  root.FSI = { ...root.FSI, SignIn: signIn };
}

/** The redirect page every flow returns to, on the org's own origin. */
export const redirectPageName = "fsi_/auth/redirect.html";
