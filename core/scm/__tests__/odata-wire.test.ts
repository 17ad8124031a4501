import {
  BatchFormatError,
  formatBatchRequest,
  formatBatchResponse,
  parseBatchRequest,
  parseBatchResponse,
} from "../odata-batch";
import { parseScmErrorBody, scmWriteErrorBody } from "../odata-errors";
import { scmEntityForVirtualTable, scmFieldOfVirtualColumn, virtualColumnName, virtualTableName } from "../data-events";
import { warehouses } from "../entities";

describe("OData $batch bodies", () => {
  it("round-trips a changeset and a single request, keeping methods, URLs, bodies and Content-IDs", () => {
    const request = formatBatchRequest([
      {
        kind: "changeset",
        requests: [
          { method: "POST", url: "Warehouses", body: '{"a":1}', contentId: "1" },
          { method: "DELETE", url: "Warehouses(dataAreaId='usmf',WarehouseId='x')", contentId: "2" },
        ],
      },
      { kind: "request", request: { method: "GET", url: "Warehouses?$top=1" } },
    ]);
    expect(request.contentType).toMatch(/^multipart\/mixed; boundary=batch_/);
    expect(parseBatchRequest(request.contentType, request.body)).toEqual([
      {
        kind: "changeset",
        requests: [
          {
            method: "POST",
            url: "Warehouses",
            headers: { "content-type": "application/json" },
            body: '{"a":1}',
            contentId: "1",
          },
          { method: "DELETE", url: "Warehouses(dataAreaId='usmf',WarehouseId='x')", headers: {}, contentId: "2" },
        ],
      },
      { kind: "request", request: { method: "GET", url: "Warehouses?$top=1", headers: {} } },
    ]);
    const response = formatBatchResponse([
      { kind: "response", response: { status: 404, headers: {}, body: '{"error":{}}', contentId: "2" } },
    ]);
    expect(parseBatchResponse(response.contentType, response.body)).toEqual([
      { kind: "response", response: { status: 404, headers: {}, body: '{"error":{}}', contentId: "2" } },
    ]);
  });

  it("refuses what is not a batch, and a GET inside a changeset", () => {
    expect(() => parseBatchRequest("application/json", "{}")).toThrow(BatchFormatError);
    const withGet = formatBatchRequest([{ kind: "changeset", requests: [{ method: "GET", url: "Warehouses" }] }]);
    expect(() => parseBatchRequest(withGet.contentType, withGet.body)).toThrow(/only POST, PATCH, PUT and DELETE/);
  });
});

describe("F&O write error bodies", () => {
  it("reads back the fields the infolog's validateField markers name, and keeps unmarked entries as row-level", () => {
    const body = scmWriteErrorBody("InventWarehouseEntity", [
      { level: "Error", message: "Field 'Name' must be filled in; really.", field: "WarehouseName" },
      { level: "Error", message: "The site does not exist.", field: "OperationalSiteId" },
      { level: "Warning", message: "Check the address." },
    ]);
    expect(body.error).toMatchObject({ code: "", message: "An error has occurred." });
    expect(parseScmErrorBody(body)).toEqual([
      { level: "Error", message: "Field 'Name' must be filled in, really.", field: "WarehouseName" },
      { level: "Error", message: "The site does not exist.", field: "OperationalSiteId" },
      { level: "Warning", message: "Check the address." },
    ]);
  });

  it("reads a real-looking sample without markers, and a body that is no infolog at all", () => {
    const sample = {
      error: {
        code: "",
        message: "An error has occurred.",
        innererror: {
          message:
            "Write failed for table row of type 'CustCustomerV3Entity'. Infolog: Warning: The value is not found.; Error: validateField failed on field 'CustCustomerV3Entity.CustomerGroupId'.",
          type: "x",
          stacktrace: "",
        },
      },
    };
    expect(parseScmErrorBody(sample)).toEqual([
      { level: "Warning", message: "The value is not found.", field: "CustomerGroupId" },
    ]);
    expect(parseScmErrorBody({ error: { code: "X", message: "Plain failure" } })).toEqual([
      { level: "Error", message: "Plain failure" },
    ]);
    expect(parseScmErrorBody(undefined)).toEqual([]);
  });
});

describe("data event names", () => {
  it("names the virtual table after the physical entity name and columns mserp_<field>", () => {
    expect(virtualTableName(warehouses)).toBe("mserp_inventwarehouseentity");
    expect(virtualColumnName("WarehouseName")).toBe("mserp_warehousename");
    expect(scmEntityForVirtualTable("MSERP_InventWarehouseEntity")).toBe(warehouses);
    expect(scmFieldOfVirtualColumn(warehouses, "mserp_primaryaddresslatitude")).toBe("PrimaryAddressLatitude");
  });
});
