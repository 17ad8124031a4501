/**
 * `$batch` (OData multipart/mixed; Learn, "Execute batch operations using the Web API"). Requests
 * outside change sets run one by one; a change set runs in one transaction and commits or rolls
 * back as a whole. `Content-ID` lets later requests of a change set refer to a row created earlier
 * as `$<id>` (in the URL or as an `@odata.bind` value). Processing stops at the first failure
 * unless `Prefer: odata.continue-on-error`.
 */
import { randomUUID } from "node:crypto";
import { relativeApiPath, statusText, type ApiRequest, type ApiResponse } from "./api";
import { badQuery } from "./errors";

export interface HttpPart {
  readonly contentId: string | undefined;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type BatchPart =
  | { readonly kind: "request"; readonly request: HttpPart }
  | { readonly kind: "changeset"; readonly requests: readonly HttpPart[] };

export function boundaryOf(contentType: string | undefined): string {
  const match = /boundary=("?)([^";]+)\1/i.exec(contentType ?? "");
  if (!/^multipart\/mixed/i.test(contentType?.trim() ?? "") || match?.[2] === undefined) {
    throw badQuery("A $batch request must have Content-Type multipart/mixed with a boundary.");
  }
  return match[2];
}

/** The parts between `--boundary` delimiters (the preamble and epilogue are dropped). */
function splitMultipart(body: string, boundary: string): string[] {
  const lines = body.replace(/\r\n/g, "\n").split("\n");
  const parts: string[] = [];
  let current: string[] | undefined;
  let closed = false;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === `--${boundary}--`) {
      if (current !== undefined) parts.push(current.join("\n"));
      current = undefined;
      closed = true;
      break;
    }
    if (trimmed === `--${boundary}`) {
      if (current !== undefined) parts.push(current.join("\n"));
      current = [];
      continue;
    }
    current?.push(line);
  }
  if (!closed) throw badQuery(`The multipart body has no closing delimiter '--${boundary}--'.`);
  return parts;
}

function readHeaders(lines: string[], start: number): { headers: Record<string, string>; next: number } {
  const headers: Record<string, string> = {};
  let index = start;
  for (; index < lines.length; index++) {
    const line = lines[index]?.trim() ?? "";
    if (line === "") {
      index++;
      break;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw badQuery(`The batch part header line '${line}' is not 'Name: value'.`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, next: index };
}

function parseHttpPart(text: string): HttpPart {
  const lines = text.split("\n");
  let start = 0;
  while (start < lines.length && lines[start]?.trim() === "") start++;
  const part = readHeaders(lines, start);
  if (!/^application\/http/i.test(part.headers["content-type"] ?? "")) {
    throw badQuery(
      `A batch part must have Content-Type application/http; got '${part.headers["content-type"] ?? ""}'.`,
    );
  }
  let index = part.next;
  while (index < lines.length && lines[index]?.trim() === "") index++;
  const requestLine = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/1\.[01])?$/.exec(lines[index]?.trim() ?? "");
  if (requestLine?.[1] === undefined || requestLine[2] === undefined) {
    throw badQuery(
      `A batch part must start with a request line such as 'GET accounts HTTP/1.1'; got '${lines[index] ?? ""}'.`,
    );
  }
  const request = readHeaders(lines, index + 1);
  const body = lines.slice(request.next).join("\n").trim();
  return {
    contentId: part.headers["content-id"],
    method: requestLine[1],
    url: requestLine[2],
    headers: request.headers,
    body: body === "undefined" ? "" : body,
  };
}

export function parseBatch(body: string, contentType: string | undefined): BatchPart[] {
  return splitMultipart(body, boundaryOf(contentType)).map((text): BatchPart => {
    const lines = text.split("\n");
    let start = 0;
    while (start < lines.length && lines[start]?.trim() === "") start++;
    const { headers, next } = readHeaders(lines, start);
    const contentType = headers["content-type"] ?? "";
    if (/^multipart\/mixed/i.test(contentType)) {
      const requests = splitMultipart(lines.slice(next).join("\n"), boundaryOf(contentType)).map(parseHttpPart);
      for (const request of requests) {
        if (request.method === "GET")
          throw badQuery("A change set may contain only POST, PATCH, PUT and DELETE requests.");
      }
      return { kind: "changeset", requests };
    }
    return { kind: "request", request: parseHttpPart(text) };
  });
}

/** Turns a batch part into an API request, resolving `$<Content-ID>` references. */
export function toApiRequest(part: HttpPart, outer: ApiRequest, references: ReadonlyMap<string, string>): ApiRequest {
  let url = part.url;
  const reference = /^\$([^/?]+)(.*)$/.exec(url);
  if (reference?.[1] !== undefined) {
    const target = references.get(reference[1]);
    if (target === undefined)
      throw badQuery(`The Content-ID reference '$${reference[1]}' names no earlier request of this change set.`);
    url = `${target}${reference[2] ?? ""}`;
  }
  const relative = relativeApiPath(url);
  const question = relative.indexOf("?");
  let body = part.body;
  for (const [id, target] of references) body = body.replaceAll(`"$${id}"`, JSON.stringify(`/${target}`));
  return {
    method: part.method,
    path: question === -1 ? relative : relative.slice(0, question),
    query: new URLSearchParams(question === -1 ? "" : relative.slice(question + 1)),
    headers: { ...inheritedHeaders(outer.headers), ...part.headers },
    body,
    baseUrl: outer.baseUrl,
  };
}

/** The batch request's own identity and preferences apply to its parts unless a part overrides them. */
function inheritedHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const name of ["authorization", "mscrmcallerid", "x-ms-correlation-request-id", "x-fsi-client-state"]) {
    const value = headers[name];
    if (value !== undefined) inherited[name] = value;
  }
  return inherited;
}

export interface PartResult {
  readonly contentId: string | undefined;
  readonly response: ApiResponse;
}

export type BatchResult =
  | { readonly kind: "single"; readonly result: PartResult }
  | { readonly kind: "changeset"; readonly results: readonly PartResult[] };

function writeHttpResponse(lines: string[], result: PartResult): void {
  lines.push("Content-Type: application/http", "Content-Transfer-Encoding: binary");
  if (result.contentId !== undefined) lines.push(`Content-ID: ${result.contentId}`);
  lines.push("", `HTTP/1.1 ${result.response.status} ${statusText[result.response.status] ?? ""}`.trimEnd());
  for (const [name, value] of Object.entries(result.response.headers)) lines.push(`${name}: ${value}`);
  lines.push("", result.response.body);
}

/** The multipart/mixed response body and its content type. */
export function writeBatchResponse(results: readonly BatchResult[]): { contentType: string; body: string } {
  const boundary = `batchresponse_${randomUUID()}`;
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`--${boundary}`);
    if (result.kind === "single") {
      writeHttpResponse(lines, result.result);
      continue;
    }
    const changeset = `changesetresponse_${randomUUID()}`;
    lines.push(`Content-Type: multipart/mixed; boundary=${changeset}`, "");
    for (const part of result.results) {
      lines.push(`--${changeset}`);
      writeHttpResponse(lines, part);
    }
    lines.push(`--${changeset}--`);
  }
  lines.push(`--${boundary}--`, "");
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: lines.join("\r\n") };
}
