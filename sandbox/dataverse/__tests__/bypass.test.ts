import { globalPrivileges, warehouse } from "@fsi/core";
import { fsiIntegrationRole, rolePrivileges } from "@fsi/solution/components/security-roles";
import { stableId } from "../pipeline/registrations";
import { registerWebhook } from "../registration";
import { createCompany, startApi, startReceiver, TOKEN, type Receiver, type TestApi } from "./helpers";

const admin = { id: stableId("systemuser:bypass-admin"), fullname: "Admin", domainname: "admin@test.local" };
const integration = { id: stableId("systemuser:bypass-integration"), fullname: "Integration", domainname: "i@test" };
const plain = { id: stableId("systemuser:bypass-plain"), fullname: "Plain", domainname: "plain@test.local" };
const INTEGRATION_TOKEN = "integration-token";
const PLAIN_TOKEN = "plain-token";
const BYPASS = "MSCRM.BypassBusinessLogicExecution";

describe("bypassing custom business logic (MSCRM.BypassBusinessLogicExecution, MSCRM.BypassCustomPluginExecution)", () => {
  let api: TestApi;
  let sync: Receiver;
  let async: Receiver;
  let company: string;
  let counter = 0;

  beforeAll(async () => {
    const integrationPrivileges = rolePrivileges(fsiIntegrationRole);
    api = await startApi({
      users: [admin, integration, plain],
      tokens: { [TOKEN]: admin.id, [INTEGRATION_TOKEN]: integration.id, [PLAIN_TOKEN]: plain.id },
      privileges: {
        [integration.id]: integrationPrivileges,
        // The same table privileges, without the bypass privilege.
        [plain.id]: integrationPrivileges.filter((name) => name !== globalPrivileges.bypassCustomBusinessLogic.name),
      },
    });
    company = await createCompany(api);
    sync = await startReceiver();
    async = await startReceiver();
    await registerWebhook(api.server.emulator, { name: "Sync", url: sync.url }, [
      { name: "Create of warehouse (sync)", message: "Create", table: warehouse, stage: 40 },
    ]);
    await registerWebhook(api.server.emulator, { name: "Async", url: async.url }, [
      { name: "Create of warehouse (async)", message: "Create", table: warehouse, stage: 40, mode: "async" },
    ]);
  });
  afterAll(async () => {
    await sync.close();
    await async.close();
    await api.close();
  });

  const row = () => {
    counter += 1;
    return {
      msdyn_name: `Warehouse B${counter}`,
      msdyn_warehouseidentifier: `B${counter}`,
      "msdyn_company@odata.bind": `/cdm_companies(${company})`,
    };
  };
  /** The steps called by the request: [sync, async] counts. */
  const stepsCalledBy = async (send: () => Promise<{ status: number }>, status = 204): Promise<[number, number]> => {
    const before: [number, number] = [sync.calls.length, async.calls.length];
    expect((await send()).status).toBe(status);
    await api.server.emulator.idle();
    return [sync.calls.length - before[0], async.calls.length - before[1]];
  };
  const create = (token: string, headers: Record<string, string>) => () =>
    api.call("msdyn_warehouses", { body: row(), headers: { authorization: `Bearer ${token}`, ...headers } });

  it("runs every custom step without the header", async () => {
    expect(await stepsCalledBy(create(INTEGRATION_TOKEN, {}))).toEqual([1, 1]);
  });

  it("skips the custom synchronous and asynchronous steps with CustomSync,CustomAsync, for a holder of prvBypassCustomBusinessLogic", async () => {
    expect(await stepsCalledBy(create(INTEGRATION_TOKEN, { [BYPASS]: "CustomSync,CustomAsync" }))).toEqual([0, 0]);
    expect(await stepsCalledBy(create(INTEGRATION_TOKEN, { [BYPASS]: "CustomSync" }))).toEqual([0, 1]);
    expect(await stepsCalledBy(create(INTEGRATION_TOKEN, { [BYPASS]: "customasync" }))).toEqual([1, 0]);
  });

  it("applies to every row of a CreateMultiple and to a $batch part that carries it", async () => {
    const targets = [row(), row()].map((target) => ({
      "@odata.type": "Microsoft.Dynamics.CRM.msdyn_warehouse",
      ...target,
    }));
    const multiple = () =>
      api.call("msdyn_warehouses/Microsoft.Dynamics.CRM.CreateMultiple", {
        body: { Targets: targets },
        headers: { authorization: `Bearer ${INTEGRATION_TOKEN}`, [BYPASS]: "CustomSync,CustomAsync" },
      });
    expect(await stepsCalledBy(multiple, 200)).toEqual([0, 0]);

    const part = (headers: string[]) =>
      [
        "--batch_b",
        "Content-Type: multipart/mixed; boundary=changeset_c",
        "",
        "--changeset_c",
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        "Content-ID: 1",
        "",
        `POST ${api.server.apiUrl}msdyn_warehouses HTTP/1.1`,
        "Content-Type: application/json; type=entry",
        ...headers,
        "",
        JSON.stringify(row()),
        "--changeset_c--",
        "--batch_b--",
        "",
      ].join("\r\n");
    const batch = (headers: string[]) => () =>
      api.call("$batch", {
        body: part(headers),
        headers: { authorization: `Bearer ${INTEGRATION_TOKEN}`, "content-type": "multipart/mixed; boundary=batch_b" },
      });
    expect(await stepsCalledBy(batch([`${BYPASS}: CustomSync,CustomAsync`]), 200)).toEqual([0, 0]);
    expect(await stepsCalledBy(batch([]), 200)).toEqual([1, 1]);
  });

  it("refuses the request, writing nothing, when the caller lacks prvBypassCustomBusinessLogic", async () => {
    const body = row();
    const reply = await api.call("msdyn_warehouses", {
      body,
      headers: { authorization: `Bearer ${PLAIN_TOKEN}`, [BYPASS]: "CustomSync,CustomAsync" },
    });
    expect(reply.status).toBe(403);
    expect(reply.json.error?.code).toBe("0x80040220");
    expect(reply.json.error?.message).toContain("prvBypassCustomBusinessLogic");
    const found = await api.call(
      `msdyn_warehouses?$select=msdyn_name&$filter=msdyn_warehouseidentifier eq '${body.msdyn_warehouseidentifier}'`,
    );
    expect(found.json.value).toEqual([]);
    // The same user without the header writes through every step.
    expect(await stepsCalledBy(create(PLAIN_TOKEN, {}))).toEqual([1, 1]);
  });

  it("takes MSCRM.BypassCustomPluginExecution: true (synchronous steps only) from a holder of prvBypassCustomPlugins only", async () => {
    const legacy = { "MSCRM.BypassCustomPluginExecution": "true" };
    // A System Administrator holds it.
    expect(await stepsCalledBy(create(TOKEN, legacy))).toEqual([0, 1]);
    // The FSI Integration role grants prvBypassCustomBusinessLogic, not the older privilege.
    const refused = await api.call("msdyn_warehouses", {
      body: row(),
      headers: { authorization: `Bearer ${INTEGRATION_TOKEN}`, ...legacy },
    });
    expect(refused.status).toBe(403);
    expect(refused.json.error?.message).toContain("prvBypassCustomPlugins");
    expect(await stepsCalledBy(create(TOKEN, { "MSCRM.BypassCustomPluginExecution": "false" }))).toEqual([1, 1]);
  });

  it("answers 400 to a value the header does not take", async () => {
    const reply = await api.call("msdyn_warehouses", {
      body: row(),
      headers: { authorization: `Bearer ${INTEGRATION_TOKEN}`, [BYPASS]: "CustomSync,Everything" },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error?.message).toContain("Everything");
  });

  it("recommends a degree of parallelism on every response (x-ms-dop-hint)", async () => {
    const reply = await api.call("WhoAmI");
    expect(Number(reply.headers.get("x-ms-dop-hint"))).toBeGreaterThan(0);
  });
});
