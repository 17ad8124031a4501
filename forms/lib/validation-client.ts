/**
 * The form scripts' use of the validation API client (core/validation/client.ts): the endpoint
 * from the environment variables, the token from the sign-in library, and the outcomes the save
 * handler acts on.
 */
import { callValidationApi, type CallFailure } from "@fsi/core/validation/client";
import type { ValidationRequest, ValidationResponse } from "@fsi/core/validation/contract";
import type { SignInConfiguration } from "./sign-in-contract";
import { silentToken } from "./token";

/**
 * Why the record could not be checked; each has its own message, all follow the SCM-unavailable
 * policy, except `signInRequired`: the user is asked to sign in (or, where the app cannot show a
 * sign-in window, told that the server checks the record). `cannotRead` is for what the check needs
 * from Dataverse first (settings, company code).
 */
export type UncheckedReason = CallFailure | "cannotRead";

export type ValidationOutcome =
  | { readonly kind: "checked"; readonly response: ValidationResponse }
  | { readonly kind: "unchecked"; readonly reason: UncheckedReason; readonly detail: string };

export interface ValidationEndpoint {
  readonly url: string | undefined;
  /** How to get a token; undefined when the sign-in variables have no value. */
  readonly signIn: SignInConfiguration | undefined;
}

/**
 * Asks the validation API about one record. Never throws: a network failure, the deadline, a non-2xx
 * or a malformed reply each become an `unchecked` outcome with a reason.
 */
export async function validateRecord(
  endpoint: ValidationEndpoint,
  request: ValidationRequest,
  signal: AbortSignal,
): Promise<ValidationOutcome> {
  const { url, signIn } = endpoint;
  if (url === undefined) {
    return {
      kind: "unchecked",
      reason: "notConfigured",
      detail: "the environment variable fsi_ValidationApiUrl has no value",
    };
  }
  if (signIn === undefined) {
    return {
      kind: "unchecked",
      reason: "notConfigured",
      detail:
        "the environment variables fsi_EntraAuthority, fsi_ValidationApiClientId and fsi_ValidationApiScope need values",
    };
  }
  return callValidationApi({
    url,
    request,
    signal,
    token: ({ forceRefresh }) => silentToken(signIn, signal, forceRefresh),
  });
}
