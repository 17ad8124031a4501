/**
 * Contract of the SCM validation custom service (docs/design.md §5):
 * `POST /api/services/FsiIntegrationServices/FsiValidationService/validate`.
 *
 * Finance and operations JSON custom services take the X++ method's parameters by name, so the
 * body is `{ "_request": <data contract> }` (learn.microsoft.com, "Custom service development":
 * https://<host>/api/services/<group>/<service>/<operation>). The service checks a record against
 * the company's business rules — the same rules every OData write is checked against — writes
 * nothing, and answers every violation at once.
 */
import { z } from "zod";
import type { ValidationIssueCode } from "../validation/codes";

export const SCM_VALIDATION_SERVICE_PATH = "/api/services/FsiIntegrationServices/FsiValidationService/validate";

/** The codes of SCM rule violations: a subset of the validation API's codes, same spelling. */
export const scmRuleViolationCodes = [
  "required",
  "maxLength",
  "pattern",
  "range",
  "allowedValues",
  "referenceNotFound",
  "notUnique",
  "crossField",
  "invalidValue",
] as const satisfies readonly ValidationIssueCode[];

export type ScmRuleViolationCode = (typeof scmRuleViolationCodes)[number];

/** An SCM field value as F&O OData carries it: text (also enums and dates), number, NoYes as text. */
export const scmFieldValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const scmValidationRequestSchema = z.strictObject({
  _request: z.strictObject({
    /** OData collection name of the entity (`Warehouses`). */
    entity: z.string().min(1),
    /**
     * `create`: the record must be new (its key must not exist). `update`: the record is merged
     * over the stored row with the same key, when there is one, and the result is checked (so a
     * partial record validates as the row it would produce); with no stored row it is checked as
     * given, as an upsert would write it.
     */
    operation: z.enum(["create", "update"]),
    /** SCM fields, including `dataAreaId` (the company; the caller's default company when absent). */
    record: z.record(z.string(), scmFieldValueSchema),
  }),
});

export const scmFieldErrorSchema = z.object({
  /** The SCM field the violation is about (`OperationalSiteId`). */
  field: z.string(),
  code: z.enum(scmRuleViolationCodes),
  message: z.string(),
});

export const scmValidationResponseSchema = z.object({
  valid: z.boolean(),
  errors: z.array(scmFieldErrorSchema),
});

export type ScmFieldValue = z.infer<typeof scmFieldValueSchema>;
export type ScmValidationRequest = z.infer<typeof scmValidationRequestSchema>;
export type ScmValidationFieldError = z.infer<typeof scmFieldErrorSchema>;
export type ScmValidationResponse = z.infer<typeof scmValidationResponseSchema>;
