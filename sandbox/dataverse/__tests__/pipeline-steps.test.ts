import { customerAsset, warehouse } from "@fsi/core";
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

describe("plug-in pipeline: registered webhook steps", () => {
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

  it("runs a step registered as rows through the Web API and posts the execution context Dataverse posts", async () => {
    const endpoint = await api.call("serviceendpoints", {
      body: {
        name: "SCM sync",
        contract: 8,
        url: receiver.url,
        authtype: 5,
        authvalue: '<settings><setting name="x-api-key" value="s3cret" /></settings>',
      },
    });
    const endpointId = entityIdOf(endpoint);
    expect((await api.call(`serviceendpoints(${endpointId})`)).json).not.toHaveProperty("authvalue");

    const message = (await api.call(`sdkmessages?$filter=name eq 'Create'&$select=sdkmessageid`)).json.value?.[0]
      ?.sdkmessageid;
    const filter = (
      await api.call(
        `sdkmessagefilters?$select=sdkmessagefilterid&$filter=primaryobjecttypecode eq 'msdyn_warehouse' and _sdkmessageid_value eq ${String(message)}`,
      )
    ).json.value?.[0]?.sdkmessagefilterid;
    const step = entityIdOf(
      await api.call("sdkmessageprocessingsteps", {
        body: {
          name: "Warehouse create → SCM",
          stage: 40,
          mode: 0,
          rank: 1,
          "sdkmessageid@odata.bind": `/sdkmessages(${String(message)})`,
          "sdkmessagefilterid@odata.bind": `/sdkmessagefilters(${String(filter)})`,
          "eventhandler_serviceendpoint@odata.bind": `/serviceendpoints(${endpointId})`,
        },
      }),
    );
    await api.call("sdkmessageprocessingstepimages", {
      body: {
        name: "PostImage",
        entityalias: "PostImage",
        imagetype: 1,
        attributes: "msdyn_name,msdyn_warehouseidentifier",
        "sdkmessageprocessingstepid@odata.bind": `/sdkmessageprocessingsteps(${step})`,
      },
    });

    const created = await createWarehouse(api, company, "11", { msdyn_warehousetype: 192350000 });
    expect(created.status).toBe(204);
    const id = entityIdOf(created);

    expect(receiver.calls).toHaveLength(1);
    const call = receiver.calls[0]!;
    expect(call.headers).toMatchObject({
      "x-ms-dynamics-organization": new URL(api.server.url).host,
      "x-ms-dynamics-entity-name": "msdyn_warehouse",
      "x-ms-dynamics-request-name": "Create",
      "x-api-key": "s3cret",
      "content-type": "application/json",
    });
    const context = parseRemoteExecutionContext(call.body);
    expect(call.headers["x-ms-correlation-request-id"]).toBe(context.CorrelationId);
    expect(context).toMatchObject({
      MessageName: "Create",
      Stage: 40,
      Mode: 0,
      Depth: 1,
      PrimaryEntityName: "msdyn_warehouse",
      PrimaryEntityId: id,
      UserId: api.server.emulator.defaultUserId,
      InitiatingUserId: api.server.emulator.defaultUserId,
      OrganizationName: "fsisandbox",
      IsInTransaction: true,
      ParentContext: null,
      OwningExtension: { Id: step, Name: "Warehouse create → SCM" },
    });
    expect(valueOf(context.OutputParameters, "id")).toBe(id);
    const target = valueOf(context.InputParameters, "Target") as { Attributes: unknown };
    expect(valueOf(target.Attributes, "msdyn_warehouseidentifier")).toBe("11");
    expect(valueOf(target.Attributes, "msdyn_company")).toMatchObject({ Id: company, LogicalName: "cdm_company" });
    const image = valueOf(context.PostEntityImages, "PostImage") as { Attributes: { key: string }[] };
    expect(image.Attributes.map((attribute) => attribute.key).sort()).toEqual([
      "msdyn_name",
      "msdyn_warehouseid",
      "msdyn_warehouseidentifier",
    ]);
  });

  it("runs PreValidation, PreOperation and PostOperation in order, in and out of the transaction", async () => {
    const stages = [10, 20, 40] as const;
    await registerWebhook(
      api.server.emulator,
      { name: "Stages", url: receiver.url },
      stages.map((stage) => ({ name: `Stage ${stage}`, message: "Create", table: warehouse, stage })),
    );
    await createWarehouse(api, company, "S1");
    const contexts = receiver.calls.map((call) => parseRemoteExecutionContext(call.body));
    expect(contexts.map((context) => [context.Stage, context.IsInTransaction])).toEqual([
      [10, false],
      [20, true],
      [40, true],
    ]);
    // The id is assigned by the main operation: earlier stages of a create see an empty id.
    expect(contexts.map((context) => context.PrimaryEntityId === "00000000-0000-0000-0000-000000000000")).toEqual([
      true,
      true,
      false,
    ]);
    expect(new Set(contexts.map((context) => context.CorrelationId)).size).toBe(1);
  });

  it("runs an Update step only when a filtering attribute changes, with pre and post images", async () => {
    await registerWebhook(api.server.emulator, { name: "Names", url: receiver.url }, [
      {
        name: "Name changed",
        message: "Update",
        table: warehouse,
        stage: 40,
        filteringAttributes: ["msdyn_name"],
        images: [
          { alias: "Before", type: "pre", attributes: ["msdyn_name"] },
          { alias: "After", type: "post", attributes: ["msdyn_name", "msdyn_description"] },
        ],
      },
    ]);
    const id = entityIdOf(await createWarehouse(api, company, "F1"));
    await api.call(`msdyn_warehouses(${id})`, { method: "PATCH", body: { msdyn_description: "no name change" } });
    expect(receiver.calls).toHaveLength(0);
    await api.call(`msdyn_warehouses(${id})`, { method: "PATCH", body: { msdyn_name: "Renamed" } });
    expect(receiver.calls).toHaveLength(1);
    const context = parseRemoteExecutionContext(receiver.calls[0]!.body);
    const before = valueOf(context.PreEntityImages, "Before") as { Attributes: unknown };
    const after = valueOf(context.PostEntityImages, "After") as { Attributes: unknown };
    expect(valueOf(before.Attributes, "msdyn_name")).toBe("Warehouse F1");
    expect(valueOf(after.Attributes, "msdyn_name")).toBe("Renamed");
    expect(valueOf(after.Attributes, "msdyn_description")).toBe("no name change");
  });

  it("sends a Delete's Target as an EntityReference with a pre-image, and skips disabled steps", async () => {
    const { stepIds } = await registerWebhook(api.server.emulator, { name: "Deletes", url: receiver.url }, [
      { name: "Deleted", message: "Delete", table: warehouse, stage: 40, images: [{ alias: "Gone", type: "pre" }] },
      { name: "Disabled", message: "Delete", table: warehouse, stage: 20 },
    ]);
    await api.call(`sdkmessageprocessingsteps(${stepIds[1]!})`, {
      method: "PATCH",
      body: { statecode: 1, statuscode: 2 },
    });
    const id = entityIdOf(await createWarehouse(api, company, "X1"));
    expect((await api.call(`msdyn_warehouses(${id})`, { method: "DELETE" })).status).toBe(204);
    expect(receiver.calls).toHaveLength(1);
    const context = parseRemoteExecutionContext(receiver.calls[0]!.body);
    expect(valueOf(context.InputParameters, "Target")).toMatchObject({
      __type: "EntityReference:http://schemas.microsoft.com/xrm/2011/Contracts",
      Id: id,
    });
    const gone = valueOf(context.PreEntityImages, "Gone") as { Attributes: unknown };
    expect(valueOf(gone.Attributes, "msdyn_warehouseidentifier")).toBe("X1");
  });

  it("authenticates with a webhook key (?code=) or query string parameters", async () => {
    await registerWebhook(
      api.server.emulator,
      { name: "Key", url: receiver.url, auth: { type: "WebhookKey", key: "abc123" } },
      [{ name: "Asset created", message: "Create", table: customerAsset, stage: 40 }],
    );
    await registerWebhook(
      api.server.emulator,
      {
        name: "Query",
        url: receiver.url,
        auth: { type: "HttpQueryString", values: { tenant: "contoso", key: "k&1" } },
      },
      [{ name: "Warehouse created", message: "Create", table: warehouse, stage: 40 }],
    );
    await api.call("msdyn_customerassets", {
      body: { msdyn_name: "Pump", "msdyn_company@odata.bind": `/cdm_companies(${company})` },
    });
    await createWarehouse(api, company, "Q1");
    expect(receiver.calls.map((call) => Object.fromEntries(call.query))).toEqual([
      { code: "abc123" },
      { tenant: "contoso", key: "k&1" },
    ]);
  });

  it("refuses an asynchronous step outside PostOperation", async () => {
    await expect(
      registerWebhook(api.server.emulator, { name: "Bad", url: receiver.url }, [
        { name: "Async pre", message: "Create", table: warehouse, stage: 20, mode: "async" },
      ]),
    ).rejects.toThrow(/Asynchronous steps can be registered only in the PostOperation stage/);
  });
});
