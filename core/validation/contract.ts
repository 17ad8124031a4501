/**
 * The validation API contract (docs/design.md §5) as zod schemas, shared by the form scripts (client)
 * and the plug-in host (server) so both sides refuse the same malformed payloads.
 *
 * `POST /plugins/validate` takes a `ValidationRequest` or a `ValidationBatchRequest` and answers a
 * `ValidationResponse` or a `ValidationBatchResponse` (results in request order).
 */
import { z } from "zod";
import { integrationTableNames } from "../dataverse/tables";
import { validationIssueCodes } from "./codes";

/** Largest batch the API accepts; a bigger one is refused with a 400 before any work is done. */
export const MAX_VALIDATION_BATCH_SIZE = 100;

/** Dataverse logical names are lower-case ASCII with underscores (`msdyn_name`). */
const logicalName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/, "must be a Dataverse logical name (lower-case letters, digits, _)");

export const entityReferenceSchema = z.strictObject({
  id: z.guid("must be a GUID"),
  logicalName,
  name: z.string().optional(),
});

/** A column value in the Dataverse shape: scalar, null (cleared) or a lookup reference. */
export const attributeValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null(), entityReferenceSchema], {
  error: "must be text, a number, true/false, null or a reference { id, logicalName, name? }",
});

export const validationRequestSchema = z.strictObject({
  table: z.enum(integrationTableNames),
  operation: z.enum(["create", "update"]),
  /** The row's id when it has one (always on update); lets uniqueness checks skip the row itself. */
  id: z.guid("must be a GUID").optional(),
  /** SCM data area id (`usmf`): 1 to 4 characters, as `cdm_companycode`. */
  company: z.string().min(1).max(4),
  attributes: z.record(logicalName, attributeValueSchema),
});

export const validationBatchRequestSchema = z.strictObject({
  requests: z.array(validationRequestSchema).min(1).max(MAX_VALIDATION_BATCH_SIZE),
});

export const validationIssueSchema = z.object({
  /** The Dataverse column the issue is about; absent for row-level issues (SCM unreachable). */
  attribute: z.string().optional(),
  code: z.enum(validationIssueCodes),
  message: z.string(),
});

export const validationResponseSchema = z.object({
  valid: z.boolean(),
  errors: z.array(validationIssueSchema),
  warnings: z.array(validationIssueSchema),
});

export const validationBatchResponseSchema = z.object({
  results: z.array(validationResponseSchema),
});

export type AttributeValue = z.infer<typeof attributeValueSchema>;
export type ValidationRequest = z.infer<typeof validationRequestSchema>;
export type ValidationBatchRequest = z.infer<typeof validationBatchRequestSchema>;
export type ValidationIssue = z.infer<typeof validationIssueSchema>;
export type ValidationResponse = z.infer<typeof validationResponseSchema>;
export type ValidationBatchResponse = z.infer<typeof validationBatchResponseSchema>;

/**
 * Tells a batch body from a single request, so a server can parse either with the right schema
 * and name the right paths in its 400.
 */
export function isBatchRequestBody(body: unknown): body is { requests: unknown } {
  return typeof body === "object" && body !== null && !Array.isArray(body) && "requests" in body;
}
