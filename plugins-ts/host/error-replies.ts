/** Every typed failure of the integration as the HTTP error a webhook, event or API call answers. */
import { InvalidExecutionContextError } from "../context/execution-context";
import { UnsupportedValueError } from "../context/entity-record";
import { IntegrationError } from "../integration/errors";
import { InvalidBusinessEventError } from "../plugins/scm-to-dataverse";
import { DataverseRequestError } from "../services/dataverse-request";
import { ScmRejectedError, ScmUnavailableError } from "../services/scm-client";
import { HttpError, toHttpError } from "./http/errors";

export function integrationHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof InvalidExecutionContextError || error instanceof InvalidBusinessEventError || error instanceof UnsupportedValueError) {
    return new HttpError(400, error.code, error.message);
  }
  if (error instanceof IntegrationError) {
    return new HttpError(error.status, error.code, error.message, error.issues.length > 0 ? { issues: error.issues } : undefined);
  }
  if (error instanceof ScmUnavailableError) return new HttpError(503, error.code, error.message, undefined, { "retry-after": "5" });
  if (error instanceof ScmRejectedError) return new HttpError(422, error.code, error.message, { fieldErrors: error.fieldErrors });
  if (error instanceof DataverseRequestError) {
    // Dataverse is upstream of us: unreachable → 503 (retryable), any other failure → 502.
    return error.unreachable
      ? new HttpError(503, "DATAVERSE_UNAVAILABLE", error.message, undefined, { "retry-after": "5" })
      : new HttpError(502, "DATAVERSE_ERROR", error.message);
  }
  return toHttpError(error);
}
