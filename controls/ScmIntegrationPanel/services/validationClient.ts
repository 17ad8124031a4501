/**
 * The panel's use of the validation API client (core/validation/client.ts, shared with the form
 * scripts): a bearer token from Microsoft Entra ID through the sign-in library the form scripts use
 * too (MSAL.js, `forms/sign-in`; one cache for both on the org's origin), and a deadline per check.
 */
import { callValidationApi, TokenUnavailable, type CallFailure, type FetchFunction } from "@fsi/core/validation/client";
import type { ValidationRequest, ValidationResponse } from "@fsi/core/validation/contract";
import type { FsiSignIn, SignInConfiguration } from "@fsi/forms/lib/sign-in-contract";
import { isSignInError } from "@fsi/forms/lib/sign-in-contract";

export type { FetchFunction } from "@fsi/core/validation/client";

/** Why a record could not be checked; each has its own message in the panel. */
export type UncheckedReason = CallFailure | "notSaved" | "signInUnavailable" | "noCompany" | "cannotRead";

export type ValidationOutcome =
  | { readonly kind: "checked"; readonly response: ValidationResponse }
  | { readonly kind: "unchecked"; readonly reason: UncheckedReason; readonly detail: string };

export interface ValidationEndpoint {
  readonly url: string;
  readonly signIn: SignInConfiguration;
  /** The user's sign-in name (`systemuser.domainname`), MSAL's login hint. */
  readonly loginHint: string | undefined;
}

export interface ValidationClient {
  validate(endpoint: ValidationEndpoint, request: ValidationRequest): Promise<ValidationOutcome>;
  /** Opens the sign-in popup: call synchronously from the user's click. */
  signInInteractively(endpoint: ValidationEndpoint): Promise<void>;
}

/**
 * A client over the sign-in library (MSAL caches the tokens for the browser session, shared with the
 * form scripts) with a deadline per check.
 */
export function createValidationClient(fetchFn: FetchFunction, timeoutMs: number, signIn: FsiSignIn): ValidationClient {
  async function token(endpoint: ValidationEndpoint, forceRefresh: boolean): Promise<string> {
    try {
      return await signIn.acquireTokenSilent(endpoint.signIn, endpoint.loginHint, { forceRefresh });
    } catch (error) {
      if (isSignInError(error) && error.code === "interaction_required") {
        throw new TokenUnavailable("signInRequired", "Sign-in is needed.");
      }
      throw new TokenUnavailable("unauthorized", error instanceof Error ? error.message : String(error));
    }
  }

  return {
    async validate(endpoint, request) {
      const controller = new AbortController();
      const timer = setTimeout(() => {
        controller.abort();
      }, timeoutMs);
      try {
        return await callValidationApi({
          url: endpoint.url,
          request,
          signal: controller.signal,
          fetch: fetchFn,
          token: ({ forceRefresh }) => token(endpoint, forceRefresh),
        });
      } finally {
        clearTimeout(timer);
      }
    },
    async signInInteractively(endpoint) {
      await signIn.acquireTokenPopup(endpoint.signIn, endpoint.loginHint);
    },
  };
}
