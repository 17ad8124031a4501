/**
 * OData v4 multipart `$batch` bodies (OData 4.0 Part 1, "Batch Requests"), written and read by both
 * the SCM client and the SCM emulator. Finance and operations supports batch requests and runs each
 * changeset as one atomic unit: "either all the requests are run successfully or, if any request
 * fails, none of the requests are run successfully" (UO
 * `articles/fin-ops-core/dev-itpro/data-entities/odata.md`, "Run multiple requests in a single
 * transaction").
 *
 * A batch reply is `200` even when a part failed: every part's own status must be read. A failed
 * changeset answers one response, the failing request's (OData 4.0: "a single response for the
 * change set"), carrying that request's `Content-ID`.
 */

export interface BatchRequest {
  readonly method: string;
  /** Relative to the service root (`Warehouses`, `Warehouses(dataAreaId='usmf',WarehouseId='11')`). */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON text, for POST and PATCH. */
  readonly body?: string;
  /** Names the request in a changeset; its response carries the same id. */
  readonly contentId?: string;
}

export type BatchRequestItem =
  | { readonly kind: "changeset"; readonly requests: readonly BatchRequest[] }
  | { readonly kind: "request"; readonly request: BatchRequest };

export interface BatchResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly contentId?: string;
}

export type BatchResponseItem =
  | { readonly kind: "changeset"; readonly responses: readonly BatchResponse[] }
  | { readonly kind: "response"; readonly response: BatchResponse };

export class BatchFormatError extends Error {
  override readonly name = "BatchFormatError";
}

const CRLF = "\r\n";
const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Payload Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
};

export function newBoundary(prefix: string): string {
  return `${prefix}_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
}

export function formatBatchRequest(
  items: readonly BatchRequestItem[],
  boundary = newBoundary("batch"),
): { contentType: string; body: string } {
  const parts = items.map((item) => {
    if (item.kind === "request") return httpPart(requestText(item.request), item.request.contentId);
    const changeset = newBoundary("changeset");
    const inner = item.requests.map((request) => httpPart(requestText(request), request.contentId));
    return `Content-Type: multipart/mixed; boundary=${changeset}${CRLF}${CRLF}${multipart(inner, changeset)}`;
  });
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: multipart(parts, boundary) };
}

export function formatBatchResponse(
  items: readonly BatchResponseItem[],
  boundary = newBoundary("batchresponse"),
): { contentType: string; body: string } {
  const parts = items.map((item) => {
    if (item.kind === "response") return httpPart(responseText(item.response), item.response.contentId);
    const changeset = newBoundary("changesetresponse");
    const inner = item.responses.map((response) => httpPart(responseText(response), response.contentId));
    return `Content-Type: multipart/mixed; boundary=${changeset}${CRLF}${CRLF}${multipart(inner, changeset)}`;
  });
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: multipart(parts, boundary) };
}

export function parseBatchRequest(contentType: string | undefined, body: string): BatchRequestItem[] {
  return splitMultipart(contentType, body).map((part): BatchRequestItem => {
    const nested = boundaryOf(part.headers["content-type"]);
    if (nested !== undefined) {
      const requests = splitMultipart(part.headers["content-type"], part.body).map((inner) => {
        const request = parseRequestText(inner.body, inner.headers["content-id"]);
        if (request.method === "GET")
          throw new BatchFormatError(
            "A changeset may hold only POST, PATCH, PUT and DELETE requests; send GET outside a changeset.",
          );
        return request;
      });
      if (requests.length === 0) throw new BatchFormatError("A changeset must hold at least one request.");
      return { kind: "changeset", requests };
    }
    return { kind: "request", request: parseRequestText(part.body, part.headers["content-id"]) };
  });
}

export function parseBatchResponse(contentType: string | undefined, body: string): BatchResponseItem[] {
  return splitMultipart(contentType, body).map((part): BatchResponseItem => {
    const nested = boundaryOf(part.headers["content-type"]);
    if (nested !== undefined) {
      return {
        kind: "changeset",
        responses: splitMultipart(part.headers["content-type"], part.body).map((inner) =>
          parseResponseText(inner.body, inner.headers["content-id"]),
        ),
      };
    }
    return { kind: "response", response: parseResponseText(part.body, part.headers["content-id"]) };
  });
}

function requestText(request: BatchRequest): string {
  const headers = { ...(request.body === undefined ? {} : { "Content-Type": "application/json" }), ...request.headers };
  return `${request.method} ${request.url} HTTP/1.1${CRLF}${headerLines(headers)}${CRLF}${request.body ?? ""}`;
}

function responseText(response: BatchResponse): string {
  return `HTTP/1.1 ${response.status} ${STATUS_TEXT[response.status] ?? "Status"}${CRLF}${headerLines(response.headers)}${CRLF}${response.body}`;
}

function headerLines(headers: Readonly<Record<string, string>>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}${CRLF}`)
    .join("");
}

function httpPart(text: string, contentId: string | undefined): string {
  const id = contentId === undefined ? "" : `Content-ID: ${contentId}${CRLF}`;
  return `Content-Type: application/http${CRLF}Content-Transfer-Encoding: binary${CRLF}${id}${CRLF}${text}`;
}

function multipart(parts: readonly string[], boundary: string): string {
  return `${parts.map((part) => `--${boundary}${CRLF}${part}${CRLF}`).join("")}--${boundary}--${CRLF}`;
}

function boundaryOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !/^\s*multipart\/mixed\s*;/i.test(contentType)) return undefined;
  const match = /boundary\s*=\s*("([^"]+)"|[^;\s]+)/i.exec(contentType);
  return match?.[2] ?? match?.[1];
}

interface Part {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

function splitMultipart(contentType: string | undefined, body: string): Part[] {
  const boundary = boundaryOf(contentType);
  if (boundary === undefined)
    throw new BatchFormatError(
      `A batch must be multipart/mixed with a boundary; got '${contentType ?? "no content type"}'.`,
    );
  const text = body.replace(/\r?\n/g, CRLF);
  const delimiter = `--${boundary}`;
  const end = text.indexOf(`${delimiter}--`);
  if (end === -1) throw new BatchFormatError(`The batch does not end with its closing boundary '${delimiter}--'.`);
  const segments = text.slice(0, end).split(delimiter).slice(1);
  return segments.map((segment) => {
    const content = segment.startsWith(CRLF) ? segment.slice(CRLF.length) : segment;
    const trimmed = content.endsWith(CRLF) ? content.slice(0, -CRLF.length) : content;
    return splitHead(trimmed);
  });
}

function splitHead(text: string): Part {
  // No header lines: the blank line comes first.
  if (text.startsWith(CRLF)) return { headers: {}, body: text.slice(CRLF.length) };
  const gap = text.indexOf(CRLF + CRLF);
  const head = gap === -1 ? text : text.slice(0, gap);
  const body = gap === -1 ? "" : text.slice(gap + 2 * CRLF.length);
  const headers: Record<string, string> = {};
  for (const line of head.split(CRLF)) {
    if (line.trim() === "") continue;
    const colon = line.indexOf(":");
    if (colon === -1) throw new BatchFormatError(`'${line}' is not a header line.`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function parseRequestText(text: string, contentId: string | undefined): BatchRequest {
  const lineEnd = text.indexOf(CRLF);
  const requestLine = lineEnd === -1 ? text : text.slice(0, lineEnd);
  const match = /^(GET|POST|PATCH|PUT|DELETE) (\S+) HTTP\/1\.1$/.exec(requestLine.trim());
  if (match?.[1] === undefined || match[2] === undefined)
    throw new BatchFormatError(`'${requestLine}' is not a request line (METHOD url HTTP/1.1).`);
  const rest = splitHead(lineEnd === -1 ? "" : text.slice(lineEnd + CRLF.length));
  const body = rest.body.trim();
  return {
    method: match[1],
    url: match[2],
    headers: rest.headers,
    ...(body === "" ? {} : { body }),
    ...(contentId === undefined ? {} : { contentId }),
  };
}

function parseResponseText(text: string, contentId: string | undefined): BatchResponse {
  const lineEnd = text.indexOf(CRLF);
  const statusLine = lineEnd === -1 ? text : text.slice(0, lineEnd);
  const match = /^HTTP\/1\.1 (\d{3})/.exec(statusLine.trim());
  if (match?.[1] === undefined) throw new BatchFormatError(`'${statusLine}' is not a status line.`);
  const rest = splitHead(lineEnd === -1 ? "" : text.slice(lineEnd + CRLF.length));
  return {
    status: Number(match[1]),
    headers: rest.headers,
    body: rest.body.trim(),
    ...(contentId === undefined ? {} : { contentId }),
  };
}
