/**
 * The app's own words in the user's language: what Dataverse's language packs give the model-driven
 * app (commands, site map, page chrome) and Field Service's French table names. The solution's labels
 * (forms, columns) come from its `LocalizedLabel`s instead (`localized`).
 */
import type { ColumnDefinition } from "@fsi/core/dataverse/schema";
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import type { ChoiceLabels, LocalizedText } from "../shared/contract";
import { sessionSettings } from "./session";

const english = {
  home: "Home",
  menu: "Menu",
  siteMap: "Site map",
  scmAdmin: "SCM admin",
  back: "← Back",
  save: "Save",
  saveAndClose: "Save & Close",
  saveAndNew: "Save & New",
  refresh: "Refresh",
  commands: "Commands",
  moreCommands: "More commands",
  formNotifications: "Form notifications",
  formTabs: "Form tabs",
  newRecord: "New",
  search: "Search",
  loading: "Loading…",
  saving: "Saving…",
  requiredFields: (fields: string) => `Fill in the required fields: ${fields}.`,
  fixErrors: (fields: string) => `Fix the errors on the form before saving: ${fields}.`,
  unsavedTitle: "Unsaved changes",
  unsavedBody: "You have unsaved changes on this form.",
  saveAndContinue: "Save and continue",
  discardChanges: "Discard changes",
  cancel: "Cancel",
  enterNumber: "Enter a number.",
  selectPlaceholder: "--Select--",
  numberRange: (min: string, max: string) => `Enter a number from ${min} to ${max}.`,
  offlineBanner:
    "You're offline. Saves are kept on this device and uploaded when you go back online (switch Offline off). Forms and lists still read from the server, answered as the mobile app's offline store would.",
  uploadsWaiting: (count: number) => (count === 1 ? "1 change to upload" : `${count} changes to upload`),
  uploadsFailed: (count: number) => (count === 1 ? "1 not uploaded" : `${count} not uploaded`),
  uploadWaiting: (label: string, operation: string) => `${label} (${operation}): waiting to upload`,
  uploadRefused: (label: string, operation: string, error: string) =>
    `${label} (${operation}) was not uploaded: ${error}`,
  uploadOperations: { create: "new", update: "changed", delete: "deleted" } as Readonly<
    Record<"create" | "update" | "delete", string>
  >,
  uploadRefusedHint:
    "The server refused it; its reason is above. Discard it, or enter it again online, where the form shows what to fix field by field.",
  uploadNow: "Upload now",
  discardUpload: "Discard",
  /** Table names by logical name: singular, plural (none: the core definition's English name). */
  tables: {} as Readonly<Record<string, readonly [string, string]>>,
};

export type PlatformStrings = typeof english;

const french: PlatformStrings = {
  home: "Accueil",
  menu: "Menu",
  siteMap: "Plan de site",
  scmAdmin: "Administration SCM",
  back: "← Précédent",
  save: "Enregistrer",
  saveAndClose: "Enregistrer et fermer",
  saveAndNew: "Enregistrer et nouveau",
  refresh: "Actualiser",
  commands: "Commandes",
  moreCommands: "Plus de commandes",
  formNotifications: "Notifications du formulaire",
  formTabs: "Onglets du formulaire",
  newRecord: "Nouveau",
  search: "Rechercher",
  loading: "Chargement…",
  saving: "Enregistrement…",
  requiredFields: (fields: string) => `Renseignez les champs obligatoires : ${fields}.`,
  fixErrors: (fields: string) => `Corrigez les erreurs du formulaire avant d'enregistrer : ${fields}.`,
  unsavedTitle: "Modifications non enregistrées",
  unsavedBody: "Ce formulaire contient des modifications non enregistrées.",
  saveAndContinue: "Enregistrer et continuer",
  discardChanges: "Ignorer les modifications",
  cancel: "Annuler",
  enterNumber: "Entrez un nombre.",
  selectPlaceholder: "--Sélectionner--",
  numberRange: (min: string, max: string) => `Entrez un nombre compris entre ${min} et ${max}.`,
  offlineBanner:
    "Vous êtes hors connexion. Les enregistrements sont conservés sur cet appareil et chargés quand vous repassez en ligne (désactivez Offline). Les formulaires et les listes lisent toujours le serveur, qui répond comme le magasin hors connexion de l'application mobile.",
  uploadsWaiting: (count: number) => (count === 1 ? "1 modification à charger" : `${count} modifications à charger`),
  uploadsFailed: (count: number) => (count === 1 ? "1 non chargée" : `${count} non chargées`),
  uploadWaiting: (label: string, operation: string) => `${label} (${operation}) : en attente de chargement`,
  uploadRefused: (label: string, operation: string, error: string) =>
    `${label} (${operation}) n'a pas été chargé : ${error}`,
  uploadOperations: { create: "nouveau", update: "modifié", delete: "supprimé" },
  uploadRefusedHint:
    "Le serveur l'a refusé ; la raison est indiquée ci-dessus. Abandonnez-le, ou saisissez-le à nouveau en ligne : le formulaire indique alors quoi corriger, champ par champ.",
  uploadNow: "Charger maintenant",
  discardUpload: "Abandonner",
  tables: {
    msdyn_workorder: ["Ordre de travail", "Ordres de travail"],
    msdyn_warehouse: ["Entrepôt", "Entrepôts"],
    msdyn_customerasset: ["Actif client", "Actifs client"],
    msdyn_customerassetcategory: ["Catégorie d'actif client", "Catégories d'actif client"],
    msdyn_paymentterm: ["Condition de paiement", "Conditions de paiement"],
    msdyn_shipvia: ["Mode de livraison", "Modes de livraison"],
    msdyn_workorderproduct: ["Produit d'ordre de travail", "Produits d'ordre de travail"],
    fsi_project: ["Projet SCM", "Projets SCM"],
  },
};

export function platformStrings(languageId: number = sessionSettings().languageId): PlatformStrings {
  return languageId === 1036 ? french : english;
}

/**
 * A solution label in the user's language (Label.UserLocalizedLabel); when it has none, the base
 * language (1033), then `fallback`. The fallback order is unconfirmed (docs/platform-fidelity.md).
 */
export function localized(
  labels: LocalizedText | undefined,
  fallback: string,
  languageId: number = sessionSettings().languageId,
): string {
  return labels?.[String(languageId)] ?? labels?.["1033"] ?? fallback;
}

/** Solution choice labels by the core column definition they belong to (set once at start). */
const choiceLabelsByColumn = new WeakMap<ColumnDefinition, Readonly<Record<string, LocalizedText>>>();

/** Registers the solution's choice labels (`AppDescription.choiceLabels`). */
export function useChoiceLabels(labels: ChoiceLabels | undefined): void {
  for (const [tableName, columns] of Object.entries(labels ?? {})) {
    const table = tableByLogicalName(tableName);
    for (const [columnName, options] of Object.entries(columns)) {
      const column = table?.columns[columnName];
      if (column !== undefined) choiceLabelsByColumn.set(column, options);
    }
  }
}

/** A choice's label in the user's language: the solution's, else the core definition's. */
export function choiceLabel(
  column: ColumnDefinition,
  option: { readonly value: number; readonly label: string },
): string {
  return localized(choiceLabelsByColumn.get(column)?.[String(option.value)], option.label);
}
