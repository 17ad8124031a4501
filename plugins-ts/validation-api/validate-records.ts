/**
 * The validation API's work for one request (docs/design.md §5): Dataverse's own column checks, then
 * SCM's rules through `validateWithScm`, every problem named by its Dataverse column.
 */
import { validateRecord } from "@fsi/core/dataverse/record-validation";
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import type { ValidationIssue, ValidationRequest, ValidationResponse } from "@fsi/core/validation/contract";
import { validateWithScm } from "../integration/scm-validation";
import { mapColumns } from "../plugins/execution-row";
import type { DataverseClient } from "../services/dataverse-client";
import type { MapCatalog } from "../services/map-catalog";
import type { ScmClient } from "../services/scm-client";
import type { LookupKeyCache } from "./lookup-key-cache";

export interface ValidationApiDependencies {
  readonly dataverse: DataverseClient;
  readonly scm: ScmClient;
  readonly maps: MapCatalog;
  /** Which path asks SCM (`IntegrationSettings.scmValidation`); default `changeset`. */
  readonly scmValidation?: "changeset" | "custom-service";
  /** Natural keys of lookups' rows read recently (`lookup-key-cache.ts`); without it, each is read. */
  readonly lookupKeys?: LookupKeyCache;
}

/** Throws `ScmUnavailableError` when SCM cannot answer (the endpoint answers 503). */
export async function validateRequest(
  request: ValidationRequest,
  deps: ValidationApiDependencies,
): Promise<ValidationResponse> {
  const table = tableByLogicalName(request.table);
  const map = deps.maps.forTable(request.table);
  if (table === undefined || map === undefined) {
    return {
      valid: false,
      errors: [{ code: "invalidValue", message: `No entity map covers table ${request.table}.` }],
      warnings: [],
    };
  }
  // A form sends only the columns SCM receives, and the platform itself refuses a save that lacks one
  // of its required columns: "required" is this API's to say only for a column SCM receives (with
  // Microsoft's warehouse naming, msdyn_name is required in Dataverse but never sent). The company
  // travels as `company` (its code), so the company lookup need not be among the attributes either.
  const sentToScm = new Set(mapColumns(map).filter((column) => column !== map.company.dataverse));
  const columnIssues: ValidationIssue[] = validateRecord(table, request.attributes, {
    operation: request.operation,
  }).filter((issue) => issue.code !== "required" || sentToScm.has(issue.attribute));
  const flagged = new Set(columnIssues.map((issue) => issue.attribute));
  // A form sends only what changed; on update the stored row supplies the rest (its key, above all),
  // as the pre image does for the Validate plug-in.
  const stored =
    request.operation === "update" && request.id !== undefined
      ? await deps.dataverse.retrieve(table, request.id, mapColumns(map))
      : undefined;
  const { lookupKeys } = deps;
  const scmIssues = await validateWithScm(
    {
      map,
      operation: request.operation,
      company: request.company.toLowerCase(),
      record: { ...stored, ...request.attributes },
    },
    lookupKeys === undefined
      ? deps
      : { ...deps, resolveLookups: (dataverse, queries) => lookupKeys.resolve(dataverse, queries) },
  );
  // One message per column: Dataverse's own check (type, length) speaks first.
  const errors = [
    ...columnIssues,
    ...scmIssues.filter((issue) => issue.attribute === undefined || !flagged.has(issue.attribute)),
  ];
  return { valid: errors.length === 0, errors, warnings: [] };
}
