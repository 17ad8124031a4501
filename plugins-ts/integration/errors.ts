/**
 * Typed failures of the integration, each with a code and the HTTP status a webhook or API answers.
 * Dataverse reads only the status of a webhook reply: 2xx lets the operation go on, anything else
 * cancels it (sync steps) or fails the system job (async steps); 502/503/504 are retried once.
 */
import type { ValidationIssue } from "@fsi/core/validation/contract";

export type IntegrationErrorCode =
  | "UNMAPPED_TABLE"
  | "UNSUPPORTED_MESSAGE"
  | "INCOMPLETE_CONTEXT"
  | "VALIDATION_FAILED"
  | "MAPPING_FAILED"
  | "SCM_REJECTED"
  | "SCM_UNAVAILABLE"
  | "DATAVERSE_REJECTED"
  | "DATAVERSE_UNAVAILABLE";

const STATUS: Readonly<Record<IntegrationErrorCode, number>> = {
  UNMAPPED_TABLE: 400,
  UNSUPPORTED_MESSAGE: 400,
  INCOMPLETE_CONTEXT: 400,
  VALIDATION_FAILED: 422,
  MAPPING_FAILED: 422,
  SCM_REJECTED: 422,
  SCM_UNAVAILABLE: 503,
  DATAVERSE_REJECTED: 422,
  DATAVERSE_UNAVAILABLE: 503,
};

export class IntegrationError extends Error {
  override readonly name = "IntegrationError";
  readonly status: number;
  constructor(
    readonly code: IntegrationErrorCode,
    message: string,
    /** Field-level problems, in Dataverse column names. */
    readonly issues: readonly ValidationIssue[] = [],
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

/** One line per issue, for the log and the webhook reply. */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.attribute ?? "(row)"}: ${issue.message}`).join("; ");
}
