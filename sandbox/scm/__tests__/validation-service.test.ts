import { SCM_VALIDATION_SERVICE_PATH, type ScmValidationResponse, scmValidationResponseSchema } from "@fsi/core";
import { type Collection, type RunningScm, call, startScm } from "./harness";

interface ServiceFault {
  Message: string;
  ExceptionType: string;
  Code: string;
}

describe("SCM validation custom service", () => {
  let running: RunningScm;
  let service: string;

  it("is not served unless switched on: a stock environment has no such service", async () => {
    const stock = await startScm({ seed: false });
    try {
      const reply = await call(`${stock.url}/scm${SCM_VALIDATION_SERVICE_PATH}`, "POST", {
        _request: { entity: "Warehouses", operation: "create", record: {} },
      });
      expect(reply.status).toBe(404);
    } finally {
      await stock.close();
    }
  });

  beforeAll(async () => {
    running = await startScm({ validationService: true });
    service = `${running.url}/scm${SCM_VALIDATION_SERVICE_PATH}`;
  });

  afterAll(async () => {
    await running.close();
  });

  const validate = async (request: unknown): Promise<ScmValidationResponse> => {
    const reply = await call(service, "POST", request);
    expect(reply.status).toBe(200);
    return scmValidationResponseSchema.parse(reply.body);
  };

  it("returns every violation at once, with field names, and writes nothing", async () => {
    const result = await validate({
      _request: {
        entity: "Warehouses",
        operation: "create",
        record: {
          dataAreaId: "usmf",
          WarehouseId: "W-1",
          WarehouseName: "",
          OperationalSiteId: "OST",
          WarehouseType: "Quarantine",
          QuarantineWarehouseId: "1991",
          PrimaryAddressLatitude: 123,
        },
      },
    });
    expect(result.valid).toBe(false);
    expect(result.errors.map(({ field, code }) => ({ field, code }))).toEqual([
      { field: "WarehouseName", code: "required" },
      { field: "OperationalSiteId", code: "referenceNotFound" },
      { field: "QuarantineWarehouseId", code: "crossField" },
      { field: "PrimaryAddressLatitude", code: "range" },
      { field: "WarehouseId", code: "pattern" },
    ]);
    const stored = await call<Collection>(
      `${running.url}/scm/data/Warehouses?$filter=${encodeURIComponent("WarehouseId eq 'W-1'")}`,
      "GET",
    );
    expect(stored.body.value).toEqual([]);
  });

  it("accepts a valid record without writing it", async () => {
    const record = {
      dataAreaId: "demf",
      WarehouseId: "DE-VAL-01",
      WarehouseName: "Lager Validierung",
      OperationalSiteId: "OST",
      WarehouseType: "Default",
      QuarantineWarehouseId: "DE-OST-91",
      PrimaryAddressZipCode: "10117",
    };
    expect(await validate({ _request: { entity: "Warehouses", operation: "create", record } })).toEqual({
      valid: true,
      errors: [],
    });
    expect(
      (await call(`${running.url}/scm/data/Warehouses(dataAreaId='demf',WarehouseId='DE-VAL-01')`, "GET")).status,
    ).toBe(404);
  });

  it("uses the same per-company rules as OData writes", async () => {
    const record = {
      WarehouseId: "1234",
      WarehouseName: "No transit",
      OperationalSiteId: "1",
      WarehouseType: "Default",
    };
    const usmf = await validate({
      _request: { entity: "Warehouses", operation: "create", record: { ...record, dataAreaId: "usmf" } },
    });
    expect(usmf.errors).toEqual([
      {
        field: "TransitWarehouseId",
        code: "required",
        message: "'TransitWarehouseId' must be filled in when WarehouseType is Default (company 'usmf').",
      },
    ]);
    const odata = await call(`${running.url}/scm/data/Warehouses`, "POST", { ...record, dataAreaId: "usmf" });
    expect(odata.status).toBe(400);
  });

  it("validates an update as the row it would produce", async () => {
    const partial = await validate({
      _request: {
        entity: "Warehouses",
        operation: "update",
        record: { dataAreaId: "usmf", WarehouseId: "1001", WarehouseName: "Chicago DC 01 renamed" },
      },
    });
    expect(partial).toEqual({ valid: true, errors: [] });
    const clearing = await validate({
      _request: {
        entity: "Warehouses",
        operation: "update",
        record: { dataAreaId: "usmf", WarehouseId: "1001", TransitWarehouseId: null },
      },
    });
    expect(clearing.errors.map((error) => error.code)).toEqual(["required"]);
    const taken = await validate({
      _request: {
        entity: "Warehouses",
        operation: "update",
        record: { dataAreaId: "usmf", WarehouseId: "1001", WarehouseName: "Chicago DC 02" },
      },
    });
    expect(taken.errors.map((error) => error.code)).toEqual(["notUnique"]);
  });

  it("reports an existing key on create as notUnique", async () => {
    const result = await validate({
      _request: {
        entity: "ModesOfDelivery",
        operation: "create",
        record: { dataAreaId: "gbsi", ModeCode: "AIR", ModeDescription: "Air" },
      },
    });
    expect(result.errors).toEqual([expect.objectContaining({ field: "ModeCode", code: "notUnique" })]);
  });

  it("answers malformed requests with 400 in the service fault shape and keeps serving", async () => {
    const missing = await call<ServiceFault>(service, "POST", { entity: "Warehouses" });
    expect(missing.status).toBe(400);
    expect(missing.body.ExceptionType).toBe("XppServicesException");
    expect(missing.body.Message).toContain("$._request");
    const operation = await call<ServiceFault>(service, "POST", {
      _request: { entity: "Warehouses", operation: "upsert", record: {} },
    });
    expect(operation.body.Message).toContain("$._request.operation");
    const unknown = await call<ServiceFault>(service, "POST", {
      _request: { entity: "Spaceships", operation: "create", record: {} },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.Message).toContain("Unknown entity 'Spaceships'");
    const json = await call<ServiceFault>(service, "POST", '{"_request": {');
    expect(json.status).toBe(400);
    expect(json.body.Code).toBe("INVALID_JSON");
    const get = await call<ServiceFault>(service, "GET");
    expect(get.status).toBe(405);
    expect(
      (
        await validate({
          _request: { entity: "OperationalSites", operation: "create", record: { SiteId: "9", SiteName: "Nine" } },
        })
      ).valid,
    ).toBe(true);
  });
});
