/**
 * What the user reads. Each message says what happened and what to do; the table's display name
 * and the company make it specific ("this warehouse", "company USMF").
 */
import { onSaveBudgetMs } from "./deadline";
import type { UncheckedReason } from "./validation-client";

const scm = "Supply Chain Management";

function lower(displayName: string): string {
  return displayName.toLowerCase();
}

export const messages = {
  checking: (table: string) => `Checking this ${lower(table)} with ${scm}…`,

  refused: (table: string, company: string) =>
    `${scm} can't accept this ${lower(table)} in company ${company.toUpperCase()}.`,

  offline: (table: string) =>
    `You're offline: this ${lower(table)} is saved on this device. ${scm} checks it when the app syncs, and the sync reports anything it refuses.`,

  blocked: (table: string, reason: UncheckedReason, detail: string) =>
    `Not saved: ${scm} could not check this ${lower(table)} (${reasonText(reason, detail)}). Try again in a moment; if this keeps happening, contact your administrator.`,

  savedUnchecked: (table: string, reason: UncheckedReason, detail: string) =>
    `${scm} could not check this ${lower(table)} before saving (${reasonText(reason, detail)}). It is being saved; the server checks it with ${scm} and refuses it if ${scm} would.`,

  noCompany: (table: string) => `Choose a company: ${scm} keeps every ${lower(table)} in a company.`,

  companyWithoutCode:
    "This company has no company code, so Supply Chain Management cannot match it. Ask your administrator.",

  replayFailed: (table: string, detail: string) => `This ${lower(table)} was not saved: ${detail}`,

  signInNeeded: (table: string) =>
    `Not saved yet: sign in so this ${lower(table)} can be checked with ${scm}. Select Sign in at the top of the page; the save goes on once you have signed in.`,

  signInOffer: `Sign in to check your changes with ${scm} before they are saved.`,

  signInFailed: (detail: string) => `Sign-in did not finish (${detail}). Select Sign in to try again.`,

  mobileCannotSignIn: (table: string) =>
    `This app can't show the sign-in window ${scm}'s check needs, so this ${lower(table)} is saved and the server checks it with ${scm}: if ${scm} refuses it, the save fails with the server's error.`,

  preparationFailed: (detail: string) =>
    `${scm}'s required fields for this company could not be loaded (${detail}). They are still checked when you save.`,
} as const;

/** Why a check could not be done, in words. */
export function reasonText(reason: UncheckedReason, detail: string): string {
  switch (reason) {
    case "signInRequired":
      return "you need to sign in";
    case "timeout":
      return `no answer within ${onSaveBudgetMs / 1000} seconds`;
    case "unreachable":
      return "the validation service could not be reached";
    case "scmUnavailable":
      return `${scm} is unavailable`;
    case "notConfigured":
      return `the validation service is not configured: ${detail}`;
    case "refused":
      return `the validation service refused the request: ${detail}`;
    case "badReply":
      return "the validation service gave an answer we could not read";
    case "cannotRead":
      return `${detail} could not be read from Dataverse`;
  }
}
