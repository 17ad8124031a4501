import type { Strings } from "../../shared/strings";

/** Every string the picker shows; values come from strings/CustomerAssetPicker.<lcid>.resx. */
export const pickerStringKeys = [
  "searchLabel",
  "searchPlaceholder",
  "allAccounts",
  "noAccount",
  "resultsLabel",
  "searching",
  "emptyTitle",
  "emptyNoTerm",
  "more",
  "errorTitle",
  "errorBody",
  "retry",
  "offlineInfo",
  "offlineErrorTitle",
  "offlineError",
  "originFieldService",
  "originSupplyChain",
  "assetTag",
  "scmAssetId",
  "account",
  "selectedAsset",
  "noneSelected",
  "clear",
  "clearLabel",
  "selected",
  "readOnly",
] as const;

export type PickerStringKey = (typeof pickerStringKeys)[number];
export type PickerStrings = Strings<PickerStringKey>;
