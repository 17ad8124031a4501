import type { Strings } from "../../shared/strings";

/** Every string the on-hand panel shows; values come from strings/WarehouseOnHand.<lcid>.resx. */
export const onHandStringKeys = [
  "panelLabel",
  "itemsLabel",
  "itemsLabelAt",
  "product",
  "onHand",
  "available",
  "onOrder",
  "unit",
  "unnamedProduct",
  "lastSynced",
  "neverSynced",
  "justNow",
  "minuteAgo",
  "minutesAgo",
  "hourAgo",
  "hoursAgo",
  "dayAgo",
  "daysAgo",
  "refresh",
  "loading",
  "showingTop",
  "emptyTitle",
  "emptyBody",
  "errorTitle",
  "errorBody",
  "retry",
  "offlineInfo",
  "offlineErrorTitle",
  "offlineError",
  "notSavedTitle",
  "notSaved",
  "notWarehouse",
] as const;

export type OnHandStringKey = (typeof onHandStringKeys)[number];
export type OnHandStrings = Strings<OnHandStringKey>;
