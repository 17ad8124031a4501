/// <reference types="xrm" />
/**
 * The validation API's bearer token, from Microsoft Entra ID through the sign-in library
 * (`FSI.SignIn`, MSAL.js): silently for the user already signed in to Dynamics, identified by a
 * login hint (their user name, `systemuser.domainname`, which is the Entra user principal name;
 * `Xrm.Utility.getGlobalContext().userSettings` gives the user's id). No secret ever ships in this
 * library: the SPA registration is a public client, and MSAL caches tokens per browser session.
 */
import type { IEntity } from "dataverse-ify";
import { TokenUnavailable, within } from "@fsi/core/validation/client";
import { systemUser } from "@fsi/core/dataverse/tables/field-service-tables";
import { dataverseClient } from "./dataverse";
import { bareGuid } from "./guid";
import type { SignInConfiguration } from "./sign-in-contract";
import { isSignInError, loadedSignIn, redirectPageName } from "./sign-in-contract";

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

/** A token without any prompt (past MSAL's cache with `forceRefresh`), or a `TokenUnavailable` saying why not. */
export async function silentToken(
  configuration: SignInConfiguration,
  signal: AbortSignal,
  forceRefresh = false,
): Promise<string> {
  const signIn = loadedSignIn();
  if (signIn === undefined) {
    throw new TokenUnavailable(
      "notConfigured",
      "the sign-in library fsi_/scripts/sign-in.js is not loaded on this form",
    );
  }
  const user = await within(
    loginHint().catch(() => undefined),
    signal,
  );
  try {
    return await within(signIn.acquireTokenSilent(configuration, user, { forceRefresh }), signal);
  } catch (error) {
    if (signal.aborted) throw error;
    if (isSignInError(error) && error.code === "interaction_required")
      throw new TokenUnavailable("signInRequired", error.message);
    throw new TokenUnavailable(
      "unauthorized",
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
  if (signIn === undefined)
    return Promise.reject(new TokenUnavailable("notConfigured", "the sign-in library is not loaded"));
  return signIn.acquireTokenPopup(configuration, knownHint);
}
