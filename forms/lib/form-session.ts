/// <reference types="xrm" />
/**
 * What the library remembers about one open form: its notifications, the requirements it learned,
 * the check in flight (so a second click does not send a second request) and the bypass that lets
 * our own re-save through without a second check.
 */
import { ScmNotifications } from "./notifications";
import { LearnedRequirements } from "./required-columns";

export interface FormSession {
  readonly notifications: ScmNotifications;
  readonly requirements: LearnedRequirements;
  /** The OnSave check under way, if any. */
  checking: Promise<void> | undefined;
  /** Set just before our own `formContext.data.save(...)`, consumed by the OnSave it raises. */
  bypassNextSave: boolean;
  /** OnChange/OnPostSave handlers are registered once per form, however often OnLoad runs. */
  handlersRegistered: boolean;
}

const sessions = new WeakMap<Xrm.FormContext, FormSession>();

export function formSession(formContext: Xrm.FormContext): FormSession {
  let session = sessions.get(formContext);
  if (session === undefined) {
    session = {
      notifications: new ScmNotifications(formContext),
      requirements: new LearnedRequirements(),
      checking: undefined,
      bypassNextSave: false,
      handlersRegistered: false,
    };
    sessions.set(formContext, session);
  }
  return session;
}
