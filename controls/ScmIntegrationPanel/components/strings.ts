import type { Strings } from "../../shared/strings";

/** Every string the panel shows; values come from strings/ScmIntegrationPanel.<lcid>.resx. */
export const panelStringKeys = [
  "panelLabel",
  "company",
  "scmIdentifier",
  "site",
  "syncStatus",
  "lastSynced",
  "lastError",
  "never",
  "none",
  "statusNotSynced",
  "statusPending",
  "statusSynced",
  "statusFailed",
  "statusUnknown",
  "check",
  "checking",
  "resultsLabel",
  "validTitle",
  "validBody",
  "invalidTitle",
  "warningsTitle",
  "recordLevel",
  "uncheckedTitle",
  "notSaved",
  "readOnly",
  "offline",
  "reasonNotConfigured",
  "reasonNoCompany",
  "reasonCannotRead",
  "reasonUnauthorized",
  "reasonRefused",
  "reasonScmUnavailable",
  "reasonTimeout",
  "reasonUnreachable",
  "reasonBadReply",
] as const;

export type PanelStringKey = (typeof panelStringKeys)[number];
export type PanelStrings = Strings<PanelStringKey>;
