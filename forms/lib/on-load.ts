/// <reference types="xrm" />
/**
 * OnLoad: read the settings (once per page), default the company of a new row, lock it on a saved
 * one, and mark required what SCM requires for that company.
 */
import { isOffline } from "./client-state";
import { companyReference, defaultCompany, formCompanyCode, lockCompany } from "./company";
import type { Deadline } from "./deadline";
import { startDeadline } from "./deadline";
import type { FormSession } from "./form-session";
import { formSession } from "./form-session";
import { isNewRecord } from "./form-record";
import { userMessages } from "./messages";
import type { ScmForm } from "./scm-form";
import { scmRequiredColumns } from "./required-columns";
import type { FormSettings } from "./settings";
import { watchSync } from "./sync-watch";
import { formSettings, signInConfiguration } from "./settings";

/** Marks required the columns SCM requires for the form's company (none when it has no company). */
async function applyScmRequirements(
  formContext: Xrm.FormContext,
  session: FormSession,
  form: ScmForm,
  settings: FormSettings,
  deadline: Deadline,
): Promise<void> {
  const company = await deadline.within(formCompanyCode(formContext, form.map));
  const endpoint = { url: settings.validationApiUrl, signIn: signInConfiguration(settings) };
  const columns =
    company === undefined
      ? []
      : await deadline.within(scmRequiredColumns(form.table.logicalName, company, endpoint, deadline.signal));
  session.requirements.apply(formContext, columns);
}

/** Runs `work` with a fresh deadline, so a hung service cannot hold the form past the platform's limit. */
async function withinDeadline(work: (deadline: Deadline) => Promise<void>): Promise<void> {
  const deadline = startDeadline();
  try {
    await work(deadline);
  } finally {
    deadline.dispose();
  }
}

function reportPreparationFailure(session: FormSession, error: unknown): void {
  session.notifications.showStatus(
    "WARNING",
    userMessages().preparationFailed(error instanceof Error ? error.message : String(error)),
  );
}

function registerHandlers(formContext: Xrm.FormContext, session: FormSession, form: ScmForm): void {
  if (session.handlersRegistered) return;
  session.handlersRegistered = true;
  // A new row's company can still change before the first save: its requirements change with it.
  formContext.getAttribute(form.map.companyColumn)?.addOnChange(() => {
    if (isOffline()) return;
    void withinDeadline(async (deadline) => {
      const settings = await deadline.within(formSettings());
      await applyScmRequirements(formContext, session, form, settings, deadline);
    })
      .then(() => {
        session.notifications.clearStatus();
      })
      .catch((error: unknown) => {
        reportPreparationFailure(session, error);
      });
  });
  formContext.data.entity.addOnPostSave((context) => {
    if (!context.getEventArgs().getIsSaveSuccess()) return;
    lockCompany(formContext, form.map);
    // Offline the save waits on the device; SCM's side can only follow once it is uploaded.
    if (!isOffline()) void watchSync(formContext, form);
  });
}

async function prepareForm(
  formContext: Xrm.FormContext,
  session: FormSession,
  form: ScmForm,
  deadline: Deadline,
): Promise<void> {
  const settings = await deadline.within(formSettings());
  if (isNewRecord(formContext) && companyReference(formContext, form.map) === undefined) {
    const company = await deadline.within(defaultCompany(settings.defaultCompany, form.map));
    if (company !== undefined) formContext.getAttribute(form.map.companyColumn)?.setValue([company]);
  }
  await applyScmRequirements(formContext, session, form, settings, deadline);
}

/**
 * The OnLoad handler. Returns a promise (async OnLoad waits for it, so defaults and requirements are
 * in place before the user types); it never rejects: a form must open even when SCM is down.
 */
export function handleLoad(executionContext: Xrm.Events.EventContext, form: ScmForm): Promise<void> {
  const formContext = executionContext.getFormContext();
  const session = formSession(formContext);
  registerHandlers(formContext, session, form);
  if (!isNewRecord(formContext)) lockCompany(formContext, form.map);
  // Offline the settings and SCM cannot be reached; the save path tells the user what happens.
  if (isOffline()) return Promise.resolve();
  return withinDeadline((deadline) => prepareForm(formContext, session, form, deadline)).catch((error: unknown) => {
    reportPreparationFailure(session, error);
  });
}
