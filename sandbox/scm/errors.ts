/**
 * Errors in finance and operations' shapes.
 *
 * OData endpoints (`/data`) answer the OData JSON error F&O sends, e.g. for a refused write:
 * `{"error":{"code":"","message":"An error has occurred.","innererror":{"message":"Write failed for
 * table row of type 'CustCustomerV3Entity'. Infolog: ...","type":"Microsoft.Dynamics.Platform.
 * Integration.Services.OData.AxODataWriteException","stacktrace":"..."}}}`. We keep that shape but
 * put a readable message and a code where F&O puts a generic one, and list field-level errors in
 * the standard OData `details` array (`{ code, target, message }`, target = the field).
 *
 * JSON custom services (`/api/services`) answer F&O's service fault shape:
 * `{"Message": ..., "ExceptionType": ..., "ActivityId": ...}`.
 */
import { randomUUID } from "node:crypto";
import type { ScmEntityDefinition, ScmKey, ScmValidationFieldError } from "../../core";
import { type ErrorRenderer, HttpError, sendJson } from "../http";
import type { ODataQueryError } from "../odata";

export const ExceptionTypes = {
  write: "Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataWriteException",
  query: "Microsoft.OData.ODataException",
  notFound: "Microsoft.OData.UriParser.ODataUnrecognizedPathException",
  service: "XppServicesException",
  platform: "System.Exception",
} as const;

interface ScmErrorDetails {
  readonly scm?: true;
  readonly exceptionType?: string;
  readonly innerMessage?: string;
  readonly fieldErrors?: readonly ScmValidationFieldError[];
  readonly info?: Readonly<Record<string, unknown>>;
}

export function scmError(
  status: number,
  code: string,
  message: string,
  details: ScmErrorDetails = {},
  headers: Readonly<Record<string, string>> = {},
): HttpError {
  return new HttpError(status, code, message, { scm: true, ...details }, headers);
}

/** A write refused by validation: every violation, field by field; nothing was written. */
export function validationFailed(entity: ScmEntityDefinition, key: ScmKey, errors: readonly ScmValidationFieldError[]): HttpError {
  const infolog = errors.map((error) => `Error: ${error.message}`).join("; ");
  const target = formatKeyPredicate(entity, key);
  return scmError(400, "ValidationFailed", `Write failed for ${entity.collection}${target}: ${errors.map((error) => error.message).join(" ")}`, {
    exceptionType: ExceptionTypes.write,
    innerMessage: `Write failed for table row of type '${entity.entityName}'. Infolog: ${infolog}`,
    fieldErrors: errors,
  });
}

export function queryError(error: ODataQueryError): HttpError {
  return scmError(400, `InvalidQuery.${error.kind}`, error.message, { exceptionType: ExceptionTypes.query, info: { ...error.info } });
}

export function notFound(message: string): HttpError {
  return scmError(404, "NotFound", message, { exceptionType: ExceptionTypes.notFound });
}

function detailsOf(error: HttpError): ScmErrorDetails {
  const details = error.details;
  return typeof details === "object" && details !== null && "scm" in details ? (details as ScmErrorDetails) : {};
}

/** Facts for machines: a query error's option and position, a JSON error's line and column. */
function infoOf(error: HttpError): unknown {
  return detailsOf(error).scm === true ? detailsOf(error).info : error.details;
}

export const renderODataError: ErrorRenderer = (error, { res }) => {
  const details = detailsOf(error);
  const fieldErrors = details.fieldErrors ?? [];
  const info = infoOf(error);
  sendJson(
    res,
    error.status,
    {
      error: {
        code: error.code,
        message: error.message,
        ...(info === undefined ? {} : { info }),
        ...(fieldErrors.length === 0
          ? {}
          : { details: fieldErrors.map((field) => ({ code: field.code, target: field.field, message: field.message })) }),
        innererror: {
          message: details.innerMessage ?? error.message,
          type: details.exceptionType ?? (error.status >= 500 ? ExceptionTypes.platform : ExceptionTypes.query),
          stacktrace: "",
        },
      },
    },
    { ...error.headers, "odata-version": "4.0" },
  );
};

export const renderServiceError: ErrorRenderer = (error, { res }) => {
  const details = detailsOf(error);
  const info = infoOf(error);
  sendJson(
    res,
    error.status,
    {
      Message: error.message,
      ExceptionType: details.exceptionType ?? ExceptionTypes.service,
      Code: error.code,
      ActivityId: randomUUID(),
      ...(info === undefined ? {} : { Info: info }),
    },
    error.headers,
  );
};

/** `(dataAreaId='usmf',WarehouseId='it''s')` — quotes doubled, as OData key syntax wants. */
export function formatKeyPredicate(entity: ScmEntityDefinition, key: ScmKey): string {
  return `(${entity.keys.map((name) => `${name}='${(key[name] ?? "").replace(/'/g, "''")}'`).join(",")})`;
}
