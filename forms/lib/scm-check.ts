/// <reference types="xrm" />
/**
 * One OnSave check: read the settings and the company, post the changed mapped columns to the
 * validation API within the deadline, and turn the outcome into notifications and a verdict.
 */
import type { DataverseRecord } from "@fsi/core/dataverse/record";
import type { ValidationRequest } from "@fsi/core/validation/contract";
import { companyReference, formCompanyCode } from "./company";
import type { Deadline } from "./deadline";
import { startDeadline } from "./deadline";
import type { FormSession } from "./form-session";
import { bareGuid } from "./guid";
import { userMessages } from "./messages";
import type { ScmUnavailablePolicy } from "./settings";
import { formSettings, signInConfiguration } from "./settings";
import type { SignInConfiguration } from "./sign-in-contract";
import { canSignInInteractively } from "./sign-in-offer";
import type { ScmForm } from "./scm-form";
import type { ValidationOutcome } from "./validation-client";
import { validateRecord } from "./validation-client";

export interface Verdict {
  readonly allowSave: boolean;
  /** Why the save was refused. */
  readonly message: string;
  /** Set when only the user's sign-in can let the check run: how to sign in. */
  readonly signIn?: SignInConfiguration;
}

export interface CheckPlan {
  readonly form: ScmForm;
  readonly isNew: boolean;
  /** The changed mapped columns, in the Dataverse shape. */
  readonly attributes: DataverseRecord;
}

/** When the settings cannot be read the policy is unknown; fail closed, like the server-side check. */
const defaultPolicy: ScmUnavailablePolicy = "block";

type Asked =
  | {
      readonly kind: "answered";
      readonly outcome: ValidationOutcome;
      readonly policy: ScmUnavailablePolicy;
      readonly company: string;
      readonly signIn?: SignInConfiguration;
    }
  | { readonly kind: "companyProblem"; readonly message: string };

function cannotRead(deadline: Deadline, what: string): ValidationOutcome {
  return deadline.signal.aborted
    ? { kind: "unchecked", reason: "timeout", detail: what }
    : { kind: "unchecked", reason: "cannotRead", detail: what };
}

async function askScm(formContext: Xrm.FormContext, plan: CheckPlan, deadline: Deadline): Promise<Asked> {
  const settings = await deadline.within(formSettings()).catch(() => undefined);
  if (settings === undefined) {
    return {
      kind: "answered",
      outcome: cannotRead(deadline, "the integration settings"),
      policy: defaultPolicy,
      company: "",
    };
  }
  const policy = settings.scmUnavailablePolicy;
  const { table, map } = plan.form;
  if (companyReference(formContext, map) === undefined)
    return { kind: "companyProblem", message: userMessages().noCompany(table.displayName) };
  let company: string | undefined;
  try {
    company = await deadline.within(formCompanyCode(formContext, map));
  } catch {
    return { kind: "answered", outcome: cannotRead(deadline, "the company code"), policy, company: "" };
  }
  if (company === undefined) return { kind: "companyProblem", message: userMessages().companyWithoutCode };
  const request: ValidationRequest = {
    table: table.logicalName,
    operation: plan.isNew ? "create" : "update",
    company,
    attributes: plan.attributes,
  };
  const id = bareGuid(formContext.data.entity.getId());
  if (!plan.isNew && id !== "") request.id = id;
  const signIn = signInConfiguration(settings);
  const outcome = await validateRecord({ url: settings.validationApiUrl, signIn }, request, deadline.signal);
  return { kind: "answered", outcome, policy, company, ...(signIn === undefined ? {} : { signIn }) };
}

function verdictFor(asked: Asked, session: FormSession, plan: CheckPlan): Verdict {
  const { notifications } = session;
  const table = plan.form.table.displayName;
  if (asked.kind === "companyProblem") {
    notifications.showErrors("", [
      { attribute: plan.form.map.companyColumn, code: "required", message: asked.message },
    ]);
    return { allowSave: false, message: asked.message };
  }
  const { outcome, policy, company } = asked;
  if (outcome.kind === "unchecked" && outcome.reason === "signInRequired" && asked.signIn !== undefined) {
    if (!canSignInInteractively()) {
      // The server-side validate step checks the row with the integration's own identity.
      notifications.showSignInNotice(userMessages().mobileCannotSignIn(table));
      return { allowSave: true, message: "" };
    }
    const message = userMessages().signInNeeded(table);
    notifications.showStatus("ERROR", message);
    return { allowSave: false, message, signIn: asked.signIn };
  }
  if (outcome.kind === "unchecked") {
    if (policy === "warn") {
      notifications.showStatus("WARNING", userMessages().savedUnchecked(table, outcome.reason, outcome.detail));
      return { allowSave: true, message: "" };
    }
    const message = userMessages().blocked(table, outcome.reason, outcome.detail);
    notifications.showStatus("ERROR", message);
    return { allowSave: false, message };
  }
  const { response } = outcome;
  notifications.showWarnings(response.warnings);
  if (response.valid) return { allowSave: true, message: "" };
  const headline = userMessages().refused(table, company);
  notifications.showErrors(headline, response.errors);
  return { allowSave: false, message: [headline, ...response.errors.map((e) => e.message)].join(" ") };
}

/** Runs the check, replacing every notification a previous check left. */
export async function checkWithScm(
  formContext: Xrm.FormContext,
  session: FormSession,
  plan: CheckPlan,
): Promise<Verdict> {
  session.notifications.clearAll();
  session.notifications.showStatus("INFO", userMessages().checking(plan.form.table.displayName));
  const deadline = startDeadline();
  try {
    const asked = await askScm(formContext, plan, deadline).catch(
      (error: unknown): Asked => ({
        kind: "answered",
        outcome: {
          kind: "unchecked",
          reason: "unreachable",
          detail: error instanceof Error ? error.message : String(error),
        },
        policy: defaultPolicy,
        company: "",
      }),
    );
    session.notifications.clearStatus();
    return verdictFor(asked, session, plan);
  } finally {
    deadline.dispose();
  }
}
