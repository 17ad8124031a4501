/**
 * The "Dataverse shape" of a row, used by the validation API, the entity maps and the webhook
 * handlers: `{ [logicalName]: scalar | null | { id, logicalName, name? } }`. Converters to and from
 * Web API JSON are driven by the table definitions; `validateRecord` (record-validation.ts) checks
 * values against them.
 */
import type { EntityReference, TableDefinition } from "./schema";
import { tableByLogicalName } from "./tables";

export type DataverseValue = string | number | boolean | null | EntityReference;
export type DataverseRecord = Record<string, DataverseValue>;

/** A Web API create/update body: scalars and `<nav>@odata.bind` entries. */
export type WebApiBody = Record<string, string | number | boolean | null>;

/** A record or body that cannot be converted (an unknown column, a lookup to an unknown table). */
export class DataverseRecordError extends Error {
  override readonly name = "DataverseRecordError";
  readonly code = "INVALID_RECORD";
  constructor(
    readonly attribute: string,
    message: string,
  ) {
    super(message);
  }
}

export function isEntityReference(value: unknown): value is EntityReference {
  if (typeof value !== "object" || value === null) return false;
  const { id, logicalName, name } = value as Record<string, unknown>;
  return typeof id === "string" && typeof logicalName === "string" && (name === undefined || typeof name === "string");
}

/** Case-insensitive GUID comparison: the Web API answers lower-case, clients may send upper-case. */
export function sameReference(a: EntityReference, b: EntityReference): boolean {
  return a.logicalName === b.logicalName && a.id.toLowerCase() === b.id.toLowerCase();
}

/** True when two column values are the same (lookups by table and id, names ignored). */
export function sameValue(a: DataverseValue | undefined, b: DataverseValue | undefined): boolean {
  if (isEntityReference(a) && isEntityReference(b)) return sameReference(a, b);
  return a === b;
}

// Annotations the Web API adds when asked with `Prefer: odata.include-annotations="*"`.
const LOOKUP_LOGICAL_NAME = "@Microsoft.Dynamics.CRM.lookuplogicalname";
const FORMATTED_VALUE = "@OData.Community.Display.V1.FormattedValue";

/**
 * Web API JSON row → record. Lookups arrive as `_<column>_value` with the target table and display
 * name in annotations; scalars arrive under their logical name. Properties that are not columns of
 * the table (`@odata.etag`, formatted values of choices, expanded rows) are ignored; columns the
 * row does not carry stay absent.
 */
export function fromWebApiRow(table: TableDefinition, row: Readonly<Record<string, unknown>>): DataverseRecord {
  const record: DataverseRecord = {};
  for (const [name, column] of Object.entries(table.columns)) {
    if (column.type === "lookup") {
      const property = `_${name}_value`;
      if (!(property in row)) continue;
      const id = row[property];
      if (id === null) {
        record[name] = null;
        continue;
      }
      if (typeof id !== "string") throw new DataverseRecordError(name, `${property} must be a GUID string or null.`);
      const annotated = row[`${property}${LOOKUP_LOGICAL_NAME}`];
      const logicalName = typeof annotated === "string" ? annotated : singleTarget(table, name, column.targets);
      const formatted = row[`${property}${FORMATTED_VALUE}`];
      record[name] = typeof formatted === "string" ? { id, logicalName, name: formatted } : { id, logicalName };
      continue;
    }
    if (!(name in row)) continue;
    const value = row[name];
    if (value !== null && typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new DataverseRecordError(name, `${table.logicalName}.${name} must be a string, number, boolean or null.`);
    }
    record[name] = value;
  }
  return record;
}

function singleTarget(table: TableDefinition, column: string, targets: readonly string[]): string {
  if (targets.length === 1 && targets[0] !== undefined) return targets[0];
  throw new DataverseRecordError(
    column,
    `${table.logicalName}.${column} can point to ${targets.join(", ")}; the row must carry the ${LOOKUP_LOGICAL_NAME} annotation.`,
  );
}

/**
 * Record → Web API create or update body. Lookups become `<navigation property>@odata.bind:
 * "/<entity set>(<id>)"`; a cleared lookup becomes `null` on update, which is how the Web API
 * disassociates a single-valued navigation property (learn.microsoft.com, "Associate and
 * disassociate table rows using the Web API"); on create there is nothing to clear, so it is left
 * out. Read-only columns are never sent, except the primary id on create (a client may choose it).
 */
export function toWebApiBody(
  table: TableDefinition,
  record: Readonly<DataverseRecord>,
  operation: "create" | "update",
): WebApiBody {
  const body: WebApiBody = {};
  for (const [name, value] of Object.entries(record)) {
    const column = table.columns[name];
    if (column === undefined) {
      throw new DataverseRecordError(name, `${table.logicalName} has no column ${name}.`);
    }
    const isPrimaryId = name === table.primaryIdAttribute;
    if (column.readOnly === true && !(isPrimaryId && operation === "create")) continue;
    if (column.type !== "lookup") {
      if (isEntityReference(value)) {
        throw new DataverseRecordError(
          name,
          `${table.logicalName}.${name} is not a lookup; it cannot take a reference.`,
        );
      }
      body[name] = value;
      continue;
    }
    const bind = `${column.navigationProperty}@odata.bind`;
    if (value === null) {
      if (operation === "update") body[bind] = null;
      continue;
    }
    if (!isEntityReference(value)) {
      throw new DataverseRecordError(
        name,
        `${table.logicalName}.${name} is a lookup; its value must be { id, logicalName }.`,
      );
    }
    const target = tableByLogicalName(value.logicalName);
    if (target === undefined || !column.targets.includes(value.logicalName)) {
      throw new DataverseRecordError(
        name,
        `${table.logicalName}.${name} cannot point to ${value.logicalName}; it points to ${column.targets.join(", ")}.`,
      );
    }
    body[bind] = `/${target.entitySetName}(${value.id})`;
  }
  return body;
}
