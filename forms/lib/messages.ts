/// <reference types="xrm" />
/**
 * What the user reads, in the user's language (Xrm `userSettings.languageId`: 1036 French, anything
 * else English). Each message says what happened and what to do; in English the table's display name
 * and the company make it specific ("this warehouse", "company USMF"); French says "cet
 * enregistrement", since the display names the scripts know are English.
 */
import { onSaveBudgetMs } from "./deadline";
import type { UncheckedReason } from "./validation-client";

const scm = "Supply Chain Management";

function lower(displayName: string): string {
  return displayName.toLowerCase();
}

const english = {
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

  signInAction: "Sign in",

  signInFailed: (detail: string) => `Sign-in did not finish (${detail}). Select Sign in to try again.`,

  mobileCannotSignIn: (table: string) =>
    `This app can't show the sign-in window ${scm}'s check needs, so this ${lower(table)} is saved and the server checks it with ${scm}: if ${scm} refuses it, the save fails with the server's error.`,

  preparationFailed: (detail: string) =>
    `${scm}'s required fields for this company could not be loaded (${detail}). They are still checked when you save.`,

  checkFields: (labels: readonly string[]) => `Check ${labels.join(", ")}.`,

  warns: (lines: readonly string[]) => `${scm} warns: ${lines.join(" ")}`,

  reason: reasonText,
};

export type Messages = typeof english;

const french: Messages = {
  checking: () => `Vérification de cet enregistrement auprès de ${scm}…`,

  refused: (_table, company) =>
    `${scm} ne peut pas accepter cet enregistrement dans la société ${company.toUpperCase()}.`,

  offline: () =>
    `Vous êtes hors connexion : cet enregistrement est enregistré sur cet appareil. ${scm} le vérifie lors de la synchronisation de l'application, qui signale tout refus.`,

  blocked: (_table, reason, detail) =>
    `Non enregistré : ${scm} n'a pas pu vérifier cet enregistrement (${frenchReasonText(reason, detail)}). Réessayez dans un instant ; si le problème persiste, contactez votre administrateur.`,

  savedUnchecked: (_table, reason, detail) =>
    `${scm} n'a pas pu vérifier cet enregistrement avant l'enregistrement (${frenchReasonText(reason, detail)}). Il est enregistré ; le serveur le vérifie auprès de ${scm} et le refuse si ${scm} le refuse.`,

  noCompany: () => `Choisissez une société : ${scm} range chaque enregistrement dans une société.`,

  companyWithoutCode: `Cette société n'a pas de code société, ${scm} ne peut donc pas la retrouver. Contactez votre administrateur.`,

  replayFailed: (_table, detail) => `Cet enregistrement n'a pas été enregistré : ${detail}`,

  signInNeeded: () =>
    `Pas encore enregistré : connectez-vous pour que cet enregistrement soit vérifié auprès de ${scm}. Sélectionnez Se connecter en haut de la page ; l'enregistrement reprend une fois connecté.`,

  signInOffer: `Connectez-vous pour faire vérifier vos modifications par ${scm} avant leur enregistrement.`,

  signInAction: "Se connecter",

  signInFailed: (detail) => `La connexion n'a pas abouti (${detail}). Sélectionnez Se connecter pour réessayer.`,

  mobileCannotSignIn: () =>
    `Cette application ne peut pas afficher la fenêtre de connexion dont la vérification de ${scm} a besoin : cet enregistrement est donc enregistré et le serveur le vérifie auprès de ${scm} ; si ${scm} le refuse, l'enregistrement échoue avec l'erreur du serveur.`,

  preparationFailed: (detail) =>
    `Les champs obligatoires de ${scm} pour cette société n'ont pas pu être chargés (${detail}). Ils sont tout de même vérifiés à l'enregistrement.`,

  checkFields: (labels) => `Vérifiez ${labels.join(", ")}.`,

  warns: (lines) => `Avertissement de ${scm} : ${lines.join(" ")}`,

  reason: frenchReasonText,
};

/** The catalog for a language id (LCID). */
export function messagesFor(languageId: number | undefined): Messages {
  return languageId === 1036 ? french : english;
}

/** The catalog for the signed-in user's language (Xrm's user settings; English without Xrm). */
export function userMessages(): Messages {
  const xrm = (globalThis as { Xrm?: Partial<Xrm.XrmStatic> }).Xrm;
  return messagesFor(xrm?.Utility?.getGlobalContext().userSettings.languageId);
}

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
    case "unauthorized":
      return `the validation service did not accept your sign-in: ${detail}`;
    case "refused":
      return `the validation service refused the request: ${detail}`;
    case "badReply":
      return "the validation service gave an answer we could not read";
    case "cannotRead":
      return `${detail} could not be read from Dataverse`;
  }
}

function frenchReasonText(reason: UncheckedReason, detail: string): string {
  switch (reason) {
    case "signInRequired":
      return "vous devez vous connecter";
    case "timeout":
      return `pas de réponse en ${onSaveBudgetMs / 1000} secondes`;
    case "unreachable":
      return "le service de validation est injoignable";
    case "scmUnavailable":
      return `${scm} est indisponible`;
    case "notConfigured":
      return `le service de validation n'est pas configuré : ${detail}`;
    case "unauthorized":
      return `le service de validation n'a pas accepté votre connexion : ${detail}`;
    case "refused":
      return `le service de validation a refusé la demande : ${detail}`;
    case "badReply":
      return "le service de validation a donné une réponse illisible";
    case "cannotRead":
      return `${detail} n'a pas pu être lu depuis Dataverse`;
  }
}
