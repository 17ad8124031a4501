/**
 * The inventory additions over HTTP: seeded on-hand and projects, row version change tracking,
 * computed available quantity, and the two document services (journal posting, sales orders) —
 * one commit per document, idempotent on the external reference, refused whole with every reason.
 */
import { SCM_CREATE_SALES_ORDER_PATH, SCM_POST_INVENTORY_JOURNAL_PATH } from "@fsi/core";
import {
  type Collection,
  type RunningScm,
  type ReceivedEvent,
  type Subscriber,
  call,
  fieldErrorsOf,
  startScm,
  startSubscriber,
  targetAttributes,
  waitFor,
} from "./harness";

let running: RunningScm;
let data: string;
let services: string;

beforeAll(async () => {
  running = await startScm();
  data = `${running.url}/scm/data`;
  services = `${running.url}/scm`;
});

afterAll(async () => {
  await running.close();
});

type Row = Record<string, string | number>;

async function onHand(item: string, warehouse: string, company = "usmf"): Promise<Row> {
  const reply = await call<Row>(
    `${data}/InventoryOnHand(dataAreaId='${company}',ItemNumber='${item}',WarehouseId='${warehouse}')`,
    "GET",
  );
  expect(reply.status).toBe(200);
  return reply.body;
}

function post(body: unknown, user = "Admin") {
  return call<Record<string, unknown>>(`${services}${SCM_POST_INVENTORY_JOURNAL_PATH}`, "POST", body, {
    "x-fsi-user": user,
  });
}

interface Fault {
  Message: string;
  Code: string;
  Info?: { errors?: { field: string; code: string; message: string }[] };
}

describe("SCM inventory seed and change tracking", () => {
  it("seeds on-hand for every default warehouse × the stocked items, and projects of every kind", async () => {
    const rows = await call<Collection<Row>>(
      `${data}/InventoryOnHand?$filter=WarehouseId eq '1001'&$count=true`,
      "GET",
    );
    expect(rows.body["@odata.count"]).toBe(10);
    const projects = await call<Collection<Row>>(
      `${data}/Projects?$filter=ProjectType eq 'TimeMaterial' and ProjectStage eq 'InProcess'`,
      "GET",
    );
    expect(projects.body.value.length).toBeGreaterThanOrEqual(3);
    const first = rows.body.value[0];
    expect(first?.SysRowVersion).toEqual(expect.any(Number));
    expect(first?.SysRowVersion).toBeGreaterThan(0);
  });

  it("computes available as physical minus reserved and stamps a new, higher row version on every change", async () => {
    const before = await onHand("A0001", "1002");
    const patched = await call(
      `${data}/InventoryOnHand(dataAreaId='usmf',ItemNumber='A0001',WarehouseId='1002')`,
      "PATCH",
      {
        PhysicalInventory: 50,
        ReservedPhysical: 8,
        AvailablePhysical: 999,
        SysRowVersion: 1,
      },
    );
    expect(patched.status).toBe(204);
    const after = await onHand("A0001", "1002");
    expect(after).toMatchObject({ PhysicalInventory: 50, ReservedPhysical: 8, AvailablePhysical: 42 });
    expect(after.SysRowVersion).toBeGreaterThan(Number(before.SysRowVersion));

    const changed = await call<Collection<Row>>(
      `${data}/InventoryOnHand?cross-company=true&$filter=SysRowVersion gt ${Number(before.SysRowVersion)}&$select=ItemNumber,WarehouseId`,
      "GET",
    );
    expect(changed.body.value).toContainEqual({ ItemNumber: "A0001", WarehouseId: "1002" });
  });

  it("refuses on-hand that would reserve more than is there", async () => {
    const refused = await call(
      `${data}/InventoryOnHand(dataAreaId='usmf',ItemNumber='A0001',WarehouseId='1002')`,
      "PATCH",
      {
        ReservedPhysical: 500,
      },
    );
    expect(refused.status).toBe(400);
    expect(fieldErrorsOf(refused.body).map((detail) => detail.target)).toContain("ReservedPhysical");
  });
});

describe("FsiInventoryJournalService.post", () => {
  let subscriber: Subscriber;
  let subscriptionId: string;

  beforeAll(async () => {
    subscriber = await startSubscriber();
    const created = await call<{ id: string }>(`${running.url}/scm/admin/event-endpoints`, "POST", {
      url: subscriber.url,
      entities: ["InventoryOnHand"],
    });
    subscriptionId = created.body.id;
  });

  afterAll(async () => {
    await call(`${running.url}/scm/admin/event-endpoints/${subscriptionId}`, "DELETE");
    await subscriber.close();
  });

  it("posts a movement journal: header, lines and on-hand in one go, with an on-hand event per row moved", async () => {
    const before = await onHand("A0003", "1003");
    const reply = await post({
      _request: {
        dataAreaId: "usmf",
        journalType: "Movement",
        externalReference: "TEST-MOV-1",
        description: "Cycle count",
        lines: [
          { ItemNumber: "A0003", WarehouseId: "1003", Quantity: 5, UnitSymbol: "ea", LineDescription: "found" },
          { ItemNumber: "A0003", WarehouseId: "1003", Quantity: -2, UnitSymbol: "EA" },
        ],
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ alreadyPosted: false, lineCount: 2 });
    expect(String(reply.body.journalNumber)).toMatch(/^IMJ-\d{6}$/);
    const journalNumber = String(reply.body.journalNumber);

    const after = await onHand("A0003", "1003");
    expect(after.PhysicalInventory).toBe(Number(before.PhysicalInventory) + 3);
    const header = await call<Row>(
      `${data}/InventoryMovementJournalHeaders(dataAreaId='usmf',JournalNumber='${journalNumber}')`,
      "GET",
    );
    expect(header.body).toMatchObject({
      IsPosted: "Yes",
      FsiExternalReference: "TEST-MOV-1",
      Description: "Cycle count",
    });
    const lines = await call<Collection<Row>>(
      `${data}/InventoryMovementJournalLines?$filter=JournalNumber eq '${journalNumber}'`,
      "GET",
    );
    expect(lines.body.value.map((line) => [line.LineNumber, line.Quantity])).toEqual([
      ["1", 5],
      ["2", -2],
    ]);

    const event = await waitFor("the on-hand event", () =>
      subscriber.accepted.find(
        (candidate: ReceivedEvent) =>
          targetAttributes(candidate).mserp_itemnumber === "A0003" &&
          targetAttributes(candidate).mserp_warehouseid === "1003",
      ),
    );
    expect(event.context).toMatchObject({
      MessageName: "OnExternalUpdated",
      PrimaryEntityName: "mserp_inventwarehouseonhandv2entity",
    });
    expect(targetAttributes(event).mserp_physicalinventory).toBe(after.PhysicalInventory);
  });

  it("is idempotent on the external reference: a repeat posts nothing and answers the first journal", async () => {
    const first = await post({
      _request: {
        dataAreaId: "usmf",
        journalType: "Movement",
        externalReference: "TEST-MOV-2",
        lines: [{ ItemNumber: "A0004", WarehouseId: "1003", Quantity: 1, UnitSymbol: "ea" }],
      },
    });
    const middle = await onHand("A0004", "1003");
    const again = await post({
      _request: {
        dataAreaId: "usmf",
        journalType: "Movement",
        externalReference: "TEST-MOV-2",
        lines: [{ ItemNumber: "A0004", WarehouseId: "1003", Quantity: 1, UnitSymbol: "ea" }],
      },
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ journalNumber: first.body.journalNumber, alreadyPosted: true, lineCount: 1 });
    expect((await onHand("A0004", "1003")).PhysicalInventory).toBe(middle.PhysicalInventory);
    const headers = await call<Collection<Row>>(
      `${data}/InventoryMovementJournalHeaders?$filter=FsiExternalReference eq 'TEST-MOV-2'&$count=true`,
      "GET",
    );
    expect(headers.body["@odata.count"]).toBe(1);
  });

  it("posts a transfer: out of one warehouse, into another (creating its on-hand row)", async () => {
    const created = await call(`${data}/Warehouses`, "POST", {
      dataAreaId: "usmf",
      WarehouseId: "7501",
      WarehouseName: "Empty test warehouse",
      OperationalSiteId: "1",
      WarehouseType: "Transit",
    });
    expect(created.status).toBe(201);
    const source = await onHand("A0005", "1004");
    const reply = await post({
      _request: {
        dataAreaId: "usmf",
        journalType: "Transfer",
        externalReference: "TEST-TRF-1",
        lines: [{ ItemNumber: "A0005", WarehouseId: "1004", ToWarehouseId: "7501", Quantity: 1, UnitSymbol: "ea" }],
      },
    });
    expect(reply.status).toBe(200);
    expect(String(reply.body.journalNumber)).toMatch(/^ITJ-/);
    expect((await onHand("A0005", "1004")).PhysicalInventory).toBe(Number(source.PhysicalInventory) - 1);
    expect(await onHand("A0005", "7501")).toMatchObject({
      PhysicalInventory: 1,
      AvailablePhysical: 1,
      InventoryUnitSymbol: "ea",
    });
  });

  it("refuses the whole journal, with every reason, when a line breaks SCM's posting rules; nothing moves", async () => {
    const before = await onHand("A0006", "1003");
    const refused = await post({
      _request: {
        dataAreaId: "usmf",
        journalType: "Movement",
        externalReference: "TEST-MOV-BAD",
        lines: [
          {
            ItemNumber: "A0006",
            WarehouseId: "1003",
            Quantity: -(Number(before.PhysicalInventory) + 1),
            UnitSymbol: "ea",
          },
          { ItemNumber: "A0001", WarehouseId: "1003", Quantity: 2, UnitSymbol: "box" },
          { ItemNumber: "NOPE", WarehouseId: "1003", Quantity: 2, UnitSymbol: "ea" },
          { ItemNumber: "S0001", WarehouseId: "1003", Quantity: 2, UnitSymbol: "h" },
          { ItemNumber: "A0001", WarehouseId: "9999", Quantity: 2, UnitSymbol: "ea" },
        ],
      },
    });
    expect(refused.status).toBe(400);
    const fault = refused.body as unknown as Fault;
    expect(fault.Code).toBe("ValidationFailed");
    expect(fault.Info?.errors?.map((error) => [error.field, error.code])).toEqual([
      ["lines[1].UnitSymbol", "invalidValue"],
      ["lines[2].ItemNumber", "referenceNotFound"],
      ["lines[3].ItemNumber", "invalidValue"],
      ["lines[4].WarehouseId", "referenceNotFound"],
    ]);
    const onlyNegative = await post({
      _request: {
        dataAreaId: "usmf",
        journalType: "Movement",
        externalReference: "TEST-MOV-BAD",
        lines: [
          {
            ItemNumber: "A0006",
            WarehouseId: "1003",
            Quantity: -(Number(before.PhysicalInventory) + 1),
            UnitSymbol: "ea",
          },
        ],
      },
    });
    expect(onlyNegative.status).toBe(400);
    const negative = (onlyNegative.body as unknown as Fault).Info?.errors?.[0];
    expect(negative).toMatchObject({ field: "lines[0].Quantity", code: "range" });
    expect(negative?.message).toContain("cannot go negative");
    expect(await onHand("A0006", "1003")).toEqual(before);
    const headers = await call<Collection<Row>>(
      `${data}/InventoryMovementJournalHeaders?$filter=FsiExternalReference eq 'TEST-MOV-BAD'`,
      "GET",
    );
    expect(headers.body.value).toEqual([]);
  });

  it("answers a malformed request with 400 naming each problem", async () => {
    const reply = await post({
      _request: { dataAreaId: "usmf", journalType: "Sideways", externalReference: "", lines: [] },
    });
    expect(reply.status).toBe(400);
    const fault = reply.body as unknown as Fault;
    expect(fault.Code).toBe("InvalidRequest");
    expect(fault.Message).toContain("$._request.journalType");
    expect(fault.Message).toContain("$._request.lines");
  });
});

describe("FsiSalesOrderService.create", () => {
  const order = (reference: string, projectId: string, lines: unknown[]) =>
    call<Record<string, unknown>>(`${services}${SCM_CREATE_SALES_ORDER_PATH}`, "POST", {
      _request: {
        dataAreaId: "usmf",
        externalReference: reference,
        CustomerAccount: "US-001",
        ProjectId: projectId,
        CustomerRequisitionNumber: "WO-1",
        lines,
      },
    });

  it("creates the order with the project id on the header and every line, once", async () => {
    const lines = [
      { ItemNumber: "A0002", Quantity: 2, SalesUnitSymbol: "ea", WarehouseId: "1001" },
      { ItemNumber: "S0001", Quantity: 1.5, SalesUnitSymbol: "h", LineDescription: "Install" },
    ];
    const created = await order("TEST-SO-1", "US-PRJ-0001", lines);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ alreadyCreated: false, lineCount: 2 });
    expect(String(created.body.salesOrderNumber)).toMatch(/^SO-\d{6}$/);
    const number = String(created.body.salesOrderNumber);
    const stored = await call<Collection<Row>>(
      `${data}/SalesOrderLines?$filter=SalesOrderNumber eq '${number}'&$select=ItemNumber,Quantity,ProjectId`,
      "GET",
    );
    expect(stored.body.value).toEqual([
      { ItemNumber: "A0002", Quantity: 2, ProjectId: "US-PRJ-0001" },
      { ItemNumber: "S0001", Quantity: 1.5, ProjectId: "US-PRJ-0001" },
    ]);
    const again = await order("TEST-SO-1", "US-PRJ-0001", lines);
    expect(again.body).toEqual({ salesOrderNumber: number, alreadyCreated: true, lineCount: 2 });
  });

  it("refuses a project that is not in process, and an item in the wrong unit", async () => {
    const refused = await order("TEST-SO-2", "US-PRJ-0005", [
      { ItemNumber: "A0002", Quantity: 2, SalesUnitSymbol: "m" },
    ]);
    expect(refused.status).toBe(400);
    expect((refused.body as unknown as Fault).Info?.errors?.map((error) => error.field)).toEqual([
      "ProjectId",
      "lines[0].SalesUnitSymbol",
    ]);
  });
});
