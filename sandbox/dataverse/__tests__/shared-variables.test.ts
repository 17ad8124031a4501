/**
 * The Web API `tag` parameter: Dataverse copies it into SharedVariables["tag"] of every plug-in
 * the request's operation runs (Learn, "Add a shared variable to the plugin execution context").
 * The plug-in host marks its own writes this way, so its webhook steps recognise the echo.
 */
import { warehouse } from "@fsi/core";
import { registerWebhook } from "../registration";
import {
  createCompany,
  createWarehouse,
  entityIdOf,
  startApi,
  startReceiver,
  TOKEN,
  valueOf,
  type Receiver,
  type TestApi,
} from "./helpers";
import { parseRemoteExecutionContext } from "./remote-execution-context.schema";

describe("Dataverse emulator: the tag parameter reaches SharedVariables", () => {
  let api: TestApi;
  let receiver: Receiver;
  let company: string;

  beforeAll(async () => {
    api = await startApi();
    receiver = await startReceiver();
    company = await createCompany(api);
    await registerWebhook(api.server.emulator, { name: "tag probe", url: receiver.url }, [
      { name: "create pre-validation", message: "Create", table: warehouse, stage: 10 },
      { name: "create post-operation", message: "Create", table: warehouse, stage: 40 },
      { name: "update post-operation", message: "Update", table: warehouse, stage: 40 },
      { name: "update async", message: "Update", table: warehouse, stage: 40, mode: "async" },
      { name: "delete pre-operation", message: "Delete", table: warehouse, stage: 20 },
    ]);
  });
  afterAll(async () => {
    await receiver.close();
    await api.close();
  });

  /** The SharedVariables of each context posted since `from`, by step name, as `{ key: value }`. */
  async function sharedVariablesSince(from: number): Promise<Record<string, Record<string, unknown>>> {
    await api.server.emulator.idle();
    const byStep: Record<string, Record<string, unknown>> = {};
    for (const call of receiver.calls.slice(from)) {
      const context = parseRemoteExecutionContext(call.body);
      const variables = Object.fromEntries(context.SharedVariables.map((entry) => [entry.key, entry.value]));
      byStep[context.OwningExtension.Name ?? ""] = variables;
    }
    return byStep;
  }

  it("copies ?tag= of a create into every step's context, PreValidation included", async () => {
    const from = receiver.calls.length;
    const created = await api.call("msdyn_warehouses?tag=fsi-integration", {
      body: {
        msdyn_name: "Tagged",
        msdyn_warehouseidentifier: "T1",
        "msdyn_company@odata.bind": `/cdm_companies(${company})`,
      },
    });
    expect(created.status).toBe(204);
    expect(await sharedVariablesSince(from)).toEqual({
      "create pre-validation": { tag: "fsi-integration" },
      "create post-operation": { tag: "fsi-integration" },
    });
  });

  it("copies it for updates (synchronous and asynchronous steps) and deletes", async () => {
    const id = entityIdOf(await createWarehouse(api, company, "T2"));
    const from = receiver.calls.length;
    expect(
      (
        await api.call(`msdyn_warehouses(${id})?tag=${encodeURIComponent("sync tool #7")}`, {
          method: "PATCH",
          body: { msdyn_name: "Renamed" },
        })
      ).status,
    ).toBe(204);
    expect(await sharedVariablesSince(from)).toEqual({
      "update post-operation": { tag: "sync tool #7" },
      "update async": { tag: "sync tool #7" },
    });

    const beforeDelete = receiver.calls.length;
    expect((await api.call(`msdyn_warehouses(${id})?tag=cleanup`, { method: "DELETE" })).status).toBe(204);
    expect(await sharedVariablesSince(beforeDelete)).toEqual({ "delete pre-operation": { tag: "cleanup" } });
  });

  it("leaves SharedVariables empty without a tag (or with an empty one)", async () => {
    const from = receiver.calls.length;
    await createWarehouse(api, company, "T3");
    await api.call("msdyn_warehouses?tag=", {
      body: {
        msdyn_name: "Empty tag",
        msdyn_warehouseidentifier: "T4",
        "msdyn_company@odata.bind": `/cdm_companies(${company})`,
      },
    });
    await api.server.emulator.idle();
    const contexts = receiver.calls.slice(from).map((call) => parseRemoteExecutionContext(call.body));
    expect(contexts).toHaveLength(4);
    for (const context of contexts) expect(context.SharedVariables).toEqual([]);
  });

  it("takes each $batch part's own tag", async () => {
    const from = receiver.calls.length;
    const part = (identifier: string, url: string) =>
      [
        "--changeset_C",
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        `Content-ID: ${identifier}`,
        "",
        `POST ${url} HTTP/1.1`,
        "Content-Type: application/json",
        "",
        JSON.stringify({
          msdyn_name: identifier,
          msdyn_warehouseidentifier: identifier,
          "msdyn_company@odata.bind": `/cdm_companies(${company})`,
        }),
      ].join("\r\n");
    const body = [
      "--batch_B",
      "Content-Type: multipart/mixed; boundary=changeset_C",
      "",
      part("B1", "msdyn_warehouses?tag=bulk"),
      part("B2", "msdyn_warehouses"),
      "--changeset_C--",
      "--batch_B--",
      "",
    ].join("\r\n");
    const reply = await fetch(`${api.server.apiUrl}$batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "multipart/mixed; boundary=batch_B" },
      body,
    });
    expect(reply.status).toBe(200);
    await api.server.emulator.idle();
    const tags = receiver.calls.slice(from).map((call) => {
      const context = parseRemoteExecutionContext(call.body);
      const target = valueOf(context.InputParameters, "Target") as { Attributes: unknown };
      return [valueOf(target.Attributes, "msdyn_warehouseidentifier"), valueOf(context.SharedVariables, "tag")];
    });
    expect(tags).toEqual([
      ["B1", "bulk"],
      ["B1", "bulk"],
      ["B2", undefined],
      ["B2", undefined],
    ]);
  });
});
