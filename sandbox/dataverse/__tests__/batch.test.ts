import { createCompany, startApi, TOKEN, type TestApi } from "./helpers";

interface Part {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Reads every `HTTP/1.1 <status>` response out of a multipart batch response, in order. */
function responses(text: string): Part[] {
  const parts: Part[] = [];
  const pattern = /HTTP\/1\.1 (\d{3})[^\r\n]*\r\n((?:[^\r\n]+\r\n)*)\r\n([^\r\n]*)/g;
  for (const match of text.matchAll(pattern)) {
    const headers: Record<string, string> = {};
    for (const line of (match[2] ?? "").split("\r\n").filter((header) => header !== "")) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ status: Number(match[1]), headers, body: match[3] ?? "" });
  }
  return parts;
}

function request(method: string, url: string, body?: unknown, contentId?: string): string[] {
  return [
    "Content-Type: application/http",
    "Content-Transfer-Encoding: binary",
    ...(contentId === undefined ? [] : [`Content-ID: ${contentId}`]),
    "",
    `${method} ${url} HTTP/1.1`,
    "Content-Type: application/json;type=entry",
    "",
    body === undefined ? "" : JSON.stringify(body),
  ];
}

function batchBody(
  parts: ({ kind: "single"; lines: string[] } | { kind: "changeset"; requests: string[][] })[],
): string {
  const lines: string[] = [];
  for (const part of parts) {
    lines.push("--batch_AAA");
    if (part.kind === "single") {
      lines.push(...part.lines);
      continue;
    }
    lines.push("Content-Type: multipart/mixed; boundary=changeset_BBB", "");
    for (const item of part.requests) lines.push("--changeset_BBB", ...item);
    lines.push("--changeset_BBB--");
  }
  lines.push("--batch_AAA--", "");
  return lines.join("\r\n");
}

describe("Dataverse emulator: $batch", () => {
  let api: TestApi;
  let company: string;

  beforeAll(async () => {
    api = await startApi();
    company = await createCompany(api);
  });
  afterAll(() => api.close());

  const send = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${api.server.apiUrl}$batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "multipart/mixed; boundary=batch_AAA", ...headers },
      body,
    });

  it("runs reads and a change set whose later requests refer to earlier ones by Content-ID", async () => {
    const body = batchBody([
      { kind: "single", lines: request("GET", `${api.server.apiUrl}cdm_companies?$select=cdm_companycode`) },
      {
        kind: "changeset",
        requests: [
          request(
            "POST",
            "/api/data/v9.2/msdyn_operationalsites",
            { msdyn_name: "Site 1", msdyn_siteid: "S1", "msdyn_company@odata.bind": `/cdm_companies(${company})` },
            "1",
          ),
          request(
            "POST",
            "msdyn_warehouses",
            {
              msdyn_name: "Batch W",
              msdyn_warehouseidentifier: "BW",
              "msdyn_company@odata.bind": `/cdm_companies(${company})`,
              "msdyn_operationalsite@odata.bind": "$1",
            },
            "2",
          ),
          request("PATCH", "$2", { msdyn_description: "patched through $2" }, "3"),
        ],
      },
    ]);
    const response = await send(body);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^multipart\/mixed; boundary=batchresponse_/);
    const text = await response.text();
    const parts = responses(text);
    expect(parts.map((part) => part.status)).toEqual([200, 204, 204, 204]);
    expect(JSON.parse(parts[0]!.body)).toMatchObject({ value: [{ cdm_companycode: "usmf" }] });
    expect(text).toContain("Content-ID: 2");
    const site = /\(([0-9a-f-]{36})\)$/.exec(parts[1]!.headers["odata-entityid"] ?? "")?.[1];
    const warehouse = (await api.call("msdyn_warehouses?$filter=msdyn_warehouseidentifier eq 'BW'")).json.value?.[0];
    expect(warehouse).toMatchObject({ _msdyn_operationalsite_value: site, msdyn_description: "patched through $2" });
  });

  it("rolls a whole change set back when one of its requests fails, and stops there", async () => {
    const body = batchBody([
      {
        kind: "changeset",
        requests: [
          request(
            "POST",
            "msdyn_shipvias",
            { msdyn_name: "AIR", "msdyn_company@odata.bind": `/cdm_companies(${company})` },
            "1",
          ),
          request(
            "POST",
            "msdyn_shipvias",
            { msdyn_description: "no name", "msdyn_company@odata.bind": `/cdm_companies(${company})` },
            "2",
          ),
        ],
      },
      {
        kind: "single",
        lines: request("POST", "msdyn_shipvias", {
          msdyn_name: "SEA",
          "msdyn_company@odata.bind": `/cdm_companies(${company})`,
        }),
      },
    ]);
    const response = await send(body);
    expect(response.status).toBe(400);
    const parts = responses(await response.text());
    expect(parts).toHaveLength(1);
    expect(parts[0]!.status).toBe(400);
    expect(JSON.parse(parts[0]!.body)).toMatchObject({ error: { code: "0x80040203" } });
    expect((await api.call("msdyn_shipvias?$select=msdyn_name")).json.value).toEqual([]);
  });

  it("goes on after a failure when Prefer: odata.continue-on-error", async () => {
    const body = batchBody([
      { kind: "single", lines: request("GET", "msdyn_nowhere") },
      {
        kind: "single",
        lines: request("POST", "msdyn_shipvias", {
          msdyn_name: "RAIL",
          "msdyn_company@odata.bind": `/cdm_companies(${company})`,
        }),
      },
    ]);
    const response = await send(body, { prefer: "odata.continue-on-error" });
    expect(response.status).toBe(200);
    expect(responses(await response.text()).map((part) => part.status)).toEqual([404, 204]);
    expect((await api.call("msdyn_shipvias?$select=msdyn_name")).json.value).toEqual([
      expect.objectContaining({ msdyn_name: "RAIL" }),
    ]);
  });

  it("answers a malformed batch with 400 and says why", async () => {
    const noBoundary = await fetch(`${api.server.apiUrl}$batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(noBoundary.status).toBe(400);
    expect(((await noBoundary.json()) as { error: { message: string } }).error.message).toContain(
      "multipart/mixed with a boundary",
    );
    const unclosed = await send("--batch_AAA\r\nContent-Type: application/http\r\n\r\nGET accounts HTTP/1.1\r\n\r\n");
    expect(unclosed.status).toBe(400);
    const getInChangeSet = await send(
      batchBody([{ kind: "changeset", requests: [request("GET", "cdm_companies", undefined, "1")] }]),
    );
    expect(getInChangeSet.status).toBe(400);
    const unknownReference = await send(
      batchBody([{ kind: "changeset", requests: [request("PATCH", "$9", { msdyn_name: "x" }, "1")] }]),
    );
    expect(unknownReference.status).toBe(400);
    expect(await unknownReference.text()).toContain("names no earlier request");
  });
});
