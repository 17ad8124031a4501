/** Every typed failure of the integration as the HTTP error a webhook, event or API call answers. */
import { InvalidExecutionContextError } from "../context/execution-context";
import { UnsupportedValueError } from "../context/entity-record";
import { IntegrationError } from "./errors";
import { InvalidDataEventError } from "./scm-data-event";
import { DataverseRequestError } from "../services/dataverse-request";
import { ScmRejectedError, ScmUnavailableError } from "../services/scm-client";
import { HttpError, toHttpError } from "../http-kit/errors";

/** Dataverse statuses that refuse the data, not the caller (400 bad value, 404 no such row, 409/412 conflicts). */
const DATA_REFUSALS: ReadonlySet<number> = new Set([400, 404, 409, 412]);

export function integrationHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (
    error instanceof InvalidExecutionContextError ||
    error instanceof InvalidDataEventError ||
    error instanceof UnsupportedValueError
  ) {
    return new HttpError(400, error.code, error.message);
  }
  if (error instanceof IntegrationError) {
    return new HttpError(
      error.status,
      error.code,
      error.message,
      error.issues.length > 0 ? { issues: error.issues } : undefined,
    );
  }
  if (error instanceof ScmUnavailableError)
    return new HttpError(503, error.code, error.message, undefined, { "retry-after": "5" });
  if (error instanceof ScmRejectedError)
    return new HttpError(422, error.code, error.message, { fieldErrors: error.fieldErrors });
  if (error instanceof DataverseRequestError) {
    // Dataverse is upstream of us: unreachable → 503 (retryable). It refusing the data the request
    // carries (a row or reference that does not exist, a duplicate key, a column rule) is the
    // caller's to fix → 422, as the inbound sync answers; anything else (Dataverse failing, refusing
    // our own credentials) → 502.
    if (error.unreachable)
      return new HttpError(503, "DATAVERSE_UNAVAILABLE", error.message, undefined, { "retry-after": "5" });
    if (DATA_REFUSALS.has(error.status)) return new HttpError(422, "DATAVERSE_REJECTED", error.message);
    return new HttpError(502, "DATAVERSE_ERROR", error.message);
  }
  return toHttpError(error);
}
