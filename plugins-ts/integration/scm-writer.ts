/**
 * Writes a mapped row to SCM idempotently: read the row by its key, create it when absent, else
 * PATCH only the fields whose value differs — so a redelivered change writes nothing (and raises
 * no business event) the second time.
 */
import type { ScmEntityDefinition, ScmFieldDefinition, ScmKey, ScmRow } from "@fsi/core/scm/schema";
import { type ScmClient, ScmRejectedError } from "../services/scm-client";

export type ScmWriteOutcome = "created" | "updated" | "unchanged" | "deleted" | "absent";

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

type ScmValue = ScmRow[string];

/**
 * F&O fields have no null: an empty text reads back as "", an empty number as 0, an empty date
 * as 1900-01-01, an empty enum as its first value. Comparing through this avoids rewriting a
 * field SCM already holds "empty".
 */
function asStored(field: ScmFieldDefinition | undefined, value: ScmValue | undefined): ScmValue {
  if (value !== null && value !== undefined && value !== "") return value;
  switch (field?.type) {
    case "Int":
    case "Real":
      return 0;
    case "Enum":
      return field.values[0] ?? "";
    case "DateTime":
      return "1900-01-01T00:00:00Z";
    default:
      return "";
  }
}

/** Equal as SCM stores them: empty values as above, dates compared as instants (`...Z` and `....000Z`). */
export function sameScmValue(
  field: ScmFieldDefinition | undefined,
  a: ScmValue | undefined,
  b: ScmValue | undefined,
): boolean {
  const left = asStored(field, a);
  const right = asStored(field, b);
  if (left === right) return true;
  return (
    typeof left === "string" &&
    typeof right === "string" &&
    ISO_DATE_TIME.test(left) &&
    ISO_DATE_TIME.test(right) &&
    Date.parse(left) === Date.parse(right)
  );
}

/** The fields of `row` whose value differs from `current`. */
export function changedFields(entity: ScmEntityDefinition, row: Readonly<ScmRow>, current: Readonly<ScmRow>): ScmRow {
  const changes: ScmRow = {};
  for (const [field, value] of Object.entries(row)) {
    if (!sameScmValue(entity.fields[field], value, current[field])) changes[field] = value;
  }
  return changes;
}

/**
 * A create SCM refused although the row was absent a moment before, and that now finds a row under
 * its key with other values: the row is someone else's (created in SCM meanwhile), or an earlier
 * attempt of this write was applied and changed since. Either way the refusal stands, and the
 * caller reconciles the row instead of assuming SCM has nothing.
 */
export class ScmCreateConflictError extends ScmRejectedError {
  constructor(refusal: ScmRejectedError) {
    super(
      `${refusal.message} (SCM now holds a row under this key with other values)`,
      refusal.status,
      refusal.fieldErrors,
    );
  }
}

function nonKeyChanges(entity: ScmEntityDefinition, row: Readonly<ScmRow>, current: Readonly<ScmRow>): ScmRow {
  const keyFields = new Set(entity.keys);
  return Object.fromEntries(
    Object.entries(changedFields(entity, row, current)).filter(([field]) => !keyFields.has(field)),
  );
}

/**
 * Creates the row, idempotently. A create whose reply was lost is applied by SCM all the same: the
 * client's retry (or Dataverse's, of the whole step) then meets a duplicate key. So a refused create
 * looks again: a row with our values under the key is this write, applied — success.
 */
async function createScmRow(
  scm: ScmClient,
  entity: ScmEntityDefinition,
  key: ScmKey,
  row: Readonly<ScmRow>,
): Promise<ScmWriteOutcome> {
  try {
    await scm.createRow(entity, row);
    return "created";
  } catch (error) {
    if (!(error instanceof ScmRejectedError)) throw error;
    const now = await scm.getRow(entity, key);
    if (now === undefined) throw error;
    if (Object.keys(nonKeyChanges(entity, row, now)).length === 0) return "created";
    throw new ScmCreateConflictError(error);
  }
}

/**
 * Makes SCM's row hold `row`: creates it when absent, else updates the fields that differ — only
 * among `fields` when given (an update of some columns must leave SCM's other fields as they are).
 */
export async function upsertScmRow(
  scm: ScmClient,
  entity: ScmEntityDefinition,
  key: ScmKey,
  row: Readonly<ScmRow>,
  fields?: readonly string[],
): Promise<ScmWriteOutcome> {
  const current = await scm.getRow(entity, key);
  if (current === undefined) return createScmRow(scm, entity, key, row);
  const differing = nonKeyChanges(entity, row, current);
  const changes =
    fields === undefined
      ? differing
      : Object.fromEntries(Object.entries(differing).filter(([field]) => fields.includes(field)));
  if (Object.keys(changes).length === 0) return "unchanged";
  await scm.updateRow(entity, key, changes);
  return "updated";
}

export async function deleteScmRow(scm: ScmClient, entity: ScmEntityDefinition, key: ScmKey): Promise<ScmWriteOutcome> {
  return (await scm.deleteRow(entity, key)) ? "deleted" : "absent";
}
