/**
 * The maps the toolkit ships, one JSON template per table pair (templates/). They are checked when
 * this module loads, so a broken template fails every test that imports core.
 */
import customerAssetCategories from "./templates/customer-asset-categories.json";
import customerAssets from "./templates/customer-assets.json";
import operationalSites from "./templates/operational-sites.json";
import paymentTerms from "./templates/payment-terms.json";
import shipVias from "./templates/ship-vias.json";
import warehouses from "./templates/warehouses.json";
import { parseMapTemplate } from "./parse-template";
import type { EntityMap } from "./template-schema";

export const builtInMaps: readonly EntityMap[] = [
  parseMapTemplate(operationalSites, "core/maps/templates/operational-sites.json"),
  parseMapTemplate(warehouses, "core/maps/templates/warehouses.json"),
  parseMapTemplate(customerAssetCategories, "core/maps/templates/customer-asset-categories.json"),
  parseMapTemplate(customerAssets, "core/maps/templates/customer-assets.json"),
  parseMapTemplate(paymentTerms, "core/maps/templates/payment-terms.json"),
  parseMapTemplate(shipVias, "core/maps/templates/ship-vias.json"),
];

/** The built-in map of a Dataverse table (`msdyn_warehouse` → warehouses). */
export function mapForTable(logicalName: string): EntityMap | undefined {
  return builtInMaps.find((map) => map.dataverseTable === logicalName);
}

/** The built-in map of an SCM collection (`Warehouses` → warehouses), for inbound SCM events. */
export function mapForScmCollection(collection: string): EntityMap | undefined {
  return builtInMaps.find((map) => map.scmCollection === collection);
}

export function mapByName(name: string): EntityMap | undefined {
  return builtInMaps.find((map) => map.name === name);
}
