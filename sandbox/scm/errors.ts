/**
 * Errors in finance and operations' shapes.
 *
 * OData endpoints (`/data`) answer the OData JSON error. A refused write answers exactly what F&O
 * sends (core/scm/odata-errors.ts): code "", "An error has occurred.", and the infolog in
 * `innererror.message`, each field's failure followed by its `validateField failed on field`
 * marker — clients find the fields there, as they must against a real environment. Other errors
 * (a bad query, an unknown key) keep a readable message and a code.
 *
 * JSON custom services (`/api/services`) answer F&O's service fault shape:
 * `{"Message": ..., "ExceptionType": ..., "ActivityId": ...}`.
 */
import { randomUUID } from "node:crypto";
import { type ScmEntityDefinition, type ScmKey, type ScmValidationFieldError, scmWriteErrorBody } from "@fsi/core";
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
  /** A refused write: the entity whose infolog the body carries. */
  readonly writeEntity?: string;
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
export function validationFailed(
  entity: ScmEntityDefinition,
  key: ScmKey,
  errors: readonly ScmValidationFieldError[],
): HttpError {
  const target = formatKeyPredicate(entity, key);
  return scmError(
    400,
    "ValidationFailed",
    `Write failed for ${entity.collection}${target}: ${errors.map((error) => error.message).join(" ")}`,
    {
      exceptionType: ExceptionTypes.write,
      fieldErrors: errors,
      writeEntity: entity.physicalName,
    },
  );
}

export function queryError(error: ODataQueryError): HttpError {
  return scmError(400, `InvalidQuery.${error.kind}`, error.message, {
    exceptionType: ExceptionTypes.query,
    info: { ...error.info },
  });
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

/** The OData error reply of an error: status, headers and JSON body (also a `$batch` part's). */
export function odataErrorReply(error: HttpError): { status: number; headers: Record<string, string>; body: unknown } {
  const details = detailsOf(error);
  const headers = { ...error.headers, "odata-version": "4.0" };
  if (details.writeEntity !== undefined) {
    const entries = (details.fieldErrors ?? []).map((field) => ({
      level: "Error" as const,
      message: field.message,
      ...(field.field === "" ? {} : { field: field.field }),
    }));
    return { status: error.status, headers, body: scmWriteErrorBody(details.writeEntity, entries) };
  }
  const info = infoOf(error);
  return {
    status: error.status,
    headers,
    body: {
      error: {
        code: error.code,
        message: error.message,
        ...(info === undefined ? {} : { info }),
        innererror: {
          message: details.innerMessage ?? error.message,
          type: details.exceptionType ?? (error.status >= 500 ? ExceptionTypes.platform : ExceptionTypes.query),
          stacktrace: "",
        },
      },
    },
  };
}

export const renderODataError: ErrorRenderer = (error, { res }) => {
  const reply = odataErrorReply(error);
  sendJson(res, reply.status, reply.body, reply.headers);
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
