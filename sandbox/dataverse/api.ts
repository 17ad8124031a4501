/**
 * One Web API request and response, independent of `node:http`: the HTTP adapter and `$batch`
 * both turn what they receive into an `ApiRequest` and run it through the same code.
 */
import { DataverseError, asDataverseError } from "./errors";
import { HttpError } from "../http";

export interface ApiRequest {
  readonly method: string;
  /** The path after the API root (`msdyn_warehouses(…)`), still percent-encoded, no leading `/`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The API root as the client addressed it, ending with `/`: `http://host/api/data/v9.2/`. */
  readonly baseUrl: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const ODATA_HEADERS = { "odata-version": "4.0" } as const;

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): ApiResponse {
  return {
    status,
    headers: { "content-type": "application/json; odata.metadata=minimal", ...ODATA_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

export function emptyResponse(status: number, headers: Readonly<Record<string, string>> = {}): ApiResponse {
  return { status, headers: { ...ODATA_HEADERS, ...headers }, body: "" };
}

export function errorResponse(error: unknown): ApiResponse {
  const dataverseError =
    error instanceof HttpError
      ? asDataverseError(error)
      : new DataverseError(
          500,
          "0x80040216",
          `An unexpected error occurred: ${error instanceof Error ? error.message : String(error)}`,
        );
  return jsonResponse(
    dataverseError.status,
    { error: { code: dataverseError.code, message: dataverseError.message } },
    dataverseError.headers,
  );
}

export const statusText: Readonly<Record<number, string>> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  304: "Not Modified",
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  405: "Method Not Allowed",
  412: "Precondition Failed",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
};

/** Strips an absolute or root-relative API URL down to the path after the API root. */
export function relativeApiPath(url: string): string {
  const match = /\/api\/data\/v\d+\.\d+\/(.*)$/.exec(url);
  const path = match?.[1] ?? url;
  return path.replace(/^\/+/, "");
}
