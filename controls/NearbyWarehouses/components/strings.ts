import type { Strings } from "../../shared/strings";

/** Every string the NearbyWarehouses UI shows; values come from strings/NearbyWarehouses.<lcid>.resx. */
export const nearbyStringKeys = [
  "listLabel",
  "distancesFrom",
  "sourceDevice",
  "sourceRecord",
  "sourceWorkOrder",
  "sourceServiceAccount",
  "locating",
  "noPositionTitle",
  "noPosition",
  "searching",
  "withinRadius",
  "showingCount",
  "nearestCount",
  "emptyTitle",
  "widenTo",
  "errorTitle",
  "errorBody",
  "retry",
  "offlineInfo",
  "offlineErrorTitle",
  "offlineError",
  "truncated",
  "hasStockOnly",
  "stockLevel",
  "outOfStock",
  "stockUnavailable",
  "noStockNearby",
  "directions",
  "directionsTo",
  "rowLabel",
  "selected",
  "readOnly",
  "unitKm",
  "unitMi",
] as const;

export type NearbyStringKey = (typeof nearbyStringKeys)[number];
export type NearbyStrings = Strings<NearbyStringKey>;
