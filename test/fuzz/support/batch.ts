/**
 * `$batch` bodies for the Dataverse fuzz suite: requests and change sets (valid parts, so some
 * batches write; hostile methods, URLs, bodies and `Content-ID` references), then perhaps broken —
 * no closing delimiter, cut short, garbage, a missing or wrong content type, LF or CRLF lines.
 */
import fc from "fast-check";
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import { queryString } from "./odata";

export interface BatchRequest {
  readonly contentType: string | undefined;
  readonly body: string;
}

/** A `$batch` multipart body over `tables`: requests and change sets, then perhaps broken. */
export function batchRequest(tables: readonly TableDefinition[]): fc.Arbitrary<BatchRequest> {
  const set = fc.constantFrom(...tables.map((table) => table.entitySetName), "nosuchset", "$batch", "WhoAmI");
  const url = fc.oneof(
    {
      arbitrary: fc
        .tuple(
          set,
          fc.option(fc.constantFrom("(00000000-0000-0000-0000-000000000001)", "(x)", "('a')", "(%E0%A4%A)"), {
            nil: "",
          }),
          fc.option(queryString({ properties: ["msdyn_name", "name"] }), { nil: "" }),
        )
        .map(([name, key, query]) => `${name}${key}${query === "" ? "" : `?${query}`}`),
      weight: 5,
    },
    {
      arbitrary: fc.constantFrom(
        "$1",
        "$2",
        "$999",
        "$",
        "http://127.0.0.1/api/data/v9.2/accounts",
        "/api/data/v9.2/cdm_companies",
        "../../x",
        "*",
      ),
      weight: 2,
    },
  );
  const body = fc.oneof(
    {
      arbitrary: fc
        .record(
          {
            msdyn_name: fc.string({ maxLength: 120 }),
            name: fc.string({ maxLength: 50 }),
            cdm_name: fc.string({ maxLength: 50 }),
            cdm_companycode: fc.string({ maxLength: 6 }),
          },
          { requiredKeys: [] },
        )
        .map((value) => JSON.stringify(value)),
      weight: 3,
    },
    { arbitrary: fc.constantFrom("", "{", "null", '"$1"', "[]", '{"msdyn_company@odata.bind":"$1"}'), weight: 1 },
  );
  const hostileRequest = fc.record({
    method: fc.constantFrom("GET", "POST", "PATCH", "DELETE", "PUT", "get", "MERGE", ""),
    url,
    body,
    contentId: fc.option(fc.constantFrom("1", "2", "x", ""), { nil: undefined }),
  });
  // Parts Dataverse accepts, so some batches write (and their change sets are checked as a whole).
  const validRequest = fc.oneof(
    fc
      .constantFrom(
        "msdyn_warehouses?$top=1",
        "accounts?$select=name",
        "cdm_companies?$filter=cdm_companycode eq 'usmf'",
      )
      .map((query) => ({ method: "GET", url: query, body: "", contentId: undefined })),
    fc.tuple(fc.stringMatching(/^[a-z]{4}$/), fc.string({ minLength: 1, maxLength: 40 })).map(([code, name]) => ({
      method: "POST",
      url: "cdm_companies",
      body: JSON.stringify({ cdm_name: name, cdm_companycode: code }),
      contentId: "1",
    })),
  );
  const request = fc.oneof({ arbitrary: validRequest, weight: 2 }, { arbitrary: hostileRequest, weight: 3 });
  const renderRequest = (
    part: { method: string; url: string; body: string; contentId: string | undefined },
    eol: string,
  ) =>
    [
      "Content-Type: application/http",
      "Content-Transfer-Encoding: binary",
      ...(part.contentId === undefined ? [] : [`Content-ID: ${part.contentId}`]),
      "",
      `${part.method} ${part.url} HTTP/1.1`,
      "Content-Type: application/json",
      "",
      part.body,
    ].join(eol);
  const item = fc.oneof(
    { arbitrary: request.map((part) => ({ kind: "request" as const, part })), weight: 3 },
    {
      arbitrary: fc
        .array(request, { minLength: 1, maxLength: 3 })
        .map((parts) => ({ kind: "changeset" as const, parts })),
      weight: 1,
    },
  );
  return fc
    .record({
      boundary: fc.oneof(
        { arbitrary: fc.constant("batch_fuzz"), weight: 5 },
        { arbitrary: fc.constantFrom("", "a b", '"quoted"', "x".repeat(200), "--"), weight: 1 },
      ),
      items: fc.array(item, { minLength: 0, maxLength: 4 }),
      eol: fc.constantFrom("\r\n", "\n"),
      breakage: fc.constantFrom(
        "none",
        "none",
        "none",
        "no-close",
        "truncate",
        "garbage",
        "no-content-type",
        "wrong-content-type",
      ),
      cut: fc.nat(),
    })
    .map(({ boundary, items, eol, breakage, cut }) => {
      const lines: string[] = [];
      items.forEach((entry, index) => {
        lines.push(`--${boundary}`);
        if (entry.kind === "request") {
          lines.push(renderRequest(entry.part, eol));
          return;
        }
        const changeset = `changeset_${index}`;
        lines.push(`Content-Type: multipart/mixed; boundary=${changeset}`, "");
        for (const part of entry.parts) lines.push(`--${changeset}`, renderRequest(part, eol));
        lines.push(`--${changeset}--`);
      });
      if (breakage !== "no-close") lines.push(`--${boundary}--`, "");
      let text = lines.join(eol);
      if (breakage === "truncate") text = text.slice(0, cut % Math.max(1, text.length));
      if (breakage === "garbage")
        text = `${text.slice(0, cut % Math.max(1, text.length))}\u0000--${boundary}\r\n${text}`;
      const type =
        breakage === "no-content-type"
          ? undefined
          : breakage === "wrong-content-type"
            ? "application/json"
            : `multipart/mixed; boundary=${boundary}`;
      return { contentType: type, body: text };
    });
}
