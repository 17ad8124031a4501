import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { warehouse } from "@fsi/core";
import { registerWebhook } from "../registration";
import {
  createCompany,
  createWarehouse,
  entityIdOf,
  startApi,
  startReceiver,
  TOKEN,
  type ReceivedCall,
  type Receiver,
  type TestApi,
} from "./helpers";
import { parseRemoteExecutionContext } from "./remote-execution-context.schema";

/** What a handler does when it calls back into the Web API from inside a step. */
async function callBack(
  api: TestApi,
  call: ReceivedCall,
  path: string,
  init: { method?: string; body?: unknown; correlated?: boolean } = {},
) {
  const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
  if (init.correlated !== false)
    headers["x-ms-correlation-request-id"] = String(call.headers["x-ms-correlation-request-id"]);
  const response = await fetch(`${api.server.apiUrl}${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: (text === "" ? {} : JSON.parse(text)) as Record<string, unknown> & {
      error?: { code: string; message: string };
    },
  };
}

/** A promise and the function that settles it. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}

describe("plug-in pipeline: a handler's call back is a request of its own", () => {
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

  it("runs a call back at depth 1, without ParentContext, in a transaction of its own that commits on its own", async () => {
    const seen: Record<string, unknown> = {};
    const other = entityIdOf(await createWarehouse(api, company, "OTHER"));
    receiver.answer = async (call) => {
      const context = parseRemoteExecutionContext(call.body);
      if (context.MessageName === "Create") {
        // The row being created is not committed: another request does not see it.
        seen.readStatus = (
          await callBack(api, call, `msdyn_warehouses(${context.PrimaryEntityId})?$select=msdyn_name`)
        ).status;
        seen.updateStatus = (
          await callBack(api, call, `msdyn_warehouses(${other})`, {
            method: "PATCH",
            body: { fsi_scmsyncstatus: 716900002 },
          })
        ).status;
        return 500;
      }
      seen.updateContext = context;
      return 200;
    };
    await registerWebhook(api.server.emulator, { name: "SCM", url: receiver.url }, [
      { name: "Push create", message: "Create", table: warehouse, stage: 40 },
      {
        name: "Status changed",
        message: "Update",
        table: warehouse,
        stage: 40,
        filteringAttributes: ["fsi_scmsyncstatus"],
      },
    ]);
    expect((await createWarehouse(api, company, "CB1")).status).toBe(400);
    expect(seen.readStatus).toBe(404);
    expect(seen.updateStatus).toBe(204);
    const nested = seen.updateContext as ReturnType<typeof parseRemoteExecutionContext>;
    expect([nested.Depth, nested.ParentContext]).toEqual([1, null]);
    // The create rolled back; the call back's update, its own transaction, stays.
    expect(
      (await api.call("msdyn_warehouses?$select=msdyn_warehouseidentifier")).json.value?.map(
        (row) => row.msdyn_warehouseidentifier,
      ),
    ).toEqual(["OTHER"]);
    expect((await api.call(`msdyn_warehouses(${other})`)).json.fsi_scmsyncstatus).toBe(716900002);
  });

  it("blocks a call back that writes the row the step's transaction holds until the webhook times out, as a real org deadlocks", async () => {
    const id = entityIdOf(await createWarehouse(api, company, "LOCKED"));
    api.server.emulator.setWebhookTimeout(500);
    let callback: Promise<{ status: number }> = Promise.resolve({ status: 0 });
    receiver.answer = async (call) => {
      callback = callBack(api, call, `msdyn_warehouses(${id})`, {
        method: "PATCH",
        body: { msdyn_description: "from the handler" },
      });
      await callback;
      return 200;
    };
    await registerWebhook(api.server.emulator, { name: "Writer", url: receiver.url }, [
      { name: "Write back", message: "Update", table: warehouse, stage: 40, filteringAttributes: ["msdyn_name"] },
    ]);
    const reply = await api.call(`msdyn_warehouses(${id})`, { method: "PATCH", body: { msdyn_name: "Renamed" } });
    expect(reply.json.error?.code).toBe("0x80050202");
    // The operation rolled back and released its lock; only then did the call back write.
    expect((await callback).status).toBe(204);
    const row = (await api.call(`msdyn_warehouses(${id})?$select=msdyn_name,msdyn_description`)).json;
    expect([row.msdyn_name, row.msdyn_description]).toEqual(["Warehouse LOCKED", "from the handler"]);
  });

  it("lets writes to other rows and reads of the locked row through while a step holds its transaction open", async () => {
    const held = entityIdOf(await createWarehouse(api, company, "HELD"));
    const free = entityIdOf(await createWarehouse(api, company, "FREE"));
    const entered = signal();
    const release = signal();
    receiver.answer = async (call) => {
      if (parseRemoteExecutionContext(call.body).PrimaryEntityId !== held) return 200;
      entered.fire();
      await release.promise;
      return 200;
    };
    await registerWebhook(api.server.emulator, { name: "Slow", url: receiver.url }, [
      { name: "Hold", message: "Update", table: warehouse, stage: 40, filteringAttributes: ["msdyn_name"] },
    ]);
    const holding = api.call(`msdyn_warehouses(${held})`, { method: "PATCH", body: { msdyn_name: "Held 2" } });
    await entered.promise;
    expect(api.server.emulator.transactions.open).toBe(1);
    // An unrelated row does not wait (it would hang here if it did), and a read sees the committed row.
    expect(
      (await api.call(`msdyn_warehouses(${free})`, { method: "PATCH", body: { msdyn_description: "not blocked" } }))
        .status,
    ).toBe(204);
    expect((await api.call(`msdyn_warehouses(${held})?$select=msdyn_name`)).json.msdyn_name).toBe("Warehouse HELD");
    release.fire();
    expect((await holding).status).toBe(204);
    expect((await api.call(`msdyn_warehouses(${held})?$select=msdyn_name`)).json.msdyn_name).toBe("Held 2");
  });

  it("makes a second writer of the same row wait for the first transaction, then apply on the committed row", async () => {
    const id = entityIdOf(await createWarehouse(api, company, "QUEUE"));
    const entered = signal();
    const release = signal();
    let first = true;
    receiver.answer = async () => {
      if (!first) return 200;
      first = false;
      entered.fire();
      await release.promise;
      return 200;
    };
    await registerWebhook(api.server.emulator, { name: "Slow", url: receiver.url }, [
      { name: "Hold", message: "Update", table: warehouse, stage: 40, filteringAttributes: ["msdyn_name"] },
    ]);
    const one = api.call(`msdyn_warehouses(${id})`, { method: "PATCH", body: { msdyn_name: "First" } });
    await entered.promise;
    const two = api.call(`msdyn_warehouses(${id})`, { method: "PATCH", body: { msdyn_description: "second" } });
    while (api.server.emulator.transactions.waiting === 0) await new Promise((resolve) => setImmediate(resolve));
    release.fire();
    expect([(await one).status, (await two).status]).toEqual([204, 204]);
    const row = (await api.call(`msdyn_warehouses(${id})?$select=msdyn_name,msdyn_description`)).json;
    expect([row.msdyn_name, row.msdyn_description]).toEqual(["First", "second"]);
  });

  it("runs a change set sent by a handler as a transaction of its own", async () => {
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
      await fetch(`${api.server.apiUrl}$batch`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${TOKEN}`,
          "content-type": "multipart/mixed; boundary=batch_1",
          "x-ms-correlation-request-id": String(call.headers["x-ms-correlation-request-id"]),
        },
        body: batch,
      });
      return 500;
    };
    await registerWebhook(api.server.emulator, { name: "Batcher", url: receiver.url }, [
      { name: "Batch", message: "Create", table: warehouse, stage: 40 },
    ]);
    expect((await createWarehouse(api, company, "CB3")).status).toBe(400);
    // The warehouse rolled back; the handler's change set had committed on its own.
    expect((await api.call("msdyn_shipvias?$select=msdyn_name")).json.value).toEqual([
      expect.objectContaining({ msdyn_name: "TRUCK" }),
    ]);
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

  it("answers a read, correlated or not, with the committed row while a step holds the transaction open", async () => {
    const company = await createCompany(api);
    const id = entityIdOf(await createWarehouse(api, company, "ISO"));
    const seen: unknown[] = [];
    receiver.answer = async (call) => {
      const outside = await callBack(api, call, `msdyn_warehouses(${id})?$select=msdyn_name`, { correlated: false });
      const inside = await callBack(api, call, `msdyn_warehouses(${id})?$select=msdyn_name`);
      seen.push(outside.json.msdyn_name, inside.json.msdyn_name);
      return 200;
    };
    await registerWebhook(api.server.emulator, { name: "Observer", url: receiver.url }, [
      { name: "Observe", message: "Update", table: warehouse, stage: 40 },
    ]);
    expect(
      (await api.call(`msdyn_warehouses(${id})`, { method: "PATCH", body: { msdyn_name: "Renamed" } })).status,
    ).toBe(204);
    expect(seen).toEqual(["Warehouse ISO", "Warehouse ISO"]);
    expect((await api.call(`msdyn_warehouses(${id})?$select=msdyn_name`)).json.msdyn_name).toBe("Renamed");
  });

  it("keeps rows across a restart of the emulator on the same file", async () => {
    const company = await createCompany(api);
    await createWarehouse(api, company, "KEEP");
    await api.close();
    api = await startApi({ databasePath: join(directory, "dataverse.sqlite") });
    const reply = await api.call("msdyn_warehouses?$select=msdyn_warehouseidentifier");
    expect(reply.json.value).toEqual([expect.objectContaining({ msdyn_warehouseidentifier: "KEEP" })]);
    expect((await api.call("sdkmessages?$select=name&$orderby=name")).json.value?.map((row) => row.name)).toEqual([
      "Create",
      "CreateMultiple",
      "Delete",
      "Update",
      "UpdateMultiple",
    ]);
  });
});
