/**
 * Dataverse's error answers: `{"error":{"code":"0x...","message":"..."}}` with the platform's hex
 * codes. Codes and messages below were checked against Microsoft Learn, "Web service error codes"
 * (powerapps-docs `data-service-error-codes.md`) and "Troubleshoot Dataverse Web API client
 * errors", unless a comment says otherwise.
 */
import { HttpError } from "../http";

export class DataverseError extends HttpError {
  constructor(status: number, code: string, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(status, code, message, undefined, headers);
    this.name = "DataverseError";
  }
}

/** The codes this emulator answers with, by Dataverse's error name. */
export const ErrorCode = {
  /** ObjectDoesNotExist */
  ObjectDoesNotExist: "0x80040217",
  /** DuplicateRecord: "Operation failed due to a SQL integrity violation." */
  DuplicateRecord: "0x80040237",
  /** ConcurrencyVersionMismatch */
  ConcurrencyVersionMismatch: "0x80060882",
  /** A property, query option or key the OData layer cannot resolve (observed on live environments). */
  InvalidQuery: "0x80060888",
  /** "Resource not found for the segment '...'." */
  ResourceNotFound: "0x8006088a",
  /** "Error identified in Payload provided by the user for Entity ..." (observed on live environments). */
  InvalidPayload: "0x80048d19",
  /** InvalidArgument */
  InvalidArgument: "0x80040203",
  /** StringLengthTooLong (observed as "[0x80044331:StringLengthTooLong]"). */
  StringLengthTooLong: "0x80044331",
  /** IntegerValueOutOfRange */
  IntegerValueOutOfRange: "0x8004432F",
  /** InvalidUrlForODataBindProperty */
  InvalidBindUrl: "0x80090800",
  /** IsvAborted: "ISV code aborted the operation." */
  IsvAborted: "0x80040265",
  /** WebhooksNonSuccessHttpResponse */
  WebhookNonSuccess: "0x80050201",
  /** WebhooksHttpRequestTimedOut */
  WebhookTimedOut: "0x80050202",
  /** WebhooksInvalidHttpHeaders */
  WebhookInvalidHeaders: "0x80050203",
  /** WebhooksPostRequestFailed */
  WebhookPostFailed: "0x80050205",
  /** Service protection, number of requests (Learn: "Service protection API limits"). */
  RequestLimitExceeded: "0x80072322",
  /** Service protection, combined execution time (Learn: "Service protection API limits"). */
  ExecutionTimeExceeded: "0x80072321",
  /** Service protection, concurrent requests (Learn: "Service protection API limits"). */
  ConcurrencyLimitExceeded: "0x80072326",
  /**
   * A transaction chosen as a deadlock victim. **Unconfirmed**: Learn names SQL deadlocks among
   * the errors of "Scalable customization design" but documents no Web API code for them; the
   * generic SQL error code is used, kept here only.
   */
  SqlDeadlock: "0x80044150",
  /** PrivilegeDenied: "The user does not hold the necessary privileges." */
  PrivilegeDenied: "0x80040220",
  /** CommandNotSupported: "Command is not supported in offline mode." */
  NotSupportedOffline: "0x80154B52",
  /** AccessTokenExpired: "The requested resource requires authentication." */
  AuthenticationRequired: "0x8005F101",
} as const;

export function entityNotFound(logicalName: string, id: string): DataverseError {
  return new DataverseError(
    404,
    ErrorCode.ObjectDoesNotExist,
    `Entity '${logicalName}' With Id = ${id} Does Not Exist`,
  );
}

export function keyNotFound(logicalName: string): DataverseError {
  return new DataverseError(
    404,
    ErrorCode.ObjectDoesNotExist,
    `A record with the specified key values does not exist in ${logicalName} entity`,
  );
}

export function segmentNotFound(segment: string): DataverseError {
  return new DataverseError(404, ErrorCode.ResourceNotFound, `Resource not found for the segment '${segment}'.`);
}

/** The answer Learn documents for a function called with the wrong HTTP method. */
export function noHttpResource(url: string): DataverseError {
  return new DataverseError(404, "", `No HTTP resource was found that matches the request URI '${url}'.`);
}

export function unknownProperty(logicalName: string, property: string): DataverseError {
  return new DataverseError(
    400,
    ErrorCode.InvalidQuery,
    `Could not find a property named '${property}' on type 'Microsoft.Dynamics.CRM.${logicalName}'.`,
  );
}

export function badQuery(message: string): DataverseError {
  return new DataverseError(400, ErrorCode.InvalidQuery, message);
}

/** A body the OData reader refuses; Dataverse names the entity set the request was sent to. */
export function invalidPayload(entitySetName: string, detail: string): DataverseError {
  return new DataverseError(
    400,
    ErrorCode.InvalidPayload,
    `Error identified in Payload provided by the user for Entity :'${entitySetName}' ----> ${detail}`,
  );
}

export function invalidArgument(message: string): DataverseError {
  return new DataverseError(400, ErrorCode.InvalidArgument, message);
}

export function invalidKey(logicalName: string): DataverseError {
  return new DataverseError(
    400,
    ErrorCode.InvalidQuery,
    `The key in the request URI is not valid for resource 'Microsoft.Dynamics.CRM.${logicalName}'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource 'Microsoft.Dynamics.CRM.${logicalName}'.`,
  );
}

/**
 * An alternate key already taken. Dataverse answers 412 with DuplicateRecord and this sentence
 * (observed on live environments; the same sentence appears in dual-write's documented errors).
 */
export function duplicateKey(keyName: string, columns: readonly string[]): DataverseError {
  return new DataverseError(
    412,
    ErrorCode.DuplicateRecord,
    `A record that has the attribute values ${columns.join(", ")} already exists. The entity key ${keyName} requires that this set of attributes contains unique values. Select unique values and try again.`,
  );
}

export function duplicateId(): DataverseError {
  return new DataverseError(412, ErrorCode.DuplicateRecord, "A record with matching key values already exists.");
}

export function concurrencyMismatch(): DataverseError {
  return new DataverseError(
    412,
    ErrorCode.ConcurrencyVersionMismatch,
    "The version of the existing record doesn't match the RowVersion property provided.",
  );
}

export function stringTooLong(logicalName: string, column: string, maxLength: number): DataverseError {
  return new DataverseError(
    400,
    ErrorCode.StringLengthTooLong,
    `A validation error occurred. The length of the '${column}' attribute of the '${logicalName}' entity exceeded the maximum allowed length of '${maxLength}'.`,
  );
}

export function valueOutOfRange(
  logicalName: string,
  column: string,
  value: number,
  min?: number,
  max?: number,
): DataverseError {
  const code = Number.isInteger(value) ? ErrorCode.IntegerValueOutOfRange : ErrorCode.InvalidArgument;
  return new DataverseError(
    400,
    code,
    `A validation error occurred. The value ${value} of '${column}' on record of type '${logicalName}' is outside the valid range. Accepted Values: Between ${min ?? "-∞"} and ${max ?? "∞"}`,
  );
}

/** A synchronous webhook step failed; the body of the webhook's reply is never read. */
export function webhookFailed(kind: "non-success" | "timeout" | "post-failed" | "invalid-headers"): DataverseError {
  switch (kind) {
    case "non-success":
      return new DataverseError(
        400,
        ErrorCode.WebhookNonSuccess,
        "The webhook call failed because the http request received non-success httpStatus code. Please check your webhook request handler.",
      );
    case "timeout":
      return new DataverseError(
        400,
        ErrorCode.WebhookTimedOut,
        "The webhook call failed because the Http request timed out at client side. Please check your webhook request handler.",
      );
    case "invalid-headers":
      return new DataverseError(
        400,
        ErrorCode.WebhookInvalidHeaders,
        "The webhook call failed because of invalid http headers in authValue. Check if the authValue format, header names and values are valid for your Service Endpoint entity.",
      );
    case "post-failed":
      return new DataverseError(
        400,
        ErrorCode.WebhookPostFailed,
        "The webhook call failed during http post. Please check the exception for more details.",
      );
  }
}

/**
 * The pipeline's infinite-loop guard (Learn, IExecutionContext.Depth: maximum depth 8). The
 * message is the platform's; the code it travels with is unconfirmed, so the plug-in abort code
 * is used.
 */
export function depthExceeded(): DataverseError {
  return new DataverseError(
    400,
    ErrorCode.IsvAborted,
    "This workflow job was canceled because the workflow that started it included an infinite loop. Correct the workflow logic and try again.",
  );
}

export function requestLimitExceeded(limit: number, windowSeconds: number, retryAfterSeconds: number): DataverseError {
  return new DataverseError(
    429,
    ErrorCode.RequestLimitExceeded,
    `Number of requests exceeded the limit of ${limit} over time window of ${windowSeconds} seconds.`,
    { "retry-after": String(retryAfterSeconds) },
  );
}

export function executionTimeExceeded(
  limitMs: number,
  windowSeconds: number,
  retryAfterSeconds: number,
): DataverseError {
  return new DataverseError(
    429,
    ErrorCode.ExecutionTimeExceeded,
    `Combined execution time of incoming requests exceeded limit of ${limitMs.toLocaleString("en-US")} milliseconds over time window of ${windowSeconds} seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.`,
    { "retry-after": String(retryAfterSeconds) },
  );
}

export function concurrencyLimitExceeded(limit: number): DataverseError {
  return new DataverseError(
    429,
    ErrorCode.ConcurrencyLimitExceeded,
    `Number of concurrent requests exceeded the limit of ${limit}.`,
    { "retry-after": "1" },
  );
}

/** A transaction the emulator's lock manager chose to end, as SQL Server ends a deadlock victim. */
export function deadlockVictim(): DataverseError {
  return new DataverseError(
    500,
    ErrorCode.SqlDeadlock,
    "Transaction was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.",
  );
}

/** A Field Service (or other platform) plug-in refused the operation; its message reaches the caller. */
export function pluginRefused(message: string): DataverseError {
  return new DataverseError(400, ErrorCode.IsvAborted, message);
}

export function notSupportedOffline(what: string): DataverseError {
  return new DataverseError(400, ErrorCode.NotSupportedOffline, `Command is not supported in offline mode. ${what}`);
}

export function authenticationRequired(): DataverseError {
  return new DataverseError(401, ErrorCode.AuthenticationRequired, "The requested resource requires authentication.", {
    "www-authenticate": "Bearer",
  });
}

/** Maps the shared HTTP layer's generic errors (body limit, bad JSON, ...) to Dataverse's codes. */
export function asDataverseError(error: HttpError): DataverseError {
  if (error instanceof DataverseError) return error;
  switch (error.code) {
    case "INVALID_JSON":
      return new DataverseError(400, ErrorCode.InvalidPayload, error.message, error.headers);
    case "NOT_FOUND":
      return new DataverseError(404, ErrorCode.ResourceNotFound, error.message, error.headers);
    default:
      return new DataverseError(
        error.status,
        error.status >= 500 ? "0x80040216" : error.code,
        error.message,
        error.headers,
      );
  }
}
