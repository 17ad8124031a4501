/**
 * Who syncs each of the five two-way maps in an environment (docs/design.md §0.7):
 * - `fsi`: this toolkit's sync (validate before save, sync to SCM, SCM data events back);
 * - `dual-write`: Microsoft's dual-write maps sync the table; the toolkit still validates before
 *   save and shows status, and its sync steps stay idle, so the two never write the same rows;
 * - `off`: the toolkit leaves the table alone.
 * Set per environment with `FSI_MAP_MODES` (`warehouses=dual-write,ship-vias=off`); a map not named
 * runs `fsi`.
 */
export const mapModes = ["fsi", "dual-write", "off"] as const;
export type MapMode = (typeof mapModes)[number];

export type MapModes = Readonly<Record<string, MapMode>>;

export class MapModesError extends Error {
  override readonly name = "MapModesError";
}

/** `name=mode,name=mode` → modes; refuses an unknown map or mode, naming what is allowed. */
export function parseMapModes(text: string | undefined, mapNames: readonly string[]): MapModes {
  const modes: Record<string, MapMode> = {};
  for (const part of (text ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")) {
    const [name = "", mode = ""] = part.split("=").map((side) => side.trim());
    if (!mapNames.includes(name)) throw new MapModesError(`'${name}' is not a map; maps: ${mapNames.join(", ")}.`);
    if (!(mapModes as readonly string[]).includes(mode))
      throw new MapModesError(`Map ${name}: '${mode}' is not a mode; modes: ${mapModes.join(", ")}.`);
    modes[name] = mode as MapMode;
  }
  return modes;
}

export function mapModeOf(modes: MapModes | undefined, mapName: string): MapMode {
  return modes?.[mapName] ?? "fsi";
}

/**
 * The dual-write solutions whose maps write each of our tables (UO
 * `articles/fin-ops-core/dev-itpro/data-entities/dual-write/separated-solutions.md`): Supply Chain
 * (warehouses, ship vias), Finance (payment terms), Asset Management (asset types and assets).
 * Which map ships in which package is from that page's table of maps per package.
 */
export const dualWriteMapSolutions: Readonly<Record<string, string>> = {
  msdyn_warehouse: "msdyn_Dynamics365SupplyChainExtendedMaps",
  msdyn_shipvia: "msdyn_Dynamics365SupplyChainExtendedMaps",
  msdyn_paymentterm: "msdyn_Dynamics365FinanceExtendedMaps",
  msdyn_customerassetcategory: "msdyn_DualWriteAssetManagementMaps",
  msdyn_customerasset: "msdyn_DualWriteAssetManagementMaps",
};
