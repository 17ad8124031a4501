/**
 * The entity maps a host runs with: core's built-in maps, optionally changed by a user's override
 * file read once at start. A bad file stops the host with its path and every problem, rather than
 * syncing with a map nobody meant.
 */
import { readFileSync } from "node:fs";
import { builtInMaps } from "@fsi/core/maps/built-in";
import { MapTemplateError } from "@fsi/core/maps/parse-template";
import { applyMapOverride } from "@fsi/core/maps/override";
import type { EntityMap } from "@fsi/core/maps/template-schema";

export interface MapCatalog {
  readonly maps: readonly EntityMap[];
  forTable(logicalName: string): EntityMap | undefined;
  forScmCollection(collection: string): EntityMap | undefined;
  byName(name: string): EntityMap | undefined;
}

export class MapOverrideFileError extends Error {
  override readonly name = "MapOverrideFileError";
  readonly code = "INVALID_MAP_OVERRIDE";
}

export function mapCatalog(maps: readonly EntityMap[]): MapCatalog {
  return {
    maps,
    forTable: (logicalName) => maps.find((map) => map.dataverseTable === logicalName),
    forScmCollection: (collection) => maps.find((map) => map.scmCollection === collection),
    byName: (name) => maps.find((map) => map.name === name),
  };
}

/**
 * Applies the overrides in a JSON file: one override object (`{ "map": "warehouses", ... }`) or an
 * array of them, each for a different map.
 */
export function loadMapCatalog(overridePath?: string): MapCatalog {
  if (overridePath === undefined) return mapCatalog(builtInMaps);
  let text: string;
  try {
    text = readFileSync(overridePath, "utf8");
  } catch (error) {
    throw new MapOverrideFileError(`Map override file ${overridePath} cannot be read: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text) as unknown;
  } catch (error) {
    throw new MapOverrideFileError(`Map override file ${overridePath} is not valid JSON: ${(error as Error).message}`);
  }
  const overrides = Array.isArray(document) ? document : [document];
  const maps = [...builtInMaps];
  const seen = new Set<string>();
  overrides.forEach((override: unknown, index) => {
    const source = Array.isArray(document) ? `${overridePath} [${index}]` : overridePath;
    const name =
      typeof override === "object" && override !== null && "map" in override
        ? (override as { map: unknown }).map
        : undefined;
    const at = maps.findIndex((map) => map.name === name);
    const base = maps[at];
    if (typeof name !== "string" || base === undefined) {
      const known = builtInMaps.map((map) => map.name).join(", ");
      throw new MapOverrideFileError(
        `${source}: $.map: must name a built-in map (${known}); got ${describeMapName(name)}.`,
      );
    }
    if (seen.has(name))
      throw new MapOverrideFileError(`${source}: $.map: map ${name} is overridden twice in this file.`);
    seen.add(name);
    try {
      maps[at] = applyMapOverride(base, override, source);
    } catch (error) {
      if (error instanceof MapTemplateError) throw new MapOverrideFileError(error.message);
      throw error;
    }
  });
  return mapCatalog(maps);
}

/** What `map` held, for the message: a string quoted, anything else by its type (it may nest too deep to print). */
function describeMapName(name: unknown): string {
  if (typeof name === "string") return JSON.stringify(name);
  if (name === undefined) return "nothing";
  if (name === null) return "null";
  if (Array.isArray(name)) return "an array";
  return typeof name === "object" ? "an object" : `a ${typeof name}`;
}
