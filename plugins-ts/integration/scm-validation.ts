/**
 * Validates a Dataverse record against SCM's business rules: map it to an SCM row with core, ask
 * SCM's validation service, and name each problem by its Dataverse column. Shared by the Validate
 * plug-in (server-side enforcement) and the validation API (the form's pre-save check), so both
 * refuse exactly the same records.
 */
import type { DataverseRecord } from "../../core/dataverse/record";
import type { EntityMap } from "../../core/maps/template-schema";
import { scmLookups } from "../../core/maps/lookups";
import { toScmRow } from "../../core/maps/to-scm";
import { scmErrorsToDataverse } from "../../core/maps/scm-errors";
import type { ValidationIssue } from "../../core/validation/contract";
import type { DataverseClient } from "../services/dataverse-client";
import type { ScmClient } from "../services/scm-client";
import { resolveScmLookups } from "./lookup-resolver";

export interface RecordToValidate {
  readonly map: EntityMap;
  readonly operation: "create" | "update";
  /** The company code (SCM data area id). */
  readonly company: string;
  /** For an update, the row as it will be (pre image overlaid with the changes) or only the changes. */
  readonly record: Readonly<DataverseRecord>;
}

export interface ScmValidationDependencies {
  readonly dataverse: DataverseClient;
  readonly scm: ScmClient;
}

/**
 * Every problem with the record, in Dataverse column names; empty when SCM would accept it.
 * Throws `ScmUnavailableError` when SCM cannot answer (the caller applies its policy).
 */
export async function validateWithScm(input: RecordToValidate, deps: ScmValidationDependencies): Promise<ValidationIssue[]> {
  const { map, record } = input;
  const lookups = await resolveScmLookups(deps.dataverse, scmLookups(map, record));
  const mapped = toScmRow(record, map, input.company, lookups.answers);
  const issues: ValidationIssue[] = [
    ...lookups.missing.map(
      (query): ValidationIssue => ({
        attribute: query.column,
        code: "referenceNotFound",
        message: `The ${query.reference.logicalName} row ${query.reference.id} does not exist in Dataverse or has no ${query.keyColumn}.`,
      }),
    ),
    ...mapped.issues.map((issue): ValidationIssue => ({ ...(issue.attribute === undefined ? {} : { attribute: issue.attribute }), code: issue.code, message: issue.message })),
  ];
  const reply = await deps.scm.validate({ entity: map.scmCollection, operation: input.operation, record: mapped.row });
  const flagged = new Set(issues.map((issue) => issue.attribute));
  for (const error of scmErrorsToDataverse(reply.errors, map)) {
    // A value core could not map was left out of the row; SCM's "required" about it adds nothing.
    if (error.attribute !== undefined && flagged.has(error.attribute)) continue;
    issues.push(error);
  }
  return issues;
}
