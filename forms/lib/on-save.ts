/// <reference types="xrm" />
/**
 * OnSave: decide synchronously whether the save needs SCM's check, cancel it, check, and either save
 * again or leave the reasons on the form.
 *
 * One pattern for both settings of the app's "Async save handler": nothing documented tells a script
 * which one is on (PA `clientapi/reference/events/form-onsave.md`, `save-event-arguments/preventdefault.md`,
 * `save-event-arguments/disableasynctimeout.md`), and `preventDefault()` works in both when it is
 * called synchronously. So the handler always cancels synchronously and returns nothing (no promise
 * for the platform to wait on or time out), checks, and when SCM accepts, saves again with the
 * original save mode and a bypass so the check does not run twice. `data.save({ saveMode })` only
 * labels the save ("setting the saveMode doesn't actually take the corresponding action"), so
 * save-and-close closes the form and save-and-new opens a new one afterwards, as the user asked.
 */
import { isOffline } from "./client-state";
import type { FormSession } from "./form-session";
import { formSession } from "./form-session";
import { isNewRecord, recordToValidate } from "./form-record";
import { userMessages } from "./messages";
import type { CheckPlan } from "./scm-check";
import { checkWithScm } from "./scm-check";
import type { IntegrationTable, ScmForm } from "./scm-form";
import { offerSignIn } from "./sign-in-offer";

/** `getSaveMode()` values (learn.microsoft.com, save-event-arguments/getsavemode). */
export const SaveMode = {
  Save: 1,
  SaveAndClose: 2,
  Deactivate: 5,
  Reactivate: 6,
  Assign: 47,
  SaveAndNew: 59,
  AutoSave: 70,
} as const;

/**
 * Save modes that never need SCM's check: they change the row's status (Deactivate, Reactivate) or
 * owner (Assign), which no map sends to SCM. Retiring a row must not wait on, or be refused by, a
 * system it no longer matters to; any mapped value that rides along is still checked by the
 * server-side validate step. Save, Save and Close, Save and New and AutoSave are checked.
 */
export const saveModesWithoutCheck = new Set<number>([SaveMode.Deactivate, SaveMode.Reactivate, SaveMode.Assign]);

/** The save, again, as the user asked for it, past this handler's check. */
async function saveAgain(
  formContext: Xrm.FormContext,
  session: FormSession,
  table: IntegrationTable,
  saveMode: number,
) {
  session.bypassNextSave = true;
  try {
    await formContext.data.save({ saveMode: saveMode as XrmEnum.SaveMode });
  } catch (error) {
    const detail =
      typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error);
    session.notifications.showStatus("ERROR", userMessages().replayFailed(table.displayName, detail));
    return;
  } finally {
    session.bypassNextSave = false;
  }
  if (saveMode === SaveMode.SaveAndClose) formContext.ui.close();
  else if (saveMode === SaveMode.SaveAndNew) await Xrm.Navigation.openForm({ entityName: table.logicalName });
}

/** What to check, or undefined when nothing SCM sees has changed. */
function planFor(formContext: Xrm.FormContext, form: ScmForm): CheckPlan | undefined {
  const isNew = isNewRecord(formContext);
  const attributes = recordToValidate(formContext, form.table, form.map, isNew);
  if (!isNew && Object.keys(attributes).length === 0) return undefined;
  return { form, isNew, attributes };
}

/** The user's save, from the start (its check included), once they have signed in. */
function retrySave(formContext: Xrm.FormContext, saveMode: number): void {
  // The retried save is cancelled by this handler again while it checks: that rejection is expected.
  formContext.data.save({ saveMode: saveMode as XrmEnum.SaveMode }).then(
    () => undefined,
    () => undefined,
  );
}

export function handleSave(executionContext: Xrm.Events.SaveEventContext, form: ScmForm): void {
  const { table } = form;
  const formContext = executionContext.getFormContext();
  const args = executionContext.getEventArgs();
  const session = formSession(formContext);
  const saveMode = args.getSaveMode() as number;

  if (session.bypassNextSave) {
    // Our own re-save of a record the check just accepted.
    session.bypassNextSave = false;
    return;
  }
  if (args.isDefaultPrevented() || saveModesWithoutCheck.has(saveMode)) return;
  if (session.checking !== undefined) {
    // A second click while the first save is being checked: that save goes on, this one is dropped.
    args.preventDefault();
    return;
  }
  if (isOffline()) {
    session.notifications.clearAll();
    session.notifications.showStatus("INFO", userMessages().offline(table.displayName));
    return;
  }
  const plan = planFor(formContext, form);
  if (plan === undefined) return;

  args.preventDefault();
  markChecking(
    session,
    checkWithScm(formContext, session, plan).then(async (verdict) => {
      if (verdict.allowSave) await saveAgain(formContext, session, table, saveMode);
      else if (verdict.signIn !== undefined) {
        offerSignIn(session, verdict.signIn, () => {
          retrySave(formContext, saveMode);
        });
      }
    }),
  );
}

/** Remembers the check under way until it settles, so a second click is recognised. */
function markChecking(session: FormSession, work: Promise<void>): void {
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  session.checking = settled;
  void settled.then(() => {
    if (session.checking === settled) session.checking = undefined;
  });
}
