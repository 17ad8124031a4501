/**
 * Valid documents generated from the definitions in `core` (SCM rows, business events, validation
 * requests, Dataverse bodies): the starting points the hostile generators break, and now and then
 * sent whole so every property meets its 2xx branch too.
 */
import fc from "fast-check";
import type { ColumnDefinition, TableDefinition } from "@fsi/core/dataverse/schema";
import { integrationTableNames, tableByLogicalName } from "@fsi/core/dataverse/tables";
import { buildDataEvent } from "@fsi/sandbox/scm/events/data-event";
import type { ScmEntityDefinition, ScmFieldDefinition } from "@fsi/core/scm/schema";

/** Short key-like text (`WH-01`), as ids are in both systems. */
export const identifier = fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{0,8}$/);

/** Values that exist on the other side (seeded ids), by field: a generator uses them most of the time. */
export type KnownValues = Readonly<Record<string, readonly string[]>>;

function keyValue(known: readonly string[] | undefined): fc.Arbitrary<string> {
  return known === undefined || known.length === 0
    ? identifier
    : fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 3 }, { arbitrary: identifier, weight: 1 });
}

/** A value for an SCM field, of its type and mostly within its limits. */
export function scmFieldValue(field: ScmFieldDefinition): fc.Arbitrary<string | number | boolean | null> {
  switch (field.type) {
    case "String":
      return fc.string({ minLength: field.mandatory === true ? 1 : 0, maxLength: field.maxLength });
    case "Int":
      return fc.integer({ min: -1000, max: 100_000 });
    case "Real":
      return fc.double({ min: -1e6, max: 1e6, noNaN: true });
    case "Enum":
      return fc.constantFrom(...field.values);
    case "DateTime":
      return fc
        .date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2090-01-01T00:00:00Z"), noInvalidDate: true })
        .map((date) => date.toISOString().replace(/\.\d{3}Z$/, "Z"));
  }
}

/** A row of an SCM entity in company `company`: its keys, and any of its other fields (`knownKeys` values mostly, where given). */
export function scmRow(
  entity: ScmEntityDefinition,
  company = "usmf",
  knownKeys: KnownValues = {},
): fc.Arbitrary<Record<string, string | number | boolean | null>> {
  const keys = Object.fromEntries(
    entity.keys.filter((key) => key !== "dataAreaId").map((key) => [key, keyValue(knownKeys[key])]),
  );
  const others = Object.fromEntries(
    Object.entries(entity.fields)
      .filter(([name]) => !entity.keys.includes(name))
      .map(([name, field]) => {
        const known = knownKeys[name];
        return [
          name,
          known === undefined
            ? scmFieldValue(field)
            : fc.oneof(
                { arbitrary: fc.constantFrom(...known), weight: 3 },
                { arbitrary: scmFieldValue(field), weight: 1 },
              ),
        ];
      }),
  );
  return fc.tuple(fc.record(keys), fc.record(others, { requiredKeys: [] })).map(([keyValues, fields]) => ({
    ...(entity.keys.includes("dataAreaId") ? { dataAreaId: company } : {}),
    ...keyValues,
    ...fields,
  }));
}

/** A data event as SCM's HTTPS endpoint receives it, for a write of `entity` (the emulator's envelope). */
export function dataEvent(
  entities: readonly ScmEntityDefinition[],
  knownKeys: KnownValues = {},
): fc.Arbitrary<Record<string, unknown>> {
  return fc.constantFrom(...entities).chain((entity) =>
    fc
      .record({
        row: scmRow(entity, "usmf", knownKeys),
        time: fc.integer({ min: 0, max: 4_102_444_800_000 }),
        operation: fc.constantFrom("Create" as const, "Update" as const, "Update" as const, "Delete" as const),
      })
      .map(({ row, time, operation }) => {
        const key = Object.fromEntries(entity.keys.map((field) => [field, String(row[field] ?? "")]));
        const stored = Object.fromEntries(
          Object.entries(row).map(([field, value]) => [field, typeof value === "number" ? value : String(value ?? "")]),
        );
        return {
          ...buildDataEvent({
            entity,
            operation,
            key,
            row: stored,
            changedFields: operation === "Update" ? Object.keys(row) : [],
            raisedOn: new Date(time),
          }),
        };
      }),
  );
}

/** A value for a Dataverse column in the Web API's JSON shape (lookups left out: they need binds). */
export function dataverseValue(column: ColumnDefinition): fc.Arbitrary<unknown> {
  switch (column.type) {
    case "string":
    case "memo":
      return fc.string({ minLength: 1, maxLength: Math.min(column.maxLength, 200) });
    case "integer":
      return fc.integer({ min: column.min ?? -1000, max: column.max ?? 1_000_000 });
    case "decimal":
    case "double":
    case "money":
      return fc.double({ min: column.min ?? -1e6, max: column.max ?? 1e6, noNaN: true });
    case "boolean":
      return fc.boolean();
    case "choice":
    case "state":
    case "status":
      return column.options.length > 0
        ? fc.constantFrom(...column.options.map((option) => option.value))
        : fc.integer({ min: 0, max: 10 });
    case "datetime":
      return fc
        .date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2090-01-01T00:00:00Z"), noInvalidDate: true })
        .map((date) => (column.behavior === "DateOnly" ? date.toISOString().slice(0, 10) : date.toISOString()));
    case "uniqueidentifier":
    case "lookup":
      return fc.uuid();
  }
}

/** Columns a client may write (not platform-managed, not lookups). */
export function writableColumns(table: TableDefinition): [string, ColumnDefinition][] {
  return Object.entries(table.columns).filter(
    ([name, column]) => column.type !== "lookup" && name !== table.primaryIdAttribute && column.readOnly !== true,
  );
}

/**
 * A create body for a Dataverse table: its required columns and some others; `extra` adds
 * properties such as `<navigation>@odata.bind` (present when their lookup is required).
 */
export function dataverseBody(
  table: TableDefinition,
  extra: Readonly<Record<string, fc.Arbitrary<unknown>>> = {},
): fc.Arbitrary<Record<string, unknown>> {
  const writable = writableColumns(table);
  const columns = Object.fromEntries(writable.map(([name, column]) => [name, dataverseValue(column)]));
  const requiredBinds = Object.values(table.columns).flatMap((column) =>
    column.type === "lookup" && column.required === true ? [`${column.navigationProperty}@odata.bind`] : [],
  );
  const required = [
    ...writable.filter(([, column]) => column.required === true).map(([name]) => name),
    ...requiredBinds.filter((name) => name in extra),
  ];
  return fc.record({ ...columns, ...extra }, { requiredKeys: required });
}

/** A validation API request (docs/design.md §5) for one of the integration tables. */
export const validationRequest: fc.Arbitrary<Record<string, unknown>> = fc
  .constantFrom(...integrationTableNames)
  .chain((name) => {
    const table = tableByLogicalName(name);
    if (table === undefined) throw new Error(`core has no table ${name}`);
    return fc.record(
      {
        table: fc.constant(name),
        operation: fc.constantFrom("create", "update"),
        id: fc.uuid(),
        company: fc.constantFrom("usmf", "USMF", "demf"),
        attributes: dataverseBody(table),
      },
      { requiredKeys: ["table", "operation", "company", "attributes"] },
    );
  });
