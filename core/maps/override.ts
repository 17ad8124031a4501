/**
 * User overrides of a built-in map: a JSON file that adds column pairs, changes a pair's direction
 * or transforms, or removes pairs, without touching code. The plug-in host reads the file; core
 * merges and validates, and reports problems at their path in the override file.
 */
import { z } from "zod";
import { formatJsonPath } from "../validation/format-zod-error";
import { applySelection, chosenPairs, defaultSelection, type PlacedPair } from "./choices";
import { MapTemplateError, checkPlaced, checkedMap, parseJsonDocument } from "./parse-template";
import {
  columnPairSchema,
  defaultValueSchema,
  lookupTransformSchema,
  mapDirectionSchema,
  valueMapSchema,
  type ColumnPair,
  type EntityMap,
} from "./template-schema";

const logicalName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/, "must be a Dataverse logical name (lower-case letters, digits, _)");

/** A change to a mapped pair, found by its Dataverse column. `null` removes an optional transform. */
export const columnChangeSchema = z.strictObject({
  dataverse: logicalName,
  scm: columnPairSchema.shape.scm.optional(),
  direction: mapDirectionSchema.optional(),
  valueMap: valueMapSchema.nullable().optional(),
  default: defaultValueSchema.nullable().optional(),
  trim: z.boolean().nullable().optional(),
  zeroIsEmpty: z.boolean().nullable().optional(),
  lookup: lookupTransformSchema.nullable().optional(),
});

export const mapOverrideSchema = z.strictObject({
  /** The name of the map this file overrides (`warehouses`); guards against applying it to another. */
  map: z.string(),
  description: z.string().optional(),
  /** Options of the template's choices (`{ "naming": "name" }`), applied before the column edits. */
  choose: z.record(z.string(), z.string()).optional(),
  /** Applied in this order: remove, change, add (so remove + add replaces a pair). */
  remove: z.array(logicalName).optional(),
  change: z.array(columnChangeSchema).optional(),
  add: z.array(columnPairSchema).optional(),
});

export type ColumnChange = z.infer<typeof columnChangeSchema>;
export type MapOverride = z.infer<typeof mapOverrideSchema>;

/**
 * Applies an override (JSON text or a parsed value) to a map and returns the checked result. Throws
 * a `MapTemplateError` naming `source` and the override's paths when the override does not parse,
 * targets another map, names unmapped columns, or yields a map that fails the template checks.
 */
export function applyMapOverride(base: EntityMap, override: unknown, source = "map override"): EntityMap {
  const parsed = mapOverrideSchema.safeParse(parseJsonDocument(override, source));
  if (!parsed.success) {
    throw new MapTemplateError(
      source,
      parsed.error.issues.map((issue) => ({ path: formatJsonPath(issue.path), message: issue.message })),
    );
  }
  const { map, choose = {}, remove = [], change = [], add = [] } = parsed.data;
  if (map !== base.name) {
    throw new MapTemplateError(source, [
      { path: "$.map", message: `this override is for map ${map}, not ${base.name}` },
    ]);
  }
  // Choosing again swaps the pairs of the options the base was built with for the new options' pairs.
  const current = base.chosen ?? defaultSelection(base);
  const selection = applySelection(base, current, choose, ["choose"]);
  const problems: Array<{ path: readonly PropertyKey[]; message: string }> = [...selection.problems];
  const previousOptions = new Set(chosenPairs(base, current).map((placed) => placed.pair));
  // Each merged pair remembers where it came from, so problems point into the override file.
  const merged: PlacedPair[] = [
    ...base.columns
      .map((pair, index) => ({ pair, origin: ["base", base.name, "columns", index] }))
      .filter((placed) => !previousOptions.has(placed.pair)),
    ...chosenPairs(base, selection.chosen).map((placed) => ({
      ...placed,
      origin: ["base", base.name, ...placed.origin],
    })),
  ];
  const indexOf = (column: string) => merged.findIndex((entry) => entry.pair.dataverse === column);

  remove.forEach((column, index) => {
    const at = indexOf(column);
    if (at < 0) problems.push({ path: ["remove", index], message: notMapped(column, base) });
    else merged.splice(at, 1);
  });
  change.forEach((columnChange, index) => {
    const at = indexOf(columnChange.dataverse);
    const entry = merged[at];
    if (entry === undefined)
      problems.push({ path: ["change", index, "dataverse"], message: notMapped(columnChange.dataverse, base) });
    else merged[at] = { pair: applyChange(entry.pair, columnChange), origin: ["change", index] };
  });
  add.forEach((pair, index) => {
    if (indexOf(pair.dataverse) >= 0) {
      problems.push({
        path: ["add", index, "dataverse"],
        message: `${pair.dataverse} is already mapped in ${base.name}; use "change"`,
      });
    } else merged.push({ pair, origin: ["add", index] });
  });

  const checked = checkPlaced(base, merged, selection.chosen);
  problems.push(...checked.problems);
  return checkedMap(checked.resolved, source, problems);
}

function applyChange(pair: ColumnPair, change: ColumnChange): ColumnPair {
  const result: ColumnPair = { ...pair };
  if (change.scm !== undefined) result.scm = change.scm;
  if (change.direction !== undefined) result.direction = change.direction;
  if (change.valueMap === null) delete result.valueMap;
  else if (change.valueMap !== undefined) result.valueMap = change.valueMap;
  if (change.default === null) delete result.default;
  else if (change.default !== undefined) result.default = change.default;
  if (change.trim === null) delete result.trim;
  else if (change.trim !== undefined) result.trim = change.trim;
  if (change.zeroIsEmpty === null) delete result.zeroIsEmpty;
  else if (change.zeroIsEmpty !== undefined) result.zeroIsEmpty = change.zeroIsEmpty;
  if (change.lookup === null) delete result.lookup;
  else if (change.lookup !== undefined) result.lookup = change.lookup;
  return result;
}

const notMapped = (column: string, base: EntityMap) => `${column} is not a mapped column of ${base.name}`;
