import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shipVia, warehouse } from "../../../core";
import { registerWebhook } from "../registration";
import { createCompany, createWarehouse, entityIdOf, startApi, startReceiver, TOKEN, valueOf, type ReceivedCall, type Receiver, type TestApi } from "./helpers";
import { parseRemoteExecutionContext } from "./remote-execution-context.schema";

/** What a handler does when it calls back into the Web API from inside a step. */
async function callBack(api: TestApi, call: ReceivedCall, path: string, init: { method?: string; body?: unknown; correlated?: boolean } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
  if (init.correlated !== false) headers["x-ms-correlation-request-id"] = String(call.headers["x-ms-correlation-request-id"]);
  const response = await fetch(`${api.server.apiUrl}${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, json: (text === "" ? {} : JSON.parse(text)) as Record<string, unknown> & { error?: { code: string; message: string } } };
}

describe("plug-in pipeline: handlers calling back with the correlation id", () => {
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

  it("runs a handler's calls inside the open transaction, one level deeper", async () => {
    const seen: Record<string, unknown> = {};
    receiver.answer = async (call) => {
      const context = parseRemoteExecutionContext(call.body);
      if (context.MessageName === "Create") {
        const read = await callBack(api, call, `msdyn_warehouses(${context.PrimaryEntityId})?$select=msdyn_name`);
        seen.readStatus = read.status;
        const update = await callBack(api, call, `msdyn_warehouses(${context.PrimaryEntityId})`, { method: "PATCH", body: { fsi_scmsyncstatus: 716900002 } });
        seen.updateStatus = update.status;
      } else {
        seen.updateContext = context;
      }
      return 200;
    };
    await registerWebhook(api.server.emulator, { name: "SCM", url: receiver.url }, [
      { name: "Push create", message: "Create", table: warehouse, stage: 40 },
      { name: "Status changed", message: "Update", table: warehouse, stage: 40, filteringAttributes: ["fsi_scmsyncstatus"] },
    ]);
    const created = await createWarehouse(api, company, "CB1");
    expect(created.status).toBe(204);
    expect(seen.readStatus).toBe(200);
    expect(seen.updateStatus).toBe(204);
    const nested = seen.updateContext as ReturnType<typeof parseRemoteExecutionContext>;
    expect(nested.Depth).toBe(2);
    expect(nested.ParentContext?.MessageName).toBe("Create");
    expect(nested.CorrelationId).toBe(parseRemoteExecutionContext(receiver.calls[0]!.body).CorrelationId);
    expect((await api.call(`msdyn_warehouses(${entityIdOf(created)})`)).json.fsi_scmsyncstatus).toBe(716900002);
  });

  it("runs a handler's CreateMultiple inside the open transaction, and rolls it back with the operation", async () => {
    const nested: ReturnType<typeof parseRemoteExecutionContext>[] = [];
    receiver.answer = async (call) => {
      const context = parseRemoteExecutionContext(call.body);
      if (context.MessageName === "CreateMultiple") {
        nested.push(context);
        return 200;
      }
      // The Create step of the user's row (depth 1) writes two side rows; theirs (depth 2) do nothing.
      if (context.Depth > 1) return 200;
      const identifier = valueOf((valueOf(context.InputParameters, "Target") as { Attributes: unknown }).Attributes, "msdyn_warehouseidentifier");
      const reply = await callBack(api, call, "msdyn_warehouses/Microsoft.Dynamics.CRM.CreateMultiple", {
        method: "POST",
        body: { Targets: ["S1", "S2"].map((suffix) => ({ "@odata.type": "Microsoft.Dynamics.CRM.msdyn_warehouse", msdyn_name: `Side ${suffix}`, msdyn_warehouseidentifier: `${String(identifier)}${suffix}`, "msdyn_company@odata.bind": `/cdm_companies(${company})` })) },
      });
      expect(reply.status).toBe(200);
      return identifier === "CMBAD" ? 500 : 200;
    };
    await registerWebhook(api.server.emulator, { name: "SCM", url: receiver.url }, [
      { name: "Push create", message: "Create", table: warehouse, stage: 40 },
      { name: "Side rows", message: "CreateMultiple", table: warehouse, stage: 10 },
    ]);
    const identifiers = async () => (await api.call("msdyn_warehouses?$select=msdyn_warehouseidentifier&$orderby=msdyn_warehouseidentifier")).json.value?.map((row) => row.msdyn_warehouseidentifier);

    expect((await createWarehouse(api, company, "CMOK")).status).toBe(204);
    expect(await identifiers()).toEqual(["CMOK", "CMOKS1", "CMOKS2"]);
    // The CreateMultiple step saw the handler's two rows, one level deeper, inside the Create.
    expect(nested.map((context) => [context.Depth, context.ParentContext?.MessageName, (valueOf(context.InputParameters, "Targets") as { Entities: unknown[] }).Entities.length])).toContainEqual([2, "Create", 2]);

    expect((await createWarehouse(api, company, "CMBAD")).status).toBe(400);
    expect(await identifiers()).toEqual(["CMOK", "CMOKS1", "CMOKS2"]);
  });

  it("rolls a handler's own writes back with the operation that failed", async () => {
    receiver.answer = async (call) => {
      const context = parseRemoteExecutionContext(call.body);
      await callBack(api, call, "msdyn_warehouses", {
        method: "POST",
        body: { msdyn_name: "Side effect", msdyn_warehouseidentifier: "SIDE", "msdyn_company@odata.bind": `/cdm_companies(${company})` },
      });
      await callBack(api, call, `msdyn_warehouses(${context.PrimaryEntityId})`, { method: "PATCH", body: { msdyn_description: "touched" } });
      return 500;
    };
    await registerWebhook(api.server.emulator, { name: "SCM", url: receiver.url }, [{ name: "Push create", message: "Create", table: warehouse, stage: 40 }]);
    expect((await createWarehouse(api, company, "CB2")).status).toBe(400);
    expect((await api.call("msdyn_warehouses?$select=msdyn_name")).json.value).toEqual([]);
  });

  it("stops an infinite loop at depth 8 with Dataverse's loop error", async () => {
    const depths: number[] = [];
    const refusals: unknown[] = [];
    receiver.answer = async (call) => {
      const context = parseRemoteExecutionContext(call.body);
      depths.push(context.Depth);
      const target = valueOf(context.InputParameters, "Target") as { Id: string };
      const again = await callBack(api, call, `msdyn_warehouses(${target.Id})`, { method: "PATCH", body: { msdyn_description: `depth ${context.Depth}` } });
      if (again.status >= 400) refusals.push(again.json.error);
      return again.status < 400 ? 200 : 500;
    };
    const id = entityIdOf(await createWarehouse(api, company, "LOOP"));
    await registerWebhook(api.server.emulator, { name: "Loop", url: receiver.url }, [{ name: "Echo update", message: "Update", table: warehouse, stage: 40 }]);
    const reply = await api.call(`msdyn_warehouses(${id})`, { method: "PATCH", body: { msdyn_description: "start" } });
    expect(depths).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(refusals[0]).toEqual({
      code: "0x80040265",
      message: "This workflow job was canceled because the workflow that started it included an infinite loop. Correct the workflow logic and try again.",
    });
    expect(reply.status).toBe(400);
    expect((await api.call(`msdyn_warehouses(${id})`)).json.msdyn_description).toBeNull();
  });

  it("waits for a call back the handler left running before going on with the operation", async () => {
    const inner = await startReceiver();
    try {
      let parentAnswered: () => void = () => undefined;
      const answered = new Promise<void>((resolve) => {
        parentAnswered = resolve;
      });
      let innerReached: () => void = () => undefined;
      const reached = new Promise<void>((resolve) => {
        innerReached = resolve;
      });
      let nested: Promise<unknown> = Promise.resolve();
      receiver.answer = async (call) => {
        nested = callBack(api, call, "msdyn_shipvias", { method: "POST", body: { msdyn_name: "LATE", "msdyn_company@odata.bind": `/cdm_companies(${company})` } });
        await reached;
        setImmediate(parentAnswered);
        return 200;
      };
      inner.answer = async () => {
        innerReached();
        await answered;
        return 200;
      };
      await registerWebhook(api.server.emulator, { name: "Parent", url: receiver.url }, [{ name: "Fire and forget", message: "Create", table: warehouse, stage: 40 }]);
      await registerWebhook(api.server.emulator, { name: "Inner", url: inner.url }, [{ name: "Slow inner", message: "Create", table: shipVia, stage: 20 }]);
      expect((await createWarehouse(api, company, "CB4")).status).toBe(204);
      expect(await nested).toMatchObject({ status: 204 });
      expect((await api.call("msdyn_shipvias?$select=msdyn_name")).json.value).toEqual([expect.objectContaining({ msdyn_name: "LATE" })]);
      expect(parseRemoteExecutionContext(inner.calls[0]!.body)).toMatchObject({ Depth: 2, IsInTransaction: true });
    } finally {
      await inner.close();
    }
  });

  it("runs a change set sent by a handler as a savepoint of the open transaction", async () => {
    receiver.answer = async (call) => {
      const batch = [
        "--batch_1",
        "Content-Type: multipart/mixed; boundary=changeset_1",
        "",
        "--changeset_1",
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        "Content-ID: 1",
        "",
        "POST msdyn_shipvias HTTP/1.1",
        "Content-Type: application/json",
        "",
        JSON.stringify({ msdyn_name: "TRUCK", "msdyn_company@odata.bind": `/cdm_companies(${company})` }),
        "--changeset_1--",
        "--batch_1--",
      ].join("\r\n");
      const response = await fetch(`${api.server.apiUrl}$batch`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${TOKEN}`,
          "content-type": "multipart/mixed; boundary=batch_1",
          "x-ms-correlation-request-id": String(call.headers["x-ms-correlation-request-id"]),
        },
        body: batch,
      });
      return (await response.text()).includes("HTTP/1.1 204") ? 200 : 500;
    };
    await registerWebhook(api.server.emulator, { name: "Batcher", url: receiver.url }, [{ name: "Batch", message: "Create", table: warehouse, stage: 40 }]);
    expect((await createWarehouse(api, company, "CB3")).status).toBe(204);
    expect((await api.call("msdyn_shipvias?$select=msdyn_name")).json.value).toEqual([expect.objectContaining({ msdyn_name: "TRUCK" })]);
  });
});

describe("plug-in pipeline: reads never wait for a write in flight (file database)", () => {
  let directory: string;
  let api: TestApi;
  let receiver: Receiver;

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), "dataverse-emulator-"));
    api = await startApi({ databasePath: join(directory, "dataverse.sqlite") });
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
    await api.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("answers an uncorrelated read with the committed row while a step holds the transaction open", async () => {
    const company = await createCompany(api);
    const id = entityIdOf(await createWarehouse(api, company, "ISO"));
    const seen: unknown[] = [];
    receiver.answer = async (call) => {
      const outside = await callBack(api, call, `msdyn_warehouses(${id})?$select=msdyn_name`, { correlated: false });
      const inside = await callBack(api, call, `msdyn_warehouses(${id})?$select=msdyn_name`);
      seen.push(outside.json.msdyn_name, inside.json.msdyn_name);
      return 200;
    };
    await registerWebhook(api.server.emulator, { name: "Observer", url: receiver.url }, [{ name: "Observe", message: "Update", table: warehouse, stage: 40 }]);
    expect((await api.call(`msdyn_warehouses(${id})`, { method: "PATCH", body: { msdyn_name: "Renamed" } })).status).toBe(204);
    expect(seen).toEqual(["Warehouse ISO", "Renamed"]);
    expect((await api.call(`msdyn_warehouses(${id})?$select=msdyn_name`)).json.msdyn_name).toBe("Renamed");
  });

  it("keeps rows across a restart of the emulator on the same file", async () => {
    const company = await createCompany(api);
    await createWarehouse(api, company, "KEEP");
    await api.close();
    api = await startApi({ databasePath: join(directory, "dataverse.sqlite") });
    const reply = await api.call("msdyn_warehouses?$select=msdyn_warehouseidentifier");
    expect(reply.json.value).toEqual([expect.objectContaining({ msdyn_warehouseidentifier: "KEEP" })]);
    expect((await api.call("sdkmessages?$select=name&$orderby=name")).json.value?.map((row) => row.name)).toEqual(["Create", "CreateMultiple", "Delete", "Update", "UpdateMultiple"]);
  });
});
