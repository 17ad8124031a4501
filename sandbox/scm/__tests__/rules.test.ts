import type { ScmRulesFile } from "..";
import { type Collection, type ODataError, type RunningScm, call, startScm, fieldErrorsOf } from "./harness";

type Row = Record<string, string | number>;

describe("SCM business rules per company", () => {
  let running: RunningScm;
  let data: string;

  beforeAll(async () => {
    running = await startScm();
    data = `${running.url}/scm/data`;
  });

  afterAll(async () => {
    await running.close();
  });

  // F&O's write errors carry no rule codes: the field comes from the infolog's validateField marker.
  const detailsOf = (reply: { body: ODataError }): { target: string }[] =>
    fieldErrorsOf(reply.body).map(({ target }) => ({ target }));

  it("requires a transit warehouse on default warehouses in usmf but not in demf", async () => {
    const usmf = await call<ODataError>(`${data}/Warehouses`, "POST", {
      dataAreaId: "usmf",
      WarehouseId: "7101",
      WarehouseName: "No transit",
      OperationalSiteId: "1",
      WarehouseType: "Default",
    });
    expect(usmf.status).toBe(400);
    expect(detailsOf(usmf)).toEqual([{ target: "TransitWarehouseId" }]);
    expect(usmf.body.error.innererror.type).toBe(
      "Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataWriteException",
    );
    expect((await call(`${data}/Warehouses(dataAreaId='usmf',WarehouseId='7101')`, "GET")).status).toBe(404);

    const demf = await call<Row>(`${data}/Warehouses`, "POST", {
      dataAreaId: "demf",
      WarehouseId: "DE-TST-01",
      WarehouseName: "Ohne Transitlager",
      OperationalSiteId: "OST",
      WarehouseType: "Default",
      QuarantineWarehouseId: "DE-OST-91",
      PrimaryAddressZipCode: "10115",
    });
    expect(demf.status).toBe(201);
  });

  it("applies each company's own id pattern and name length", async () => {
    const base = {
      WarehouseName: "A name that is comfortably longer than thirty characters",
      WarehouseType: "Transit",
    };
    const usmf = await call<ODataError>(`${data}/Warehouses`, "POST", {
      ...base,
      dataAreaId: "usmf",
      WarehouseId: "LON777",
      OperationalSiteId: "1",
    });
    expect(detailsOf(usmf)).toEqual([{ target: "WarehouseId" }, { target: "WarehouseName" }]);
    expect(fieldErrorsOf(usmf.body)[0]?.message).toContain("four digits");
    const gbsi = await call<ODataError>(`${data}/Warehouses`, "POST", {
      ...base,
      dataAreaId: "gbsi",
      WarehouseId: "7777",
      OperationalSiteId: "LON",
      PrimaryAddressZipCode: "NOTAPC",
    });
    expect(detailsOf(gbsi)).toEqual([
      { target: "WarehouseId" },
      { target: "WarehouseName" },
      { target: "PrimaryAddressZipCode" },
    ]);
  });

  it("only accepts a site of the same company", async () => {
    const reply = await call<ODataError>(`${data}/Warehouses`, "POST", {
      dataAreaId: "usmf",
      WarehouseId: "7102",
      WarehouseName: "Site from demf",
      OperationalSiteId: "OST",
      WarehouseType: "Transit",
    });
    expect(reply.status).toBe(400);
    expect(fieldErrorsOf(reply.body)[0]).toMatchObject({ target: "OperationalSiteId" });
    expect(fieldErrorsOf(reply.body)[0]?.message).toContain("company 'usmf'");
  });

  it("checks that transit and quarantine warehouses exist in the company", async () => {
    const reply = await call<ODataError>(`${data}/Warehouses`, "POST", {
      dataAreaId: "usmf",
      WarehouseId: "7103",
      WarehouseName: "Bad references",
      OperationalSiteId: "1",
      WarehouseType: "Default",
      TransitWarehouseId: "DE-OST-90",
      QuarantineWarehouseId: "9999",
    });
    expect(detailsOf(reply)).toEqual([{ target: "TransitWarehouseId" }, { target: "QuarantineWarehouseId" }]);
  });

  it("refuses a quarantine warehouse that has a quarantine warehouse", async () => {
    const reply = await call<ODataError>(`${data}/Warehouses`, "POST", {
      dataAreaId: "usmf",
      WarehouseId: "7104",
      WarehouseName: "Quarantine in quarantine",
      OperationalSiteId: "1",
      WarehouseType: "Quarantine",
      QuarantineWarehouseId: "1991",
    });
    expect(detailsOf(reply)).toEqual([{ target: "QuarantineWarehouseId" }]);
    expect(fieldErrorsOf(reply.body)[0]?.message).toBe(
      "A quarantine warehouse cannot have a quarantine warehouse of its own.",
    );
  });

  it("keeps warehouse names unique per company, not across companies", async () => {
    const usmf = await call<ODataError>(`${data}/Warehouses`, "POST", {
      dataAreaId: "usmf",
      WarehouseId: "7105",
      WarehouseName: "chicago dc 01",
      OperationalSiteId: "1",
      WarehouseType: "Transit",
    });
    expect(detailsOf(usmf)).toEqual([{ target: "WarehouseName" }]);
    const gbsi = await call(`${data}/Warehouses`, "POST", {
      dataAreaId: "gbsi",
      WarehouseId: "CHI001",
      WarehouseName: "Chicago DC 01",
      OperationalSiteId: "LON",
      WarehouseType: "Transit",
      PrimaryAddressZipCode: "EC1A 1BB",
    });
    expect(gbsi.status).toBe(201);
    const renameSelf = await call(`${data}/Warehouses(dataAreaId='usmf',WarehouseId='1001')`, "PATCH", {
      WarehouseName: "Chicago DC 01",
    });
    expect(renameSelf.status).toBe(204);
  });

  it("refuses a duplicate key on create", async () => {
    const reply = await call<ODataError>(`${data}/OperationalSites`, "POST", {
      dataAreaId: "usmf",
      SiteId: "1",
      SiteName: "Again",
    });
    expect(detailsOf(reply)).toEqual([{ target: "SiteId" }]);
  });

  it("requires an asset's ActiveFrom on or before its ActiveTo, and caps demf payment days", async () => {
    const asset = await call<ODataError>(`${data}/MaintenanceAssets`, "POST", {
      dataAreaId: "usmf",
      MaintenanceAssetId: "US-MA-99999",
      Name: "Backwards",
      MaintenanceAssetTypeId: "PUMP",
      ActiveFrom: "2025-01-01T00:00:00Z",
      ActiveTo: "2024-01-01",
    });
    expect(detailsOf(asset)).toEqual([{ target: "ActiveFrom" }]);
    const demf = await call<ODataError>(`${data}/PaymentTerms`, "POST", {
      dataAreaId: "demf",
      Name: "Net90",
      Description: "90 Tage",
      NumberOfDays: 90,
    });
    expect(detailsOf(demf)).toEqual([{ target: "NumberOfDays" }]);
    expect(fieldErrorsOf(demf.body)[0]?.message).toBe("Payment terms in demf may not exceed 60 days.");
    const usmf = await call(`${data}/PaymentTerms`, "POST", {
      dataAreaId: "usmf",
      Name: "Net120",
      Description: "120 days",
      NumberOfDays: 120,
    });
    expect(usmf.status).toBe(201);
  });

  it("allows one default payment term per company and only the allowed methods in gbsi", async () => {
    const second = await call<ODataError>(`${data}/PaymentTerms`, "POST", {
      dataAreaId: "usmf",
      Name: "Net7",
      Description: "Net 7 days",
      NumberOfDays: 7,
      IsDefaultPaymentTerm: "Yes",
    });
    expect(detailsOf(second)).toEqual([{ target: "IsDefaultPaymentTerm" }]);
    const gbsi = await call<ODataError>(`${data}/PaymentTerms`, "POST", {
      dataAreaId: "gbsi",
      Name: "CY",
      Description: "Current year",
      PaymentMethodType: "CurrentYear",
    });
    expect(detailsOf(gbsi)).toEqual([{ target: "PaymentMethodType" }]);
  });

  it("refuses a company that does not exist and values of the wrong type", async () => {
    const company = await call<ODataError>(`${data}/ModesOfDelivery`, "POST", {
      dataAreaId: "frsi",
      ModeCode: "AIR",
      ModeDescription: "Air",
    });
    expect(detailsOf(company)).toEqual([{ target: "dataAreaId" }]);
    const types = await call<ODataError>(`${data}/PaymentTerms`, "POST", {
      dataAreaId: "usmf",
      Name: "Bad",
      Description: "Bad types",
      NumberOfDays: "30",
      PaymentMethodType: "Whenever",
      Colour: "red",
    });
    expect(detailsOf(types)).toEqual([
      { target: "NumberOfDays" },
      { target: "PaymentMethodType" },
      { target: "Colour" },
    ]);
  });

  it("serves the rules and applies rules replaced at run time to the next write", async () => {
    const current = await call<ScmRulesFile>(`${running.url}/scm/admin/rules`, "GET");
    expect(current.status).toBe(200);
    expect(Object.keys(current.body.companies)).toEqual(["usmf", "demf", "gbsi"]);

    const mode = { dataAreaId: "demf", ModeCode: "bike", ModeDescription: "Fahrradkurier" };
    const before = await call(`${data}/ModesOfDelivery`, "POST", mode);
    expect(before.status).toBe(201);

    const stricter: ScmRulesFile = structuredClone(current.body);
    stricter.companies.demf = {
      ...stricter.companies.demf,
      ModesOfDelivery: [
        { rule: "pattern", field: "ModeCode", pattern: "^[A-Z]+$", description: "capital letters only" },
      ],
    };
    const put = await call(`${running.url}/scm/admin/rules`, "PUT", stricter);
    expect(put.status).toBe(200);

    const after = await call<ODataError>(`${data}/ModesOfDelivery`, "POST", { ...mode, ModeCode: "scooter" });
    expect(after.status).toBe(400);
    expect(detailsOf(after)).toEqual([{ target: "ModeCode" }]);
    expect(fieldErrorsOf(after.body)[0]?.message).toContain("capital letters only");
    const served = await call<ScmRulesFile>(`${running.url}/scm/admin/rules`, "GET");
    expect(served.body.companies.demf?.ModesOfDelivery).toHaveLength(1);

    const count = await call<Collection>(
      `${data}/ModesOfDelivery?company=demf&$filter=${encodeURIComponent("ModeCode eq 'scooter'")}`,
      "GET",
    );
    expect(count.body.value).toEqual([]);
  });

  it("refuses a rules file with unknown entities, fields or bad patterns, naming each path", async () => {
    const reply = await call<ODataError>(`${running.url}/scm/admin/rules`, "PUT", {
      companies: {
        usmf: {
          Warehouses: [
            { rule: "required", field: "Colour" },
            { rule: "pattern", field: "WarehouseId", pattern: "([" },
            { rule: "range", field: "PrimaryAddressLatitude" },
          ],
          Spaceships: [],
        },
      },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe("InvalidRules");
    expect(reply.body.error.message).toContain("$.companies.usmf.Warehouses[1].pattern");
    expect(reply.body.error.message).toContain("$.companies.usmf.Warehouses[2]");
    expect(reply.body.error.message).toContain("$.companies.usmf.Spaceships");
    expect(reply.body.error.message).toContain(
      "$.companies.usmf.Warehouses[0].field: 'Colour' is not a field of Warehouses",
    );
    const unchanged = await call<ScmRulesFile>(`${running.url}/scm/admin/rules`, "GET");
    expect(unchanged.body.companies.gbsi).toBeDefined();
  });
});
