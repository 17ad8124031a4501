/**
 * The maps an inventory engine runs: core's built-in flow templates, each replaced by the user's
 * template when the configuration names one, with the mode (live or batch) chosen per map. A
 * template is refused — the engine does not start — with every problem and where it is: the
 * schema and flow checks are core's (`parseFlowTemplate`); the Field Service filter is parsed and
 * checked against the table here.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import {
  type FlowMap,
  type FlowMode,
  type FlowName,
  flowModeSchema,
  flowNames,
} from "@fsi/core/maps/flow-template-schema";
import { builtInFlowMap, parseFlowTemplate } from "@fsi/core/maps/flow-templates";
import { type FlowContract, flowContract } from "@fsi/core/maps/flows";
import { MapTemplateError } from "@fsi/core/maps/parse-template";
import { formatZodError } from "@fsi/core/validation/format-zod-error";
import { type RecordFilter, RecordFilterError, compileRecordFilter } from "./record-filter";

/** Per map: a template of the user's (a file path, or the parsed JSON) and the mode to run in. */
export const mapSettingsSchema = z.strictObject({
  template: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
  /** Overrides the template's mode. */
  mode: flowModeSchema.optional(),
  /** Overrides the template's schedule (batch mode). */
  scheduleMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .optional(),
});

export const inventorySettingsSchema = z.strictObject({
  maps: z
    .partialRecord(
      z.enum(flowNames, { error: `must name one of the maps: ${flowNames.join(", ")}` }),
      mapSettingsSchema,
    )
    .default({}),
});

export type MapSettings = z.infer<typeof mapSettingsSchema>;
export type InventorySettings = z.input<typeof inventorySettingsSchema>;

export interface ResolvedFlow {
  readonly name: FlowName;
  readonly map: FlowMap;
  readonly contract: FlowContract;
  readonly mode: FlowMode;
  readonly scheduleMinutes?: number;
  readonly filter?: RecordFilter;
  /** Where the template came from (`core/maps/templates/on-hand.json`, a user's file). */
  readonly source: string;
}

export interface FlowCatalog {
  readonly flows: readonly ResolvedFlow[];
  /** The map by name; throws `UnknownMapError` naming the maps there are. */
  get(name: string): ResolvedFlow;
}

export class UnknownMapError extends Error {
  override readonly name = "UnknownMapError";
  readonly code = "UNKNOWN_MAP";
}

/** A settings file that cannot be used (unreadable, not JSON, not the schema). */
export class InventorySettingsError extends Error {
  override readonly name = "InventorySettingsError";
  readonly code = "INVALID_INVENTORY_SETTINGS";
}

export function parseInventorySettings(json: unknown, source: string): z.output<typeof inventorySettingsSchema> {
  const parsed = inventorySettingsSchema.safeParse(json);
  if (!parsed.success) throw new InventorySettingsError(formatZodError(parsed.error, source));
  return parsed.data;
}

/** Reads a settings file (`{ "maps": { "on-hand": { "mode": "batch", "template": "on-hand.json" } } }`). */
export function readInventorySettingsFile(path: string): z.output<typeof inventorySettingsSchema> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InventorySettingsError(`${path} cannot be read: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (error) {
    throw new InventorySettingsError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseInventorySettings(json, path);
}

function templateOf(name: FlowName, settings: MapSettings | undefined): { map: FlowMap; source: string } {
  const template = settings?.template;
  if (template === undefined) return { map: builtInFlowMap(name), source: `core/maps/templates/${name}.json` };
  if (typeof template !== "string")
    return { map: parseFlowTemplate(template, `maps.${name}.template`), source: `maps.${name}.template` };
  let text: string;
  try {
    text = readFileSync(template, "utf8");
  } catch (error) {
    throw new MapTemplateError(template, [{ path: "$", message: `cannot be read: ${(error as Error).message}` }]);
  }
  return { map: parseFlowTemplate(text, template), source: template };
}

/** Resolves one map: its template (checked), the filter (checked), the mode. */
export function resolveFlow(name: FlowName, settings?: MapSettings): ResolvedFlow {
  const { map, source } = templateOf(name, settings);
  if (map.name !== name) {
    throw new MapTemplateError(source, [
      { path: "$.name", message: `this template is for map ${map.name}; it is configured as map ${name}` },
    ]);
  }
  const contract = flowContract(name);
  let filter: RecordFilter | undefined;
  if (map.filter !== undefined) {
    const table = tableByLogicalName(contract.dataverseTable);
    if (table === undefined) throw new Error(`core has no table ${contract.dataverseTable}`);
    try {
      filter = compileRecordFilter(map.filter, table);
    } catch (error) {
      if (error instanceof RecordFilterError)
        throw new MapTemplateError(source, [{ path: "$.filter", message: error.message }]);
      throw error;
    }
  }
  const mode = settings?.mode ?? map.mode;
  const scheduleMinutes = settings?.scheduleMinutes ?? map.scheduleMinutes;
  return {
    name,
    map,
    contract,
    mode,
    ...(mode === "batch" && scheduleMinutes !== undefined ? { scheduleMinutes } : {}),
    ...(filter === undefined ? {} : { filter }),
    source,
  };
}

export function loadFlowCatalog(settings: InventorySettings = {}): FlowCatalog {
  const parsed = parseInventorySettings(settings, "inventory settings");
  const flows = flowNames.map((name) => resolveFlow(name, parsed.maps[name]));
  return {
    flows,
    get(name) {
      const flow = flows.find((candidate) => candidate.name === name);
      if (flow === undefined)
        throw new UnknownMapError(`There is no map '${name}'; the maps are ${flowNames.join(", ")}.`);
      return flow;
    },
  };
}
