/**
 * Validates a Dataverse record against SCM's business logic: map it to an SCM row with core, let
 * SCM check it without writing, and name each problem by its Dataverse column. By default SCM
 * checks the write inside a `$batch` changeset that it rolls back (`ScmClient.validateInChangeset`,
 * standard OData); the FsiValidationService custom service is used only when configured. Shared by
 * the Validate plug-in (server-side enforcement) and the validation API (the form's pre-save
 * check), so both refuse exactly the same records.
 */
import type { DataverseRecord } from "@fsi/core/dataverse/record";
import type { EntityMap } from "@fsi/core/maps/template-schema";
import { scmLookups, type ScmLookupQuery } from "@fsi/core/maps/lookups";
import { toScmRow } from "@fsi/core/maps/to-scm";
import { scmEntityByCollection } from "@fsi/core/scm/entities";
import type { ScmFieldError } from "@fsi/core/maps/scm-errors";
import type { ScmRow } from "@fsi/core/scm/schema";
import { scmErrorsToDataverse } from "@fsi/core/maps/scm-errors";
import type { ValidationIssue } from "@fsi/core/validation/contract";
import type { DataverseClient } from "../services/dataverse-client";
import { type ScmClient, ScmUnavailableError, keyOf } from "../services/scm-client";
import type { IntegrationSettings } from "./settings";
import { resolveScmLookups, type ScmLookupResolution } from "./lookup-resolver";

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
  /** Which path asks SCM; default `changeset`. */
  readonly scmValidation?: IntegrationSettings["scmValidation"];
  /** How lookups find the referenced rows' natural keys; default one Dataverse read each. */
  readonly resolveLookups?: (
    dataverse: DataverseClient,
    queries: readonly ScmLookupQuery[],
  ) => Promise<ScmLookupResolution>;
}

/**
 * Every problem with the record, in Dataverse column names; empty when SCM would accept it.
 * Throws `ScmUnavailableError` when SCM cannot answer (the caller applies its policy).
 */
export async function validateWithScm(
  input: RecordToValidate,
  deps: ScmValidationDependencies,
): Promise<ValidationIssue[]> {
  const { map, record } = input;
  const lookups = await (deps.resolveLookups ?? resolveScmLookups)(deps.dataverse, scmLookups(map, record));
  const mapped = toScmRow(record, map, input.company, lookups.answers);
  const issues: ValidationIssue[] = [
    ...lookups.missing.map(
      (query): ValidationIssue => ({
        attribute: query.column,
        code: "referenceNotFound",
        message: `The ${query.reference.logicalName} row ${query.reference.id} does not exist in Dataverse or has no ${query.keyColumn}.`,
      }),
    ),
    ...mapped.issues.map(
      (issue): ValidationIssue => ({
        ...(issue.attribute === undefined ? {} : { attribute: issue.attribute }),
        code: issue.code,
        message: issue.message,
      }),
    ),
  ];
  const errors = await askScm(input.operation, map, mapped.row, deps);
  const flagged = new Set(issues.map((issue) => issue.attribute));
  for (const error of scmErrorsToDataverse(errors, map)) {
    // A value core could not map was left out of the row; SCM's "required" about it adds nothing.
    if (error.attribute !== undefined && flagged.has(error.attribute)) continue;
    issues.push(error);
  }
  return issues;
}

async function askScm(
  operation: "create" | "update",
  map: EntityMap,
  row: ScmRow,
  deps: ScmValidationDependencies,
): Promise<readonly ScmFieldError[]> {
  if (deps.scmValidation === "custom-service") {
    return (await deps.scm.validate({ entity: map.scmCollection, operation, record: row })).errors;
  }
  const entity = scmEntityByCollection(map.scmCollection);
  if (entity === undefined)
    throw new ScmUnavailableError(
      `Map ${map.name} names SCM entity ${map.scmCollection}, which core does not define.`,
      0,
    );
  const key = keyOf(entity, row);
  // Without its key SCM cannot address the row; SCM's own "must be filled in" comes from the create.
  return (await deps.scm.validateInChangeset(entity, key === undefined ? "create" : operation, key ?? {}, row)).errors;
}
