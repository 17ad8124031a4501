/**
 * Which maps an initial sync runs, in which order. A map comes after the maps its lookups point
 * to (sites before warehouses, asset types before assets), so every lookup's row is already in the
 * target when a row needs it. Lookups of a map to its own table (a warehouse's transit warehouse)
 * cannot be ordered that way in general — two warehouses may name each other — so they are
 * written in a second pass over the map (see initial-sync.ts).
 */
import type { ColumnPair, EntityMap } from "@fsi/core/maps/template-schema";
import type { MapCatalog } from "../../services/map-catalog";

export interface MapPlan {
  readonly map: EntityMap;
  /** Lookups to the map's own table: written in pass 2 when their row is not in the target yet. */
  readonly selfLookups: readonly ColumnPair[];
}

export class MapPlanError extends Error {
  override readonly name = "MapPlanError";
  readonly code = "UNKNOWN_MAP";
}

/** The maps a map's lookups point to (other maps of the catalog). */
export function dependenciesOf(map: EntityMap, catalog: MapCatalog): EntityMap[] {
  const tables = new Set(
    map.columns.flatMap((pair) =>
      pair.lookup === undefined || pair.lookup.table === map.dataverseTable ? [] : [pair.lookup.table],
    ),
  );
  return catalog.maps.filter((candidate) => tables.has(candidate.dataverseTable));
}

/**
 * The maps named (`all` for every map), with the maps they depend on unless `withDependencies`
 * is false, ordered so dependencies come first (ties in catalog order).
 */
export function planMaps(catalog: MapCatalog, names: readonly string[], withDependencies: boolean): MapPlan[] {
  const known = catalog.maps.map((map) => map.name);
  const requested = names.includes("all")
    ? [...catalog.maps]
    : names.map((name) => {
        const map = catalog.byName(name);
        if (map === undefined) throw new MapPlanError(`There is no map '${name}'; maps: ${known.join(", ")} (or all).`);
        return map;
      });
  const chosen = new Set<EntityMap>();
  const add = (map: EntityMap): void => {
    if (chosen.has(map)) return;
    chosen.add(map);
    if (withDependencies) dependenciesOf(map, catalog).forEach(add);
  };
  requested.forEach(add);

  const ordered: EntityMap[] = [];
  const visiting = new Set<EntityMap>();
  const visit = (map: EntityMap, path: readonly string[]): void => {
    if (ordered.includes(map)) return;
    if (visiting.has(map))
      throw new MapPlanError(
        `Maps depend on each other: ${[...path, map.name].join(" → ")}; no order writes them safely.`,
      );
    visiting.add(map);
    for (const dependency of dependenciesOf(map, catalog))
      if (chosen.has(dependency)) visit(dependency, [...path, map.name]);
    visiting.delete(map);
    ordered.push(map);
  };
  catalog.maps
    .filter((map) => chosen.has(map))
    .forEach((map) => {
      visit(map, []);
    });
  return ordered.map((map) => ({
    map,
    selfLookups: map.columns.filter((pair) => pair.lookup?.table === map.dataverseTable),
  }));
}
