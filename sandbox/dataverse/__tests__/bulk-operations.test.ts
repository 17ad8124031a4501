import { warehouse } from "@fsi/core";
import { registerWebhook } from "../registration";
import {
  createCompany,
  createWarehouse,
  entityIdOf,
  startApi,
  startReceiver,
  valueOf,
  type Receiver,
  type TestApi,
} from "./helpers";
import { parseRemoteExecutionContext } from "./remote-execution-context.schema";

const TYPE = "Microsoft.Dynamics.CRM.msdyn_warehouse";

describe("bulk operation messages: CreateMultiple and UpdateMultiple", () => {
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

  const row = (identifier: string, extra: Record<string, unknown> = {}) => ({
    "@odata.type": TYPE,
    msdyn_name: `Warehouse ${identifier}`,
    msdyn_warehouseidentifier: identifier,
    "msdyn_company@odata.bind": `/cdm_companies(${company})`,
    ...extra,
  });
  const createMultiple = (targets: unknown) =>
    api.call("msdyn_warehouses/Microsoft.Dynamics.CRM.CreateMultiple", { body: { Targets: targets } });
  const updateMultiple = (targets: unknown) =>
    api.call("msdyn_warehouses/Microsoft.Dynamics.CRM.UpdateMultiple", { body: { Targets: targets } });
  const identifiers = async () =>
    (
      await api.call("msdyn_warehouses?$select=msdyn_warehouseidentifier&$orderby=msdyn_warehouseidentifier")
    ).json.value?.map((each) => each.msdyn_warehouseidentifier);

  it("creates every row in one request and answers their ids in order", async () => {
    const reply = await createMultiple([row("B1"), row("B2"), row("B3")]);
    expect(reply.status).toBe(200);
    expect(reply.json["@odata.context"]).toBe(
      `${api.server.apiUrl}$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse`,
    );
    const ids = reply.json.Ids as string[];
    expect(ids).toHaveLength(3);
    for (const [index, id] of ids.entries()) {
      expect(
        (await api.call(`msdyn_warehouses(${id})?$select=msdyn_warehouseidentifier`)).json.msdyn_warehouseidentifier,
      ).toBe(`B${index + 1}`);
    }
  });

  it("updates every row named by its id, and answers 204", async () => {
    const ids = (await createMultiple([row("U1"), row("U2")])).json.Ids as string[];
    const reply = await updateMultiple(
      ids.map((id, index) => ({ "@odata.type": TYPE, msdyn_warehouseid: id, msdyn_name: `Renamed ${index}` })),
    );
    expect(reply.status).toBe(204);
    expect(
      (await api.call("msdyn_warehouses?$select=msdyn_name&$orderby=msdyn_name")).json.value?.map(
        (each) => each.msdyn_name,
      ),
    ).toEqual(["Renamed 0", "Renamed 1"]);
  });

  it("refuses a malformed request with 400 naming the problem, and writes nothing", async () => {
    const noType = await createMultiple([row("M1"), { msdyn_name: "No type", msdyn_warehouseidentifier: "M2" }]);
    expect(noType.status).toBe(400);
    expect(noType.json.error?.message).toContain("Targets[1] must set @odata.type");
    expect((await createMultiple("not a list")).status).toBe(400);
    expect((await createMultiple([])).json.error?.message).toContain("at least one row");
    expect(
      (
        await api.call("msdyn_warehouses/Microsoft.Dynamics.CRM.CreateMultiple", {
          body: { Targets: [row("M3")], Extra: 1 },
        })
      ).json.error?.message,
    ).toContain("no parameter 'Extra'");
    const noId = await updateMultiple([{ "@odata.type": TYPE, msdyn_name: "Which row?" }]);
    expect(noId.status).toBe(400);
    expect(noId.json.error?.message).toContain("Targets[0] has no msdyn_warehouseid");
    expect((await api.call("msdyn_warehouses/Microsoft.Dynamics.CRM.CreateMultiple")).status).toBe(404);
    expect(await identifiers()).toEqual([]);
  });

  it("rolls every row back when one row fails (standard tables)", async () => {
    const tooLong = await createMultiple([row("R1"), row("R2", { msdyn_name: "x".repeat(101) })]);
    expect(tooLong.status).toBe(400);
    const ids = (await createMultiple([row("R3")])).json.Ids as string[];
    const missing = await updateMultiple([
      { "@odata.type": TYPE, msdyn_warehouseid: ids[0], msdyn_name: "Not kept" },
      { "@odata.type": TYPE, msdyn_warehouseid: "0b0c5a8e-0000-4000-8000-000000000001", msdyn_name: "No such row" },
    ]);
    expect(missing.status).toBe(404);
    expect(await identifiers()).toEqual(["R3"]);
    expect((await api.call(`msdyn_warehouses(${ids[0] ?? ""})?$select=msdyn_name`)).json.msdyn_name).toBe(
      "Warehouse R3",
    );
  });

  it("runs Create steps once per row and CreateMultiple steps once with every row (merged pipelines)", async () => {
    const single = await startReceiver();
    try {
      await registerWebhook(api.server.emulator, { name: "Per row", url: single.url }, [
        { name: "Create of warehouse", message: "Create", table: warehouse, stage: 40 },
      ]);
      await registerWebhook(api.server.emulator, { name: "Bulk", url: receiver.url }, [
        { name: "CreateMultiple of warehouse", message: "CreateMultiple", table: warehouse, stage: 40 },
      ]);
      const ids = (await createMultiple([row("P1"), row("P2")])).json.Ids as string[];

      expect(
        single.calls
          .map((call) => parseRemoteExecutionContext(call.body))
          .map((context) => [context.MessageName, valueOf(context.OutputParameters, "id")]),
      ).toEqual([
        ["Create", ids[0]],
        ["Create", ids[1]],
      ]);
      expect(receiver.calls).toHaveLength(1);
      const bulk = parseRemoteExecutionContext(receiver.calls[0]?.body);
      expect(receiver.calls[0]?.headers["x-ms-dynamics-request-name"]).toBe("CreateMultiple");
      expect(bulk).toMatchObject({
        MessageName: "CreateMultiple",
        PrimaryEntityName: "msdyn_warehouse",
        Stage: 40,
        Depth: 1,
      });
      const targets = valueOf(bulk.InputParameters, "Targets") as {
        Entities: { Id: string; Attributes: { key: string; value: unknown }[] }[];
      };
      expect(
        targets.Entities.map((entity) => [entity.Id, valueOf(entity.Attributes, "msdyn_warehouseidentifier")]),
      ).toEqual([
        [ids[0], "P1"],
        [ids[1], "P2"],
      ]);
      expect(valueOf(bulk.OutputParameters, "Ids")).toEqual(ids);

      // A single Create raises the CreateMultiple event too, with one row in Targets.
      const one = entityIdOf(await createWarehouse(api, company, "P3"));
      const last = parseRemoteExecutionContext(receiver.calls[1]?.body);
      expect(last.MessageName).toBe("CreateMultiple");
      expect(
        (valueOf(last.InputParameters, "Targets") as { Entities: { Id: string }[] }).Entities.map(
          (entity) => entity.Id,
        ),
      ).toEqual([one]);
      expect(single.calls).toHaveLength(3);
    } finally {
      await single.close();
    }
  });

  it("runs the Create and CreateMultiple steps, not the Update ones, for a PATCH that creates its row (upsert)", async () => {
    await registerWebhook(api.server.emulator, { name: "Steps", url: receiver.url }, [
      { name: "Create of warehouse", message: "Create", table: warehouse, stage: 10 },
      { name: "CreateMultiple of warehouse", message: "CreateMultiple", table: warehouse, stage: 40 },
      { name: "Update of warehouse", message: "Update", table: warehouse, stage: 10 },
      { name: "UpdateMultiple of warehouse", message: "UpdateMultiple", table: warehouse, stage: 10 },
    ]);
    const id = "0b0c5a8e-0000-4000-8000-00000000aa01";
    const created = await api.call(`msdyn_warehouses(${id})`, {
      method: "PATCH",
      body: {
        msdyn_name: "Upserted",
        msdyn_warehouseidentifier: "UP1",
        "msdyn_company@odata.bind": `/cdm_companies(${company})`,
      },
    });
    expect(created.status).toBe(204);
    expect(receiver.calls.map((call) => parseRemoteExecutionContext(call.body).MessageName)).toEqual([
      "Create",
      "CreateMultiple",
    ]);
    await api.call(`msdyn_warehouses(${id})`, { method: "PATCH", body: { msdyn_name: "Updated" } });
    expect(receiver.calls.slice(2).map((call) => parseRemoteExecutionContext(call.body).MessageName)).toEqual([
      "Update",
      "UpdateMultiple",
    ]);
  });

  it("runs an UpdateMultiple step when any row sets a filtering attribute, with every row in Targets and no invented per-row images", async () => {
    const ids = (await createMultiple([row("F1"), row("F2")])).json.Ids as string[];
    await registerWebhook(api.server.emulator, { name: "Bulk", url: receiver.url }, [
      {
        name: "UpdateMultiple of warehouse",
        message: "UpdateMultiple",
        table: warehouse,
        stage: 10,
        filteringAttributes: ["msdyn_name"],
        images: [{ alias: "PreImage", type: "pre", attributes: ["msdyn_name"] }],
      },
    ]);
    await updateMultiple(
      ids.map((id) => ({ "@odata.type": TYPE, msdyn_warehouseid: id, msdyn_description: "not filtered" })),
    );
    expect(receiver.calls).toHaveLength(0);

    await updateMultiple([
      { "@odata.type": TYPE, msdyn_warehouseid: ids[0], msdyn_description: "still not" },
      { "@odata.type": TYPE, msdyn_warehouseid: ids[1], msdyn_name: "Renamed" },
    ]);
    expect(receiver.calls).toHaveLength(1);
    const context = parseRemoteExecutionContext(receiver.calls[0]?.body);
    expect(context.MessageName).toBe("UpdateMultiple");
    expect((valueOf(context.InputParameters, "Targets") as { Entities: unknown[] }).Entities).toHaveLength(2);
    // Per-row images of a bulk step exist for .NET plug-ins (IPluginExecutionContext4); their
    // webhook JSON is not documented, so the emulator sends none rather than invent one.
    expect(context).not.toHaveProperty("PreEntityImagesCollection");
    expect(context).not.toHaveProperty("PostEntityImagesCollection");
  });

  it("rolls every row back when a step refuses the operation", async () => {
    receiver.answer = () => 422;
    await registerWebhook(api.server.emulator, { name: "Bulk", url: receiver.url }, [
      { name: "Check warehouses", message: "CreateMultiple", table: warehouse, stage: 40 },
    ]);
    const refused = await createMultiple([row("X1"), row("X2")]);
    expect(refused.status).toBe(400);
    expect(refused.json.error?.code).toBe("0x80050201");
    expect(await identifiers()).toEqual([]);
  });

  it("tells a client which tables support the bulk messages by their message filters", async () => {
    const message = (await api.call("sdkmessages?$filter=name eq 'CreateMultiple'&$select=sdkmessageid")).json
      .value?.[0]?.sdkmessageid;
    const filters = await api.call(
      `sdkmessagefilters?$select=sdkmessagefilterid&$filter=primaryobjecttypecode eq 'msdyn_warehouse' and _sdkmessageid_value eq ${String(message)}`,
    );
    expect(filters.json.value).toHaveLength(1);
  });
});
