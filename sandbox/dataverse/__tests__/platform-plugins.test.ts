import { shipVia, warehouse } from "@fsi/core";
import type { PlatformPlugin } from "..";
import { registerWebhook } from "../registration";
import { createCompany, createWarehouse, startApi, startReceiver, type Receiver, type TestApi } from "./helpers";
import { parseRemoteExecutionContext } from "./remote-execution-context.schema";

/** A platform plug-in (a first-party solution's .NET plug-in) that writes a ship via for each new warehouse. */
function shipViaPerWarehouse(fail: (name: string) => boolean): PlatformPlugin {
  return {
    name: "Test: ship via per warehouse",
    message: "Create",
    table: warehouse.logicalName,
    stage: 40,
    async execute({ after, service }) {
      const name = typeof after?.msdyn_warehouseidentifier === "string" ? after.msdyn_warehouseidentifier : "";
      await service.create(shipVia, { msdyn_name: `SV-${name}`, msdyn_company: after?.msdyn_company ?? null });
      if (fail(name)) throw new Error(`No ship via for ${name}.`);
    },
  };
}

describe("plug-in pipeline: platform plug-ins nest their requests in the operation", () => {
  let api: TestApi;
  let receiver: Receiver;
  let company: string;

  beforeEach(async () => {
    api = await startApi({ platformPlugins: [shipViaPerWarehouse((name) => name === "BAD")] });
    receiver = await startReceiver();
    company = await createCompany(api);
  });
  afterEach(async () => {
    await receiver.close();
    await api.close();
  });

  it("runs a platform plug-in's request one level deeper with its context as ParentContext, in the transaction", async () => {
    await registerWebhook(api.server.emulator, { name: "Observer", url: receiver.url }, [
      { name: "Ship via created", message: "Create", table: shipVia, stage: 40 },
    ]);
    expect((await createWarehouse(api, company, "GOOD")).status).toBe(204);
    const context = parseRemoteExecutionContext(receiver.calls[0]?.body);
    expect([
      context.Depth,
      context.IsInTransaction,
      context.ParentContext?.MessageName,
      context.ParentContext?.PrimaryEntityName,
    ]).toEqual([2, true, "Create", "msdyn_warehouse"]);
    expect((await api.call("msdyn_shipvias?$select=msdyn_name")).json.value?.map((row) => row.msdyn_name)).toEqual([
      "SV-GOOD",
    ]);
  });

  it("rolls the nested writes back with the operation a platform plug-in refused, with its message", async () => {
    const reply = await createWarehouse(api, company, "BAD");
    expect(reply.status).toBe(400);
    expect(reply.json.error).toEqual({ code: "0x80040265", message: "No ship via for BAD." });
    expect((await api.call("msdyn_shipvias?$select=msdyn_name")).json.value).toEqual([]);
    expect((await api.call("msdyn_warehouses?$select=msdyn_name")).json.value).toEqual([]);
  });
});

describe("plug-in pipeline: the infinite-loop guard on nested operations", () => {
  it("stops a platform plug-in that keeps nesting at depth 8 with Dataverse's loop error", async () => {
    const depths: number[] = [];
    const loop: PlatformPlugin = {
      name: "Test: loop",
      message: "Create",
      table: shipVia.logicalName,
      stage: 40,
      async execute({ depth, after, service }) {
        depths.push(depth);
        await service.create(shipVia, {
          msdyn_name: `${typeof after?.msdyn_name === "string" ? after.msdyn_name : ""}+`,
          msdyn_company: after?.msdyn_company ?? null,
        });
      },
    };
    const api = await startApi({ platformPlugins: [loop] });
    try {
      const company = await createCompany(api);
      const reply = await api.call("msdyn_shipvias", {
        body: { msdyn_name: "L", "msdyn_company@odata.bind": `/cdm_companies(${company})` },
      });
      expect(depths).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(reply.json.error?.message).toBe(
        "This workflow job was canceled because the workflow that started it included an infinite loop. Correct the workflow logic and try again.",
      );
      expect((await api.call("msdyn_shipvias?$select=msdyn_name")).json.value).toEqual([]);
    } finally {
      await api.close();
    }
  });
});

describe("plug-in pipeline: contexts over the size limit", () => {
  it("trims ParentContext, InputParameters and both image collections and sends x-ms-dynamics-msg-size-exceeded", async () => {
    const api = await startApi({ webhookPayloadLimitBytes: 4500 });
    const receiver = await startReceiver();
    try {
      const company = await createCompany(api);
      await registerWebhook(api.server.emulator, { name: "Big", url: receiver.url }, [
        {
          name: "Big create",
          message: "Create",
          table: warehouse,
          stage: 40,
          images: [{ alias: "PostImage", type: "post", attributes: [] }],
        },
      ]);
      expect((await createWarehouse(api, company, "BIG", { msdyn_description: "x".repeat(2000) })).status).toBe(204);
      const [call] = receiver.calls;
      expect(call?.headers["x-ms-dynamics-msg-size-exceeded"]).toBeDefined();
      for (const member of ["ParentContext", "InputParameters", "PreEntityImages", "PostEntityImages"])
        expect(call?.body).not.toHaveProperty(member);
      expect(call?.body).toMatchObject({ MessageName: "Create", PrimaryEntityName: "msdyn_warehouse", Stage: 40 });
      expect(typeof call?.body.PrimaryEntityId).toBe("string");

      expect((await createWarehouse(api, company, "SMALL")).status).toBe(204);
      expect(receiver.calls[1]?.headers["x-ms-dynamics-msg-size-exceeded"]).toBeUndefined();
      expect(receiver.calls[1]?.body).toHaveProperty("InputParameters");
    } finally {
      await receiver.close();
      await api.close();
    }
  });
});

describe("plug-in pipeline: transactions waiting on each other", () => {
  it("ends one of two transactions that wait on each other's rows as the deadlock victim; the other commits", async () => {
    let arrived = 0;
    let bothLocked: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => {
      bothLocked = resolve;
    });
    // Updating one ship via also touches the other (a first-party plug-in's nested write).
    const crossUpdate: PlatformPlugin = {
      name: "Test: touch the other ship via",
      message: "Update",
      table: shipVia.logicalName,
      stage: 40,
      async execute({ id, after, service }) {
        if (typeof after?.msdyn_description !== "string" || !after.msdyn_description.startsWith("user")) return;
        arrived += 1;
        if (arrived === 2) bothLocked();
        await barrier;
        const other = ids.find((candidate) => candidate !== id) ?? "";
        await service.update(shipVia, other, { msdyn_description: `touched by ${id}` });
      },
    };
    const ids: string[] = [];
    const api = await startApi({ platformPlugins: [crossUpdate] });
    try {
      const company = await createCompany(api);
      for (const name of ["AIR", "SEA"]) {
        const created = await api.call("msdyn_shipvias", {
          body: { msdyn_name: name, "msdyn_company@odata.bind": `/cdm_companies(${company})` },
        });
        ids.push(/\(([0-9a-f-]{36})\)$/.exec(created.headers.get("odata-entityid") ?? "")?.[1] ?? "");
      }
      const replies = await Promise.all(
        ids.map((id) =>
          api.call(`msdyn_shipvias(${id})`, { method: "PATCH", body: { msdyn_description: `user ${id}` } }),
        ),
      );
      expect(replies.map((reply) => reply.status).sort()).toEqual([204, 500]);
      expect(replies.find((reply) => reply.status === 500)?.json.error?.message).toContain("deadlock victim");
      expect(api.server.emulator.transactions).toEqual({ open: 0, waiting: 0 });
    } finally {
      await api.close();
    }
  });
});
