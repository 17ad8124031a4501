/// <reference types="xrm" />
/**
 * Asking the user to sign in when the silent attempt could not. A sign-in popup needs the user's
 * gesture (browsers block a window no click opened; MSAL opens its popup synchronously when called,
 * msal-browser `src/interaction_client/PopupClient.ts`), so the scripts offer a button: an app
 * notification with an action (`Xrm.App.addGlobalNotification`, PA
 * `clientapi/reference/xrm-app/xrm-app-addglobalnotification.md`) whose click opens the popup.
 *
 * The Field Service mobile app shows forms in a web view that cannot open MSAL's popup window
 * (**Unconfirmed**: no Microsoft page says whether it can; `mobileCanSignIn` is the one place that
 * decides). There the save goes on and the server-side validate step, which runs with the
 * integration's own identity, enforces SCM's rules.
 */
import type { FormSession } from "./form-session";
import { userMessages } from "./messages";
import type { SignInConfiguration } from "./sign-in-contract";
import { isSignInError } from "./sign-in-contract";
import { popupToken } from "./token";

/** Whether interactive sign-in is offered in the mobile app (`getClient() === "Mobile"`). */
export const mobileCanSignIn: boolean = false;

/** App notification levels (PA xrm-app-addglobalnotification.md): 1 success, 2 error, 3 warning, 4 information. */
const informationLevel = 4;
/** Type 2: a message bar at the top of the app, the only type supported. */
const messageBarType = 2;

export function canSignInInteractively(): boolean {
  return mobileCanSignIn || Xrm.Utility.getGlobalContext().client.getClient() !== "Mobile";
}

let shown: PromiseLike<string> | undefined;

function clearOffer(): void {
  const id = shown;
  shown = undefined;
  id?.then(
    (notificationId) => Xrm.App.clearGlobalNotification(notificationId),
    () => undefined,
  );
}

/**
 * Shows the Sign in button (once per page, whatever the number of forms asking); after the user
 * signed in, `then` runs (the save goes on).
 */
export function offerSignIn(session: FormSession, configuration: SignInConfiguration, then: () => void): void {
  clearOffer();
  const adding = Xrm.App.addGlobalNotification({
    type: messageBarType,
    level: informationLevel as XrmEnum.AppNotificationLevel,
    message: userMessages().signInOffer,
    showCloseButton: true,
    action: {
      actionLabel: userMessages().signInAction,
      // Synchronous up to the popup: nothing is awaited before MSAL opens the window.
      eventHandler: () => {
        popupToken(configuration).then(
          () => {
            clearOffer();
            session.notifications.clearStatus();
            then();
          },
          (error: unknown) => {
            const detail = isSignInError(error) || error instanceof Error ? error.message : String(error);
            session.notifications.showStatus("ERROR", userMessages().signInFailed(detail));
          },
        );
      },
    },
  });
  shown = adding;
  adding.then(undefined, () => {
    if (shown === adding) shown = undefined;
  });
}
