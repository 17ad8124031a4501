/**
 * The failures the fuzz suites found, each kept as one plain example (see README.md, "Bugs found").
 * Each test fails on the code as it was before its fix.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateRecord } from "@fsi/core/dataverse/record-validation";
import { productInventory, warehouse } from "@fsi/core/dataverse/tables";
import { mapByName } from "@fsi/core/maps/built-in";
import { MapTemplateError, parseMapTemplate } from "@fsi/core/maps/parse-template";
import { InvalidExecutionContextError, parseExecutionContext } from "@fsi/plugins/context/execution-context";
import { warehouseCreateContext } from "@fsi/plugins/__tests__/support/contexts";
import { integrationHttpError } from "@fsi/plugins/integration/error-replies";
import { parseJsonBody } from "@fsi/plugins/http-kit/body";
import { MAX_JSON_DEPTH } from "@fsi/plugins/http-kit/json-text";
import { HttpError } from "@fsi/plugins/http-kit/errors";
import { DataverseClient } from "@fsi/plugins/services/dataverse-client";
import { DataverseRequestError } from "@fsi/plugins/services/dataverse-request";
import { RecordFilterError, compileRecordFilter } from "@fsi/plugins/inventory/templates/record-filter";
import { MapOverrideFileError, loadMapCatalog } from "@fsi/plugins/services/map-catalog";
import { type DataverseServer, startDataverseServer } from "@fsi/sandbox/dataverse";
import { closeServer, listen, parseJson } from "@fsi/sandbox/http";
import { compileQuery, isODataQueryError } from "@fsi/sandbox/odata";
import { createScmEmulator } from "@fsi/sandbox/scm";
import { rulesFileSchema } from "@fsi/sandbox/scm/rules/schema";
import { send } from "./support/http";

const USER = { id: "a0000000-0000-4000-8000-000000000001", fullname: "Dana Admin", domainname: "dana@contoso.test" };
const TOKEN = "regression-token";
const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

let dataverse: DataverseServer;

beforeAll(async () => {
  dataverse = await startDataverseServer({ users: [USER], tokens: { [TOKEN]: USER.id } });
});

afterAll(async () => {
  await dataverse.close();
});

const deep = (depth: number) => `{"a":${"[".repeat(depth)}${"]".repeat(depth)}}`;

describe("found by fuzzing the plug-in hosts", () => {
  it("a sync-status write for a row that is gone is a 404, not an upsert (the webhook answered 502)", async () => {
    const client = new DataverseClient({ url: dataverse.url, accessToken: () => Promise.resolve(TOKEN) });
    const missing = "45b847f0-3114-4bb6-99cc-ec13228e9f8d";
    const update = client.update(warehouse, missing, { fsi_scmsyncstatus: 1 });
    await expect(update).rejects.toBeInstanceOf(DataverseRequestError);
    await expect(update).rejects.toMatchObject({ status: 404 });
    expect(await client.retrieve(warehouse, missing, ["msdyn_name"])).toBeUndefined();
  });

  it("a WCF date beyond JavaScript's range is a refused context (it was a RangeError: 500 'Invalid time value')", () => {
    const context = warehouseCreateContext({
      identifier: "1001",
      name: "Seattle",
      companyId: "97e0129b-5e08-4a82-8d39-638c16a4df2b",
      siteId: "96040e79-27b4-475f-9d3c-a4c888b91d90",
      stage: 10,
    });
    const target = (context.InputParameters as { value: { Attributes: { key: string; value: unknown }[] } }[])[0];
    target?.value.Attributes.push({ key: "createdon", value: "/Date(99999999999999999999)/" });
    expect(() => parseExecutionContext(context)).toThrow(InvalidExecutionContextError);
    expect(() => parseExecutionContext(context)).toThrow(/\/Date\(99999999999999999999\)\/ is not a date/);
  });

  it("a body nested thousands of levels deep is a 400 JSON_TOO_DEEP (the schemas overflowed the stack: 500)", () => {
    const refusal = (() => {
      try {
        parseJsonBody(Buffer.from(deep(50_000)), "RemoteExecutionContext");
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(HttpError);
    expect(refusal).toMatchObject({ status: 400, code: "JSON_TOO_DEEP" });
    // Exactly the limit is read (brackets inside strings do not count); one level more is refused.
    const atLimit = (depth: number) => Buffer.from(`{"text":"${"[".repeat(500)}","a":${deep(depth - 2)}}`);
    expect(parseJsonBody(atLimit(MAX_JSON_DEPTH), "x")).toBeDefined();
    expect(() => parseJsonBody(atLimit(MAX_JSON_DEPTH + 1), "x")).toThrow(HttpError);
  });

  it("a body with a lone UTF-16 surrogate is a 400 INVALID_TEXT (an inventory event's key reached encodeURIComponent: 500 'URI malformed')", () => {
    const event = '{"Keys":{"dataAreaId":"\\ud800","ProjectId":"US-PRJ-0001"}}';
    expect(() => parseJsonBody(Buffer.from(event), "SCM business event")).toThrow(
      expect.objectContaining({
        status: 400,
        code: "INVALID_TEXT",
        details: { path: '$["Keys"]["dataAreaId"]' },
      }) as Error,
    );
    // A surrogate pair (an emoji written as two escapes) is whole text.
    expect(parseJsonBody(Buffer.from('{"name":"\\ud83c\\udfed"}'), "x")).toEqual({ name: "🏭" });
  });

  it("an override file whose map is nested too deep to print is a MapOverrideFileError (it was a RangeError)", () => {
    const dir = mkdtempSync(join(tmpdir(), "fsi-regression-"));
    try {
      const path = join(dir, "override.json");
      writeFileSync(path, `{"map":${deep(20_000)}}`);
      expect(() => loadMapCatalog(path)).toThrow(MapOverrideFileError);
      expect(() => loadMapCatalog(path)).toThrow(/must name a built-in map .*; got an object/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("found by fuzzing: names of Object.prototype's members taken for columns and fields", () => {
  it("the validation API names `constructor` an unknown column (validateRecord let it through)", () => {
    expect(validateRecord(warehouse, { constructor: "x", toString: 1 }, { operation: "update" })).toEqual([
      expect.objectContaining({ attribute: "constructor", code: "unknownColumn" }),
      expect.objectContaining({ attribute: "toString", code: "unknownColumn" }),
    ]);
  });

  it("a map template pairing `constructor` with `toString` is refused (it was a TypeError)", () => {
    const template = JSON.parse(JSON.stringify(mapByName("warehouses"))) as { columns: unknown[] };
    template.columns.push({ dataverse: "constructor", scm: "toString", direction: "both" });
    expect(() => parseMapTemplate(template, "mine.json")).toThrow(MapTemplateError);
    expect(() => parseMapTemplate(template, "mine.json")).toThrow(/unknown Dataverse column constructor/);
  });

  it("an SCM rules file with a rule on `toString` is refused (it was accepted)", () => {
    const parsed = rulesFileSchema.safeParse({
      allCompanies: { Warehouses: [{ rule: "required", field: "toString" }] },
      companies: { usmf: {} },
    });
    expect(parsed.success).toBe(false);
  });

  it("a flow template filter on `constructor` is refused", () => {
    expect(() => compileRecordFilter("constructor eq 1", productInventory)).toThrow(RecordFilterError);
  });

  it("Dataverse: an @odata.type that cannot be printed is 400 (it was 500: 'Cannot convert object to primitive value')", async () => {
    const reply = await send(dataverse.url, {
      method: "POST",
      path: "/api/data/v9.2/accounts",
      headers: auth,
      body: '{"name":"Fabrikam","@odata.type":{"toString":[]}}',
    });
    expect([reply.status, (reply.json as { error: { code: string } }).error.code]).toEqual([400, "0x80048d19"]);
  });

  it("Dataverse: a body with a `toString` property is 400 (it was 500: 'table has no column named toString')", async () => {
    const reply = await send(dataverse.url, {
      method: "POST",
      path: "/api/data/v9.2/accounts",
      headers: auth,
      body: JSON.stringify({ name: "Fabrikam", toString: 0 }),
    });
    expect([reply.status, (reply.json as { error: { code: string } }).error.code]).toEqual([400, "0x80048d19"]);
  });
});

describe("found by fuzzing the inventory host", () => {
  it("Dataverse refusing the data a webhook carries (a unit that does not exist: 404) is a 422, not a 502", () => {
    const refused = integrationHttpError(
      new DataverseRequestError(404, "0x80040217", "Entity 'uom' With Id = 3e05 Does Not Exist"),
    );
    expect([refused.status, refused.code]).toEqual([422, "DATAVERSE_REJECTED"]);
    // Dataverse failing, or refusing the host's own credentials, stays the host's problem.
    expect(integrationHttpError(new DataverseRequestError(500, "0x80040216", "failure")).status).toBe(502);
    expect(integrationHttpError(new DataverseRequestError(401, "0x8005F101", "no token")).status).toBe(502);
  });
});

describe("found by fuzzing the emulators", () => {
  it("Dataverse: a body nested thousands of levels deep is a 400 (an error message's JSON.stringify overflowed: 500)", async () => {
    expect(() => parseJson(deep(50_000))).toThrow(
      expect.objectContaining({ status: 400, code: "JSON_TOO_DEEP" }) as Error,
    );
    const reply = await send(dataverse.url, {
      method: "POST",
      path: "/api/data/v9.2/accounts",
      headers: auth,
      body: `{"name":${deep(5_000)}}`,
    });
    expect(reply.status).toBe(400);
    expect(reply.text).toContain("more than 100 levels deep");
  });

  it("Dataverse: an @odata.bind with broken percent-encoding is 400 InvalidUrlForODataBindProperty (it was 500 'URI malformed')", async () => {
    const reply = await send(dataverse.url, {
      method: "POST",
      path: "/api/data/v9.2/accounts",
      headers: auth,
      body: JSON.stringify({ name: "Fabrikam", "msdyn_company@odata.bind": "/cdm_companies(%E0%A4%A)" }),
    });
    expect([reply.status, (reply.json as { error: { code: string } }).error.code]).toEqual([400, "0x80090800"]);
  });

  it("Dataverse: a $skiptoken offset beyond a safe integer is 400 (SQLite refused it: 500 'datatype mismatch')", async () => {
    const token = encodeURIComponent('<cookie pagenumber="2" offset="99999999999999999999" />');
    const reply = await send(dataverse.url, {
      method: "GET",
      path: `/api/data/v9.2/msdyn_warehouses?$skiptoken=${token}`,
      headers: auth,
    });
    expect(reply.status).toBe(400);
  });

  it("Dataverse: a $batch part that cannot be read fails alone, and the parts before it are reported (the whole batch was one 400 after part 1 had committed)", async () => {
    const part = (request: string, body: string) =>
      [
        "--b",
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        "",
        request,
        "Content-Type: application/json",
        "",
        body,
      ].join("\r\n");
    const body = [
      part("POST cdm_companies HTTP/1.1", JSON.stringify({ cdm_name: "Batch Co", cdm_companycode: "btch" })),
      part("POST $2 HTTP/1.1", "{}"),
      "--b--",
      "",
    ].join("\r\n");
    const reply = await send(dataverse.url, {
      method: "POST",
      path: "/api/data/v9.2/$batch",
      headers: { ...auth, "content-type": "multipart/mixed; boundary=b" },
      body,
    });
    expect(reply.status).toBe(400);
    expect([...reply.text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((match) => match[1])).toEqual(["204", "400"]);
    expect(reply.text).toContain("names no earlier request of this change set");
  });

  it("SCM: a key with a lone UTF-16 surrogate is refused before it is written (the row was written, then the reply failed: 500 'URI malformed')", async () => {
    const scm = createScmEmulator({ seed: false });
    const server = createServer((req, res) => void scm.handle(req, res));
    const origin = await listen(server, 0);
    try {
      const body =
        '{"dataAreaId":"usmf","ItemNumber":"\\ud800","ProductName":"Broken","ProductType":"Item","InventoryUnitSymbol":"ea","SalesUnitSymbol":"ea"}';
      const reply = await send(origin, {
        method: "POST",
        path: "/scm/data/ReleasedProducts",
        headers: { "content-type": "application/json" },
        body,
      });
      expect(reply.status).toBe(400);
      expect(reply.text).toContain("lone UTF-16 surrogate");
      const count = await send(origin, { method: "GET", path: "/scm/data/ReleasedProducts/$count" });
      expect(count.text).toBe("0");
    } finally {
      await closeServer(server);
      await scm.close();
    }
  });

  it("OData: nesting beyond 32 parentheses is refused before parsing (3,000 levels kept an emulator busy for 9 s)", () => {
    const resolve = (name: string) =>
      name === "qty" ? { sqlExpression: '"qty"', kind: "number" as const } : undefined;
    const nested = (depth: number) =>
      new URLSearchParams({ $filter: `${"(".repeat(depth)}qty eq 1${")".repeat(depth)}` });
    expect(compileQuery(nested(32), resolve).where).toBeDefined();
    const refusal = (() => {
      try {
        compileQuery(nested(3_000), resolve);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(isODataQueryError(refusal) && refusal.kind).toBe("tooComplex");
    expect(() => compileQuery(new URLSearchParams({ $filter: `${"not ".repeat(2_000)}qty eq 1` }), resolve)).toThrow(
      /more than 100 'not' operators/,
    );
  });
});
