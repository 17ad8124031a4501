import { warehouse } from "@fsi/core";
import { registerWebhook } from "../registration";
import {
  createCompany,
  createWarehouse,
  entityIdOf,
  startApi,
  startReceiver,
  type Receiver,
  type TestApi,
} from "./helpers";

const NON_SUCCESS = {
  code: "0x80050201",
  message:
    "The webhook call failed because the http request received non-success httpStatus code. Please check your webhook request handler.",
};

describe("plug-in pipeline: failing webhooks", () => {
  let api: TestApi;
  let receiver: Receiver;
  let company: string;

  beforeEach(async () => {
    api = await startApi();
    receiver = await startReceiver();
    company = await createCompany(api);
  });
  afterEach(async () => {
    await receiver.close();
    await api.close();
  });

  const warehouseCount = async () =>
    (await api.call("msdyn_warehouses?$count=true&$select=msdyn_name")).json["@odata.count"];

  it("cancels a create when a synchronous PreValidation step answers non-2xx: 400, nothing written", async () => {
    receiver.answer = () => 422;
    await registerWebhook(api.server.emulator, { name: "Validate", url: receiver.url }, [
      { name: "Validate warehouse", message: "Create", table: warehouse, stage: 10 },
    ]);
    const refused = await createWarehouse(api, company, "V1");
    expect(refused.status).toBe(400);
    expect(refused.json.error).toEqual(NON_SUCCESS);
    expect(await warehouseCount()).toBe(0);
  });

  it("rolls back the main operation when a PostOperation step fails", async () => {
    const id = entityIdOf(await createWarehouse(api, company, "P1"));
    receiver.answer = () => 500;
    await registerWebhook(api.server.emulator, { name: "Sync", url: receiver.url }, [
      { name: "Push update", message: "Update", table: warehouse, stage: 40 },
    ]);
    const refused = await api.call(`msdyn_warehouses(${id})`, { method: "PATCH", body: { msdyn_name: "Not kept" } });
    expect(refused.status).toBe(400);
    expect(refused.json.error?.code).toBe("0x80050201");
    expect((await api.call(`msdyn_warehouses(${id})`)).json.msdyn_name).toBe("Warehouse P1");
  });

  it("fails a step that does not answer within the timeout", async () => {
    api.server.emulator.setWebhookTimeout(150);
    receiver.answer = () => "hang";
    await registerWebhook(api.server.emulator, { name: "Slow", url: receiver.url }, [
      { name: "Slow step", message: "Create", table: warehouse, stage: 20 },
    ]);
    const refused = await createWarehouse(api, company, "T1");
    expect(refused.status).toBe(400);
    expect(refused.json.error?.code).toBe("0x80050202");
    expect(await warehouseCount()).toBe(0);
  });

  it("fails a step whose endpoint cannot be reached", async () => {
    await registerWebhook(api.server.emulator, { name: "Nowhere", url: "http://127.0.0.1:9/hook" }, [
      { name: "Unreachable", message: "Create", table: warehouse, stage: 40 },
    ]);
    const refused = await createWarehouse(api, company, "T2");
    expect(refused.status).toBe(400);
    expect(refused.json.error?.code).toBe("0x80050205");
  });

  it("retries 502, 503 and 504 once, and only once", async () => {
    const answers = [503, 200, 504, 502];
    receiver.answer = () => answers.shift() ?? 200;
    await registerWebhook(api.server.emulator, { name: "Flaky", url: receiver.url }, [
      { name: "Flaky step", message: "Create", table: warehouse, stage: 40 },
    ]);
    expect((await createWarehouse(api, company, "R1")).status).toBe(204);
    expect(receiver.calls).toHaveLength(2);
    const refused = await createWarehouse(api, company, "R2");
    expect(refused.status).toBe(400);
    expect(receiver.calls).toHaveLength(4);
    receiver.answer = () => 500;
    await createWarehouse(api, company, "R3");
    expect(receiver.calls).toHaveLength(5);
  });

  it("records a failed asynchronous step as a failed system job, queryable through asyncoperations", async () => {
    receiver.answer = () => 500;
    const { stepIds } = await registerWebhook(api.server.emulator, { name: "Async", url: receiver.url }, [
      { name: "Async push", message: "Create", table: warehouse, stage: 40, mode: "async" },
    ]);
    const created = await createWarehouse(api, company, "A1");
    expect(created.status).toBe(204);
    await api.server.emulator.idle();
    const jobs = await api.call(
      `asyncoperations?$select=name,statecode,statuscode,message,errorcode,regardingobjectid,completedon&$filter=statuscode eq 31 and _owningextensionid_value eq ${stepIds[0]!}`,
      { headers: { prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"' } },
    );
    expect(jobs.json.value).toHaveLength(1);
    expect(jobs.json.value?.[0]).toMatchObject({
      name: "Async push",
      statecode: 3,
      "statecode@OData.Community.Display.V1.FormattedValue": "Completed",
      "statuscode@OData.Community.Display.V1.FormattedValue": "Failed",
      errorcode: -2147155455,
      regardingobjectid: entityIdOf(created),
    });
    expect(String(jobs.json.value?.[0]?.message)).toContain("non-success httpStatus code");
    expect(jobs.json.value?.[0]?.completedon).toEqual(expect.any(String));
  });

  it("keeps succeeded system jobs unless the step deletes them automatically", async () => {
    const { stepIds } = await registerWebhook(api.server.emulator, { name: "Async", url: receiver.url }, [
      { name: "Kept", message: "Create", table: warehouse, stage: 40, mode: "async" },
      { name: "Auto-deleted", message: "Create", table: warehouse, stage: 40, mode: "async", asyncAutoDelete: true },
    ]);
    await createWarehouse(api, company, "A2");
    await api.server.emulator.idle();
    expect(receiver.calls).toHaveLength(2);
    const jobs = (await api.call("asyncoperations?$select=name,statuscode,_owningextensionid_value")).json.value ?? [];
    expect(jobs).toEqual([
      expect.objectContaining({ name: "Kept", statuscode: 30, _owningextensionid_value: stepIds[0] }),
    ]);
  });

  it("leaves no system job and calls no asynchronous step when the operation rolls back", async () => {
    receiver.answer = (call) => (call.body.Mode === 0 ? 500 : 200);
    await registerWebhook(api.server.emulator, { name: "Mixed", url: receiver.url }, [
      { name: "Async after", message: "Create", table: warehouse, stage: 40, mode: "async" },
      { name: "Sync fails", message: "Create", table: warehouse, stage: 40 },
    ]);
    expect((await createWarehouse(api, company, "A3")).status).toBe(400);
    await api.server.emulator.idle();
    expect(receiver.calls).toHaveLength(1);
    expect((await api.call("asyncoperations")).json.value).toEqual([]);
  });
});
