/**
 * The sign-in library (`FSI.SignIn`, MSAL.js in production) as the form scripts see it: tokens
 * `token-<n>` for a signed-in user, `interaction_required` until the user signs in through the
 * popup. Installed on the test's global `FSI`, where `fsi_/scripts/sign-in.js` publishes the real one.
 */
import type { FsiSignIn, SignInConfiguration } from "../lib/sign-in-contract";
import { signInError } from "../lib/sign-in-contract";

export interface SignInCall {
  readonly kind: "silent" | "popup";
  readonly configuration: SignInConfiguration;
  readonly loginHint: string | undefined;
}

export class FakeSignIn implements FsiSignIn {
  /** Whether the user has a session MSAL can use silently. */
  signedIn = true;
  /** The popup fails this way instead of signing in (blocked, closed). */
  popupFailure: "popup_blocked" | "cancelled" | undefined;
  readonly calls: SignInCall[] = [];
  private issued = 0;

  acquireTokenSilent(configuration: SignInConfiguration, loginHint: string | undefined): Promise<string> {
    this.calls.push({ kind: "silent", configuration, loginHint });
    if (!this.signedIn) return Promise.reject(signInError("interaction_required", "Sign-in is needed."));
    return Promise.resolve(this.token());
  }

  acquireTokenPopup(configuration: SignInConfiguration, loginHint: string | undefined): Promise<string> {
    this.calls.push({ kind: "popup", configuration, loginHint });
    if (this.popupFailure !== undefined)
      return Promise.reject(signInError(this.popupFailure, "The sign-in window was closed."));
    this.signedIn = true;
    return Promise.resolve(this.token());
  }

  /** Installs this fake where the sign-in library publishes itself. */
  install(): void {
    const root = globalThis as typeof globalThis & { FSI?: Record<string, unknown> };
    root.FSI = { ...root.FSI, SignIn: this };
  }

  private token(): string {
    this.issued += 1;
    return `token-${this.issued}`;
  }
}
