/// <reference types="xrm" />
/**
 * The validation API's bearer token, from Microsoft Entra ID through the sign-in library
 * (`FSI.SignIn`, MSAL.js): silently for the user already signed in to Dynamics, identified by a
 * login hint (their user name, `systemuser.domainname`, which is the Entra user principal name;
 * `Xrm.Utility.getGlobalContext().userSettings` gives the user's id). No secret ever ships in this
 * library: the SPA registration is a public client, and MSAL caches tokens per browser session.
 */
import type { IEntity } from "dataverse-ify";
import { systemUser } from "../../core/dataverse/tables/field-service-tables";
import { dataverseClient } from "./dataverse";
import { bareGuid } from "./guid";
import type { SignInConfiguration } from "./sign-in-contract";
import { isSignInError, loadedSignIn, redirectPageName } from "./sign-in-contract";

/** Why there is no token: the user must sign in, or sign-in cannot work as configured. */
export class TokenError extends Error {
  constructor(
    readonly reason: "signInRequired" | "notConfigured" | "failed",
    message: string,
  ) {
    super(message);
  }
}

let hint: Promise<string | undefined> | undefined;
/** The hint once read, so a click can open the popup without awaiting anything. */
let knownHint: string | undefined;

/** The user's sign-in name, read once per page (a failed read is asked again next time). */
export function loginHint(): Promise<string | undefined> {
  if (hint === undefined) {
    const reading = (async () => {
      const userId = bareGuid(Xrm.Utility.getGlobalContext().userSettings.userId);
      const user = await dataverseClient().retrieve<IEntity>(systemUser.logicalName, userId, ["domainname"]);
      const name = user.domainname;
      knownHint = typeof name === "string" && name !== "" ? name : undefined;
      return knownHint;
    })();
    hint = reading;
    reading.catch(() => {
      if (hint === reading) hint = undefined;
    });
  }
  return hint;
}

/** The org's redirect page, the SPA registration's redirect URI. */
export function redirectUri(): string {
  return `${Xrm.Utility.getGlobalContext().getClientUrl().replace(/\/+$/, "")}/WebResources/${redirectPageName}`;
}

/** Resolves `work`, or rejects when `signal` aborts first (MSAL's own calls take no signal). */
function within<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new DOMException("The operation was aborted.", "AbortError"));
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      reject(new DOMException("The operation was aborted.", "AbortError"));
    };
    signal.addEventListener("abort", abort, { once: true });
    work.then(resolve, reject).finally(() => {
      signal.removeEventListener("abort", abort);
    });
  });
}

/** A token without any prompt, or a `TokenError` saying why not. */
export async function silentToken(configuration: SignInConfiguration, signal: AbortSignal): Promise<string> {
  const signIn = loadedSignIn();
  if (signIn === undefined) {
    throw new TokenError("notConfigured", "the sign-in library fsi_/scripts/sign-in.js is not loaded on this form");
  }
  const user = await within(
    loginHint().catch(() => undefined),
    signal,
  );
  try {
    return await within(signIn.acquireTokenSilent(configuration, user), signal);
  } catch (error) {
    if (signal.aborted) throw error;
    if (isSignInError(error) && error.code === "interaction_required")
      throw new TokenError("signInRequired", error.message);
    throw new TokenError(
      "failed",
      `signing in to Microsoft Entra ID failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * Opens the sign-in window. Call synchronously from the user's click: the login hint was read
 * before (by the silent attempt), so nothing is awaited before MSAL opens the popup.
 */
export function popupToken(configuration: SignInConfiguration): Promise<string> {
  const signIn = loadedSignIn();
  if (signIn === undefined) return Promise.reject(new TokenError("notConfigured", "the sign-in library is not loaded"));
  return signIn.acquireTokenPopup(configuration, knownHint);
}
