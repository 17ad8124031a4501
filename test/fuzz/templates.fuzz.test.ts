/**
 * Fuzzing the customizable maps: entity map templates and user overrides (`core/maps`), the
 * override file the plug-in host loads (`plugins-ts/services/map-catalog.ts`), flow templates and
 * inventory settings (`plugins-ts/inventory/templates`). An invalid document is refused with the
 * domain error (`MapTemplateError`, `MapOverrideFileError`, `InventorySettingsError`) and a
 * message naming the source and each problem; never a TypeError, RangeError or any other throw.
 * An accepted one passes the schema again when written back out.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { builtInMaps } from "@fsi/core/maps/built-in";
import { builtInFlowMaps, parseFlowTemplate } from "@fsi/core/maps/flow-templates";
import { flowNames } from "@fsi/core/maps/flow-template-schema";
import { applyMapOverride } from "@fsi/core/maps/override";
import { MapTemplateError, parseMapTemplate } from "@fsi/core/maps/parse-template";
import { type EntityMap, mapTemplateSchema } from "@fsi/core/maps/template-schema";
import { tableColumn } from "@fsi/core/dataverse/schema";
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import { scmEntityByCollection } from "@fsi/core/scm/entities";
import { scmField } from "@fsi/core/scm/schema";
import {
  type InventorySettings,
  InventorySettingsError,
  loadFlowCatalog,
} from "@fsi/plugins/inventory/templates/flow-catalog";
import { MapOverrideFileError, loadMapCatalog } from "@fsi/plugins/services/map-catalog";
import {
  PROTOTYPE_KEYS,
  hostileJson,
  hostileScalar,
  hostileString,
  malformedBody,
  mutated,
  withEntries,
  withItems,
} from "./support/hostile";
import { type JsonNode, raw, renderJson } from "./support/json-text";
import { filterExpression } from "./support/odata";
import { Outcomes, checkProperty, describeValue, runs, timeoutFor } from "./support/runs";

/** Cases per property (fixed; `FUZZ_RUNS_SCALE` scales them). */
const MAP_TEMPLATE_RUNS = runs(400);
const OVERRIDE_RUNS = runs(400);
const OVERRIDE_FILE_RUNS = runs(150);
const FLOW_TEMPLATE_RUNS = runs(300);
const SETTINGS_RUNS = runs(200);

let dir: string;
let validFlowFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "fsi-fuzz-templates-"));
  validFlowFile = join(dir, "on-hand.json");
  writeFileSync(validFlowFile, JSON.stringify(builtInFlowMaps.find((map) => map.name === "on-hand")));
  writeFileSync(join(dir, "broken.json"), "{ not json");
  mkdirSync(join(dir, "a-folder"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A document as a caller may hand it over: JSON text, or the value it parses to. */
function asTextOrValue(node: JsonNode): fc.Arbitrary<unknown> {
  const text = renderJson(node);
  let value: unknown = text;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    // Not JSON: only the text form exists.
  }
  return fc.constantFrom(text, value);
}

/** Documents: a valid one broken in places, hostile JSON, bytes that are not JSON, any JS value. */
function documents(
  valid: fc.Arbitrary<unknown>,
  structured: fc.Arbitrary<JsonNode>,
  keys: readonly string[],
): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: structured.chain(asTextOrValue), weight: 4 },
    { arbitrary: mutated(valid, { keys }).chain(asTextOrValue), weight: 4 },
    { arbitrary: hostileJson({ keys }).chain(asTextOrValue), weight: 2 },
    { arbitrary: malformedBody(valid).map((bytes) => bytes.toString("utf8")), weight: 1 },
    { arbitrary: fc.anything({ maxDepth: 3 }), weight: 1 },
    { arbitrary: valid, weight: 1 },
  );
}

/** The outcome is a value, or a refusal with the domain error: anything else fails the property. */
function expectDomainOutcome<T>(
  outcomes: Outcomes,
  what: string,
  source: string,
  run: () => T,
  errors: readonly (abstract new (...args: never[]) => Error)[],
): T | undefined {
  let result: T;
  try {
    result = run();
  } catch (error) {
    outcomes.refuse();
    if (!errors.some((type) => error instanceof type)) {
      throw new Error(
        `${what}: threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} instead of a domain error`,
      );
    }
    const message = (error as Error).message;
    if (message.trim() === "" || !message.includes(source))
      throw new Error(`${what}: the refusal does not name ${source}: ${message}`);
    return undefined;
  }
  outcomes.accept();
  return result;
}

const columnKeys = [
  "dataverse",
  "scm",
  "direction",
  "valueMap",
  "default",
  "trim",
  "lookup",
  "pairs",
  "table",
  "keyColumn",
  "name",
  "columns",
  "keys",
  "company",
  "dataverseTable",
  "scmCollection",
  "filter",
  "mode",
  "lines",
  "scheduleMinutes",
];
/** Column and field names: real ones, and the prototype's members no definition has. */
const names = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      "msdyn_name",
      "msdyn_warehouseidentifier",
      "msdyn_company",
      "WarehouseName",
      "WarehouseId",
      "dataAreaId",
      "cdm_companycode",
    ),
    weight: 2,
  },
  { arbitrary: fc.constantFrom(...PROTOTYPE_KEYS), weight: 1 },
);
/** A column pair whose names are hostile but whose shape passes the schema. */
const hostilePair = fc
  .record({ dataverse: names, scm: names, direction: fc.constantFrom("both", "toScm", "toDataverse") })
  .map((pair) => raw(JSON.stringify(pair)));
const pairEntries = fc.array(
  fc.tuple(fc.constantFrom(...columnKeys), fc.oneof(hostileScalar(), hostileJson({ keys: columnKeys, deep: false }))),
  { minLength: 1, maxLength: 3 },
);

/** An accepted map names only real columns and fields: no `constructor` passed for a column. */
function expectNamesDefined(map: EntityMap, what: string): void {
  const table = tableByLogicalName(map.dataverseTable);
  const entity = scmEntityByCollection(map.scmCollection);
  if (table === undefined || entity === undefined)
    throw new Error(`${what}: accepted a map of ${map.dataverseTable} / ${map.scmCollection}`);
  for (const pair of [...map.columns, ...map.keys, map.company]) {
    if (tableColumn(table, pair.dataverse) === undefined)
      throw new Error(`${what}: accepted ${pair.dataverse}, no column of ${table.logicalName}`);
    if (scmField(entity, pair.scm) === undefined)
      throw new Error(`${what}: accepted ${pair.scm}, no field of ${entity.collection}`);
  }
}

describe("map templates and settings under random and hostile input", () => {
  it(
    `parseMapTemplate: ${MAP_TEMPLATE_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const valid = fc.constantFrom(...builtInMaps).map((map) => JSON.parse(JSON.stringify(map)) as unknown);
      const structured = fc.oneof(
        withEntries(valid, ["columns", 0], pairEntries),
        withEntries(valid, [], pairEntries),
        withEntries(
          valid,
          ["company"],
          fc.array(
            fc.tuple(
              fc.constantFrom("dataverse", "scm", "key"),
              names.map((name) => raw(JSON.stringify(name))),
            ),
            { minLength: 1, maxLength: 2 },
          ),
        ),
        withEntries(
          valid,
          ["keys", 0],
          fc.array(
            fc.tuple(
              fc.constantFrom("dataverse", "scm"),
              names.map((name) => raw(JSON.stringify(name))),
            ),
            { minLength: 1, maxLength: 2 },
          ),
        ),
        withItems(valid, ["columns"], fc.array(hostilePair, { minLength: 1, maxLength: 2 })),
      );
      const property = fc.property(documents(valid, structured, columnKeys), (document) => {
        const what = `parseMapTemplate(${describeValue(document)})`;
        const map = expectDomainOutcome(
          outcomes,
          what,
          "fuzz-template.json",
          () => parseMapTemplate(document, "fuzz-template.json"),
          [MapTemplateError],
        );
        if (map === undefined) return;
        if (!mapTemplateSchema.safeParse(JSON.parse(JSON.stringify(map))).success)
          throw new Error(`${what}: accepted a map that fails the schema when written out`);
        expectNamesDefined(map, what);
      });
      expect(await checkProperty("map templates", property, MAP_TEMPLATE_RUNS)).toBe(MAP_TEMPLATE_RUNS);
      outcomes.expectBoth("map templates");
    },
    timeoutFor(MAP_TEMPLATE_RUNS),
  );

  it(
    `applyMapOverride: ${OVERRIDE_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const base = fc.constantFrom(...builtInMaps);
      const override = base.chain((map) => {
        const columns = map.columns.map((pair) => pair.dataverse);
        const valid = fc.record(
          {
            map: fc.constant(map.name),
            remove: fc.subarray(columns, { maxLength: Math.min(2, columns.length) }),
            change: fc.array(
              fc.record(
                {
                  dataverse: fc.constantFrom(...columns),
                  direction: fc.constantFrom("both", "toScm", "toDataverse"),
                  trim: fc.boolean(),
                },
                { requiredKeys: ["dataverse"] },
              ),
              { maxLength: 2 },
            ),
          },
          { requiredKeys: ["map"] },
        );
        const structured = fc.oneof(
          withEntries(valid, [], pairEntries),
          withEntries(valid, ["change", 0], pairEntries),
          withItems(
            valid.map((document) => ({ ...document, add: [] })),
            ["add"],
            fc.array(hostilePair, { minLength: 1, maxLength: 2 }),
          ),
        );
        return fc.tuple(
          fc.constant(map),
          documents(valid, structured, ["map", "remove", "change", "add", ...columnKeys]),
        );
      });
      const property = fc.property(override, ([map, document]) => {
        const what = `applyMapOverride(${map.name}, ${describeValue(document)})`;
        const result = expectDomainOutcome(
          outcomes,
          what,
          "fuzz-override.json",
          () => applyMapOverride(map, document, "fuzz-override.json"),
          [MapTemplateError],
        );
        if (result === undefined) return;
        if (!mapTemplateSchema.safeParse(JSON.parse(JSON.stringify(result))).success)
          throw new Error(`${what}: produced a map that fails the schema`);
        expectNamesDefined(result, what);
      });
      expect(await checkProperty("map overrides", property, OVERRIDE_RUNS)).toBe(OVERRIDE_RUNS);
      outcomes.expectBoth("map overrides");
    },
    timeoutFor(OVERRIDE_RUNS),
  );

  it(
    `the plug-in host's override file (loadMapCatalog): ${OVERRIDE_FILE_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const overrideFor = fc
        .constantFrom(...builtInMaps)
        .map((map) => ({ map: map.name, remove: [map.columns[map.columns.length - 1]?.dataverse] }));
      const file = fc.oneof(
        overrideFor.map((override) => raw(JSON.stringify(override))),
        fc.array(overrideFor, { maxLength: 3 }).map((list) => raw(JSON.stringify(list))),
        mutated(overrideFor, { keys: ["map", "remove", "change", "add"] }),
        hostileJson({ keys: ["map", "remove"] }),
      );
      let index = 0;
      const property = fc.property(file, (node) => {
        index += 1;
        const path = join(dir, `override-${index}.json`);
        const text = renderJson(node);
        writeFileSync(path, text);
        const what = `loadMapCatalog(${text.slice(0, 300)})`;
        const catalog = expectDomainOutcome(outcomes, what, path, () => loadMapCatalog(path), [MapOverrideFileError]);
        if (catalog !== undefined && catalog.maps.length !== builtInMaps.length)
          throw new Error(`${what}: a catalog with ${catalog.maps.length} maps`);
      });
      expect(await checkProperty("map override files", property, OVERRIDE_FILE_RUNS)).toBe(OVERRIDE_FILE_RUNS);
      outcomes.expectBoth("map override files");
    },
    timeoutFor(OVERRIDE_FILE_RUNS),
  );

  it(
    `parseFlowTemplate: ${FLOW_TEMPLATE_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const valid = fc.constantFrom(...builtInFlowMaps).map((map) => JSON.parse(JSON.stringify(map)) as unknown);
      const filter = filterExpression({
        properties: ["msdyn_name", "msdyn_qtyonhand", "_msdyn_warehouse_value", "statecode", "fsi_projectnumber"],
      });
      const structured = fc.oneof(
        withEntries(
          valid,
          [],
          fc.array(
            fc.tuple(
              fc.constant("filter"),
              fc.oneof(filter, hostileString()).map((text) => raw(JSON.stringify(text.slice(0, 2000)))),
            ),
            { minLength: 1, maxLength: 1 },
          ),
        ),
        withEntries(valid, ["columns", 0], pairEntries),
        withEntries(valid, [], pairEntries),
      );
      const property = fc.property(documents(valid, structured, columnKeys), (document) => {
        const what = `parseFlowTemplate(${describeValue(document)})`;
        const map = expectDomainOutcome(
          outcomes,
          what,
          "fuzz-flow.json",
          () => parseFlowTemplate(document, "fuzz-flow.json"),
          [MapTemplateError],
        );
        if (map !== undefined && !flowNames.includes(map.name))
          throw new Error(`${what}: accepted a flow named ${map.name}`);
      });
      expect(await checkProperty("flow templates", property, FLOW_TEMPLATE_RUNS)).toBe(FLOW_TEMPLATE_RUNS);
      outcomes.expectBoth("flow templates");
    },
    timeoutFor(FLOW_TEMPLATE_RUNS),
  );

  it(
    `inventory settings (loadFlowCatalog, templates inline or as files): ${SETTINGS_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const template = fc.oneof(
        {
          arbitrary: fc.constantFrom(...builtInFlowMaps).map((map) => JSON.parse(JSON.stringify(map)) as unknown),
          weight: 2,
        },
        {
          arbitrary: mutated(
            fc.constantFrom(...builtInFlowMaps).map((map) => JSON.parse(JSON.stringify(map)) as unknown),
            { keys: columnKeys },
          ).map((node) => JSON.parse(renderJson(node)) as unknown),
          weight: 2,
        },
        // Paths: a valid file, a broken one, a folder, a missing file, hostile text (never a device: /dev/stdin would wait forever).
        {
          arbitrary: fc.constantFrom(
            join(dir, "on-hand.json"),
            join(dir, "broken.json"),
            join(dir, "a-folder"),
            join(dir, "missing.json"),
            "",
          ),
          weight: 2,
        },
        { arbitrary: hostileString({ long: false }).filter((text) => !/^\/(dev|proc|sys)\b/.test(text)), weight: 1 },
      );
      const mapSettings = fc.record(
        {
          template,
          mode: fc.oneof(fc.constantFrom("live", "batch"), hostileString({ long: false })),
          scheduleMinutes: fc.oneof(
            fc.integer({ min: 1, max: 10_080 }),
            fc.constantFrom(0, -1, 1.5, Number.POSITIVE_INFINITY, 10_081),
          ),
        },
        { requiredKeys: [] },
      );
      const name = fc.oneof(
        { arbitrary: fc.constantFrom(...flowNames), weight: 4 },
        { arbitrary: hostileString({ long: false }), weight: 1 },
      );
      const settings = fc.oneof(
        { arbitrary: fc.dictionary(name, mapSettings, { maxKeys: 3 }).map((maps) => ({ maps })), weight: 4 },
        { arbitrary: fc.anything({ maxDepth: 3 }), weight: 1 },
      );
      const property = fc.property(settings, (value) => {
        const what = `loadFlowCatalog(${describeValue(value)})`;
        const catalog = expectDomainOutcome(outcomes, what, "", () => loadFlowCatalog(value as InventorySettings), [
          InventorySettingsError,
          MapTemplateError,
        ]);
        if (catalog !== undefined && catalog.flows.length !== flowNames.length)
          throw new Error(`${what}: a catalog with ${catalog.flows.length} flows`);
      });
      expect(await checkProperty("inventory settings", property, SETTINGS_RUNS)).toBe(SETTINGS_RUNS);
      outcomes.expectBoth("inventory settings");
    },
    timeoutFor(SETTINGS_RUNS),
  );
});
