/**
 * One record against everything SCM checks before a write: value types (from the entity
 * definition), the company exists, mandatory fields and lengths from the definition, the
 * company's business rules, and (on create) that the key is new. Used by OData writes and by the
 * validation service alike, so both answer the same.
 */
import {
  type ScmEntityDefinition,
  type ScmFieldDefinition,
  type ScmKey,
  type ScmValidationFieldError,
  scmField,
} from "@fsi/core";
import { deriveFields } from "./inventory/system-fields";
import { type RuleLookups, evaluateRules } from "./rules/evaluate";
import { type ScmRulesFile, rulesFor } from "./rules/schema";
import { COMPANY_FIELD, type EntityTable } from "./store/entity-table";
import { EMPTY_DATE, type StoredRow, type StoredValue, emptyRow, formatScmDate, isEmptyValue } from "./store/fields";

export interface RecordCheckRequest {
  readonly entity: ScmEntityDefinition;
  /** `create` refuses an existing key; `update` merges over the stored row when there is one. */
  readonly operation: "create" | "update";
  /** The fields sent (JSON object); OData annotations (`@odata.etag`, ...) are ignored. */
  readonly input: Readonly<Record<string, unknown>>;
  /** The key from the URL (PATCH); the body may repeat it but not change it. */
  readonly fixedKey?: ScmKey;
  /** Company used when neither the key nor the body names one. */
  readonly defaultCompany: string;
}

export interface RecordCheck {
  readonly row: StoredRow;
  readonly key: ScmKey;
  readonly company: string;
  /** The stored row with the same key, before the write. */
  readonly existing: StoredRow | undefined;
  readonly errors: ScmValidationFieldError[];
  /** Create: fields with a value; update: fields whose value changes. */
  readonly changedFields: string[];
}

export class RecordChecker {
  constructor(
    private readonly tables: ReadonlyMap<string, EntityTable>,
    private readonly rules: () => ScmRulesFile,
  ) {}

  check(request: RecordCheckRequest): RecordCheck {
    const { entity } = request;
    const table = this.table(entity.collection);
    const errors: ScmValidationFieldError[] = [];
    const values = coerceFields(entity, request.input, errors);
    const company = (
      request.fixedKey?.[COMPANY_FIELD] ??
      stringOr(values[COMPANY_FIELD]) ??
      request.defaultCompany
    ).toLowerCase();
    values[COMPANY_FIELD] = company;
    if (request.fixedKey !== undefined) checkKeyUnchanged(entity, request.fixedKey, values, errors);
    const draftKey = request.fixedKey ?? keyFrom(entity, { ...emptyRow(entity), ...values });
    const existing = table.find(draftKey);
    const base = request.operation === "update" && existing !== undefined ? existing : emptyRow(entity);
    // An update keeps the stored key's spelling; keys match case-insensitively, as in F&O.
    const keySource =
      request.operation === "update" && existing !== undefined ? keyFrom(entity, existing) : request.fixedKey;
    const row: StoredRow = { ...base, ...values, ...(keySource ?? {}) };
    row[COMPANY_FIELD] = company;
    // Computed and system fields are SCM's: set before the rules and the change list see the row.
    deriveFields(entity, row, request.operation === "update" ? existing : undefined);
    const key = keyFrom(entity, row);
    const changedFields = Object.keys(entity.fields).filter((name) =>
      request.operation === "update" && existing !== undefined
        ? existing[name] !== row[name]
        : !isEmptyValue(fieldOf(entity, name), row[name]),
    );
    const result = { row, key, company, existing, errors, changedFields };

    const rules = this.rules();
    if (rules.companies[company] === undefined) {
      errors.push({
        field: COMPANY_FIELD,
        code: "invalidValue",
        message: `Company '${company}' does not exist; the companies are ${Object.keys(rules.companies).join(", ")}.`,
      });
      return result;
    }
    errors.push(...definitionErrors(entity, row));
    if (request.operation === "create" && existing !== undefined) {
      const described = entity.keys.map((name) => `${name} '${key[name] ?? ""}'`).join(", ");
      errors.push({
        field: entity.keys[entity.keys.length - 1] ?? COMPANY_FIELD,
        code: "notUnique",
        message: `A ${entity.entityName} record with ${described} already exists.`,
      });
    }
    const lookups: RuleLookups = {
      exists: (collection, field, value) => this.table(collection).hasValue(company, field, value),
      duplicateExists: (duplicateValues) => table.hasOtherWith(company, duplicateValues, key),
    };
    errors.push(...evaluateRules(rulesFor(rules, company, entity.collection), { entity, company, row, key }, lookups));
    return result;
  }

  private table(collection: string): EntityTable {
    const table = this.tables.get(collection);
    if (table === undefined) throw new Error(`No table for entity '${collection}'.`);
    return table;
  }
}

/** The definition's own constraints, which hold in every company: mandatory fields and lengths. */
function definitionErrors(entity: ScmEntityDefinition, row: StoredRow): ScmValidationFieldError[] {
  const errors: ScmValidationFieldError[] = [];
  for (const [name, field] of Object.entries(entity.fields)) {
    const value = row[name];
    if ((field.mandatory === true || entity.keys.includes(name)) && isEmptyValue(field, value)) {
      errors.push({ field: name, code: "required", message: `'${name}' must be filled in.` });
    }
    if (field.type === "String" && typeof value === "string" && value.length > field.maxLength) {
      errors.push({
        field: name,
        code: "maxLength",
        message: `'${name}' is ${value.length} characters long; the field holds at most ${field.maxLength}.`,
      });
    }
  }
  return errors;
}

function checkKeyUnchanged(
  entity: ScmEntityDefinition,
  fixedKey: ScmKey,
  values: Record<string, StoredValue>,
  errors: ScmValidationFieldError[],
): void {
  for (const name of entity.keys) {
    const sent = values[name];
    const fixed = fixedKey[name] ?? "";
    if (sent !== undefined && String(sent).toLowerCase() !== fixed.toLowerCase()) {
      errors.push({
        field: name,
        code: "invalidValue",
        message: `The key field '${name}' cannot be changed from '${fixed}' to '${String(sent)}'.`,
      });
    }
  }
}

/**
 * JSON values → stored values, per the field's type. Null clears a field to its empty value.
 * Unknown fields and values of the wrong type are `invalidValue` errors.
 */
export function coerceFields(
  entity: ScmEntityDefinition,
  input: Readonly<Record<string, unknown>>,
  errors: ScmValidationFieldError[],
): Record<string, StoredValue> {
  const values: Record<string, StoredValue> = {};
  for (const [name, raw] of Object.entries(input)) {
    if (name.startsWith("@") || name.includes("@odata.")) continue;
    const field = scmField(entity, name);
    if (field === undefined) {
      errors.push({ field: name, code: "invalidValue", message: `${entity.collection} has no field '${name}'.` });
      continue;
    }
    const coerced = coerceValue(field, raw);
    if (typeof coerced === "object")
      errors.push({ field: name, code: "invalidValue", message: `'${name}' ${coerced.problem}` });
    else values[name] = name === COMPANY_FIELD && typeof coerced === "string" ? coerced.toLowerCase() : coerced;
  }
  return values;
}

const isoDate = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function coerceValue(field: ScmFieldDefinition, raw: unknown): StoredValue | { problem: string } {
  if (raw === null) return field.type === "DateTime" ? EMPTY_DATE : emptyValueOf(field);
  switch (field.type) {
    case "String":
      if (typeof raw !== "string") return { problem: `must be text; got ${describe(raw)}.` };
      // SQLite stores UTF-8, so a lone UTF-16 surrogate would be kept as U+FFFD: a different value (and key).
      return LONE_SURROGATE.test(raw)
        ? { problem: "must be text of whole Unicode characters; it holds a lone UTF-16 surrogate." }
        : raw;
    case "Int":
      return typeof raw === "number" && Number.isInteger(raw) && Math.abs(raw) <= 2147483647
        ? raw
        : { problem: `must be a whole number; got ${describe(raw)}.` };
    case "Real":
      return typeof raw === "number" && Number.isFinite(raw)
        ? raw
        : { problem: `must be a number; got ${describe(raw)}.` };
    case "Enum": {
      const match =
        typeof raw === "string" ? field.values.find((value) => value.toLowerCase() === raw.toLowerCase()) : undefined;
      return (
        match ?? { problem: `must be one of ${field.values.join(", ")} (${field.enumName}); got ${describe(raw)}.` }
      );
    }
    case "DateTime": {
      if (typeof raw !== "string" || !isoDate.test(raw)) {
        return { problem: `must be an ISO 8601 date and time such as 2024-05-01T08:00:00Z; got ${describe(raw)}.` };
      }
      const zoned = raw.length === 10 ? `${raw}T00:00:00Z` : /(Z|[+-]\d{2}:\d{2})$/.test(raw) ? raw : `${raw}Z`;
      const date = new Date(zoned);
      return Number.isNaN(date.getTime()) ? { problem: `is not a real date: ${describe(raw)}.` } : formatScmDate(date);
    }
  }
}

function emptyValueOf(field: ScmFieldDefinition): StoredValue {
  return field.type === "String" ? "" : field.type === "Enum" ? (field.values[0] ?? "") : 0;
}

function describe(raw: unknown): string {
  if (typeof raw === "string") return `'${raw}'`;
  if (Array.isArray(raw)) return "an array";
  if (typeof raw === "number" || typeof raw === "boolean") return String(raw);
  return typeof raw === "object" ? "an object" : typeof raw;
}

function stringOr(value: StoredValue | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function keyFrom(entity: ScmEntityDefinition, row: StoredRow): ScmKey {
  return Object.fromEntries(entity.keys.map((name) => [name, String(row[name] ?? "")]));
}

function fieldOf(entity: ScmEntityDefinition, name: string): ScmFieldDefinition {
  const field = entity.fields[name];
  if (field === undefined) throw new Error(`${entity.collection} has no field '${name}'.`);
  return field;
}
