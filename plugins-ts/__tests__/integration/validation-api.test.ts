/** `POST /plugins/validate` exactly as docs/design.md §5 says, over HTTP, against the SCM emulator's rules. */
import {
  ADMIN,
  ALLOWED_ORIGIN,
  type Environment,
  type Reply,
  dataverseRowByKey,
  httpRequest,
  scmRequest,
  startEnvironment,
  settle,
} from "../support/environment";

const BODY_LIMIT = 32 * 1024;
let env: Environment;
let token: string;
let siteId: string;

beforeAll(async () => {
  env = await startEnvironment({ bodyLimitBytes: BODY_LIMIT });
  token = (await env.issuer.issueToken({ id: ADMIN.id })).access_token;
  await scmRequest(env.scmUrl, "POST", "OperationalSites", { dataAreaId: "usmf", SiteId: "S1", SiteName: "Seattle" });
  await settle(env);
  siteId = String(
    (await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S1'"))?.msdyn_operationalsiteid,
  );
});

afterAll(async () => {
  await env.close();
});

function validate(body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return httpRequest(`${env.hostUrl}/plugins/validate`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const invalidWarehouse = {
  table: "msdyn_warehouse",
  operation: "create",
  company: "usmf",
  attributes: {
    msdyn_warehouseidentifier: "W1",
    msdyn_name: "W1",
    msdyn_description: "Bad",
    msdyn_warehousetype: 192350000,
  },
};

const validWarehouse = () => ({
  table: "msdyn_warehouse",
  operation: "create",
  company: "USMF",
  attributes: {
    msdyn_warehouseidentifier: "5001",
    msdyn_name: "5001",
    msdyn_description: "Good",
    msdyn_warehousetype: 192350002,
    msdyn_operationalsite: { id: siteId, logicalName: "msdyn_operationalsite", name: "Seattle" },
  },
});

describe("the validation API", () => {
  it("answers SCM's field errors under the Dataverse column names", async () => {
    const reply = await validate(invalidWarehouse);
    expect(reply.status).toBe(200);
    const { valid, errors, warnings } = reply.json as { valid: boolean; errors: unknown[]; warnings: unknown[] };
    expect([valid, warnings, errors.length]).toEqual([false, [], 3]);
    expect(errors).toEqual(
      expect.arrayContaining([
        // SCM's infolog names the field and says why; it carries no rule codes.
        {
          attribute: "msdyn_warehouseidentifier",
          code: "invalidValue",
          message: expect.stringContaining("four digits") as unknown,
        },
        {
          attribute: "msdyn_operationalsite",
          code: "invalidValue",
          message: expect.stringContaining("OperationalSiteId") as unknown,
        },
        {
          attribute: "msdyn_transitwarehouse",
          code: "invalidValue",
          message: expect.stringContaining("TransitWarehouseId") as unknown,
        },
      ]),
    );
  });

  it("resolves a lookup through the referenced row's natural key, and accepts a valid row", async () => {
    const reply = await validate(validWarehouse());
    expect([reply.status, reply.json]).toEqual([200, { valid: true, errors: [], warnings: [] }]);
  });

  it("leaves Dataverse's own required columns SCM never receives to the platform: a form's create without msdyn_name is valid", async () => {
    // Microsoft's naming: msdyn_name is required in Dataverse but not mapped to SCM, so the form does not send it.
    const { msdyn_name: _notSent, ...attributes } = validWarehouse().attributes;
    const reply = await validate({ ...validWarehouse(), attributes });
    expect([reply.status, reply.json]).toEqual([200, { valid: true, errors: [], warnings: [] }]);
    // A required column SCM receives is still this API's to report.
    const { msdyn_warehouseidentifier: _missing, ...withoutKey } = attributes;
    const refused = await validate({ ...validWarehouse(), attributes: withoutKey });
    expect((refused.json as { errors: unknown[] }).errors).toContainEqual(
      expect.objectContaining({ attribute: "msdyn_warehouseidentifier", code: "required" }),
    );
  });

  it("says which lookup points to a row Dataverse does not have", async () => {
    const request = validWarehouse();
    request.attributes.msdyn_operationalsite = {
      id: "0f0f0f0f-0000-4000-8000-000000000000",
      logicalName: "msdyn_operationalsite",
      name: "Gone",
    };
    const reply = await validate(request);
    expect((reply.json as { errors: unknown[] }).errors).toContainEqual({
      attribute: "msdyn_operationalsite",
      code: "referenceNotFound",
      message: expect.stringContaining("does not exist") as unknown,
    });
  });

  it("answers a batch in request order", async () => {
    const reply = await validate({
      requests: [
        validWarehouse(),
        invalidWarehouse,
        {
          table: "msdyn_shipvia",
          operation: "create",
          company: "usmf",
          attributes: { msdyn_name: "AIR", msdyn_description: "Air" },
        },
      ],
    });
    expect(reply.status).toBe(200);
    const { results } = reply.json as { results: { valid: boolean }[] };
    expect(results.map((result) => result.valid)).toEqual([true, false, true]);
  });

  it("validates an update of only the changed columns as the row it will produce", async () => {
    expect(
      (
        await scmRequest(env.scmUrl, "POST", "ModesOfDelivery", {
          dataAreaId: "usmf",
          ModeCode: "TRUCK",
          ModeDescription: "Truck",
        })
      ).status,
    ).toBe(201);
    await settle(env);
    const shipVia = await dataverseRowByKey(env, "msdyn_shipvias", "msdyn_name eq 'TRUCK'");
    const reply = await validate({
      table: "msdyn_shipvia",
      operation: "update",
      id: String(shipVia?.msdyn_shipviaid),
      company: "usmf",
      attributes: { msdyn_description: "Road freight" },
    });
    expect([reply.status, reply.json]).toEqual([200, { valid: true, errors: [], warnings: [] }]);
  });

  it("400 for a malformed request, naming each problem by its JSON path", async () => {
    const single = await validate({ table: "account", operation: "create", attributes: {} });
    expect(single.status).toBe(400);
    const message = (single.json as { error: { message: string } }).error.message;
    expect(message).toContain("validation request: $.table");
    expect(message).toContain("validation request: $.company");
    const batch = await validate({ requests: [validWarehouse(), { ...invalidWarehouse, company: "toolong" }] });
    expect((batch.json as { error: { message: string } }).error.message).toContain(
      "validation batch request: $.requests[1].company",
    );
    const tooMany = await validate({ requests: Array.from({ length: 101 }, () => invalidWarehouse) });
    expect(tooMany.status).toBe(400);
    const notJson = await validate("{ table: msdyn_warehouse");
    expect([notJson.status, (notJson.json as { error: { code: string } }).error.code]).toEqual([400, "INVALID_JSON"]);
  });

  it("413 for a body over the limit, 415 for another content type", async () => {
    const big = await validate({ ...invalidWarehouse, attributes: { msdyn_description: "x".repeat(BODY_LIMIT) } });
    expect(big.status).toBe(413);
    const text = await validate("hello", { "content-type": "text/plain" });
    expect(text.status).toBe(415);
  });
});

describe("CORS", () => {
  it("answers a preflight from an allowed origin, and refuses others", async () => {
    const preflight = (origin: string) =>
      httpRequest(`${env.hostUrl}/plugins/validate`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization, content-type",
        },
      });
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(
      Object.fromEntries(
        ["access-control-allow-origin", "access-control-allow-methods", "access-control-allow-headers"].map((name) => [
          name,
          allowed.headers.get(name),
        ]),
      ),
    ).toEqual({
      "access-control-allow-origin": ALLOWED_ORIGIN,
      "access-control-allow-methods": "POST, OPTIONS",
      "access-control-allow-headers": "authorization, content-type",
    });
    const refused = await preflight("https://evil.example");
    expect([refused.status, refused.headers.get("access-control-allow-origin")]).toEqual([403, null]);
  });

  it("lets an allowed origin read every reply, errors included, and refuses other origins", async () => {
    const ok = await validate(validWarehouse(), { origin: ALLOWED_ORIGIN });
    expect([ok.status, ok.headers.get("access-control-allow-origin")]).toEqual([200, ALLOWED_ORIGIN]);
    const unauthenticated = await validate(validWarehouse(), { origin: ALLOWED_ORIGIN, authorization: "" });
    expect([unauthenticated.status, unauthenticated.headers.get("access-control-allow-origin")]).toEqual([
      401,
      ALLOWED_ORIGIN,
    ]);
    const other = await validate(validWarehouse(), { origin: "https://evil.example" });
    expect([other.status, other.headers.get("access-control-allow-origin")]).toEqual([403, null]);
    const sameOrigin = await validate(validWarehouse(), { origin: env.hostUrl });
    expect(sameOrigin.status).toBe(200);
  });
});
