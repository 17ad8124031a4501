/**
 * What `fsi setup` / `fsi doctor` ask Dataverse, answered as Dataverse answers: a user's privileges
 * (RetrieveUserPrivileges), the installed solutions, and whether a service endpoint's unreadable
 * key is set (isauthvalueset).
 */
import { ServiceEndpointAuthType, ServiceEndpointContract } from "@fsi/core";
import { fsiIntegrationRole, rolePrivileges } from "@fsi/solution/components/security-roles";
import { stableId } from "../pipeline/registrations";
import { entityIdOf, startApi, TOKEN, type TestApi } from "./helpers";

const admin = { id: stableId("systemuser:setup-admin"), fullname: "Admin", domainname: "admin@test.local" };
const integration = {
  id: stableId("systemuser:setup-integration"),
  fullname: "Integration",
  domainname: "app@test.local",
};
const INTEGRATION_TOKEN = "integration-token";

describe("Dataverse emulator: the messages fsi setup and fsi doctor use", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({
      users: [admin, integration],
      tokens: { [TOKEN]: admin.id, [INTEGRATION_TOKEN]: integration.id },
      privileges: { [integration.id]: rolePrivileges(fsiIntegrationRole) },
      installedSolutions: [{ uniquename: "FieldService", friendlyname: "Field Service", version: "8.8.0.0" }],
    });
  });
  afterAll(() => api.close());

  it("answers RetrieveUserPrivileges with the RolePrivilege of every privilege the user's roles grant", async () => {
    const reply = await api.call(`systemusers(${integration.id})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`);
    expect(reply.status).toBe(200);
    const privileges = reply.json.RolePrivileges as {
      PrivilegeName: string;
      Depth: string;
      PrivilegeId: string;
      BusinessUnitId: string;
    }[];
    expect(privileges.map((privilege) => privilege.PrivilegeName).sort()).toEqual(
      [...new Set(rolePrivileges(fsiIntegrationRole))].sort(),
    );
    expect(privileges[0]).toEqual({
      PrivilegeName: expect.any(String) as unknown,
      Depth: "Global",
      PrivilegeId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      BusinessUnitId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
    });
  });

  it("answers a System Administrator's privileges as every privilege", async () => {
    const reply = await api.call(`systemusers(${admin.id})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges`);
    const names = (reply.json.RolePrivileges as { PrivilegeName: string }[]).map(
      (privilege) => privilege.PrivilegeName,
    );
    expect(names).toEqual(
      expect.arrayContaining([
        "prvReadmsdyn_warehouse",
        "prvWriteServiceEndpoint",
        "prvCreateEnvironmentVariableValue",
      ]),
    );
  });

  it("refuses RetrieveUserPrivileges to a caller who may not read security roles, and for a user that does not exist", async () => {
    const denied = await api.call(`systemusers(${admin.id})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`, {
      headers: { authorization: `Bearer ${INTEGRATION_TOKEN}` },
    });
    expect([denied.status, denied.json.error?.code]).toEqual([403, "0x80040220"]);
    expect(denied.json.error?.message).toContain("prvReadRole");
    const missing = await api.call(
      `systemusers(${stableId("systemuser:nobody")})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`,
    );
    expect([missing.status, missing.json.error?.code]).toEqual([404, "0x80040217"]);
    const posted = await api.call(`systemusers(${admin.id})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`, {
      method: "POST",
      body: {},
    });
    expect(posted.status).toBe(404);
  });

  it("lists the installed solutions it was given", async () => {
    const reply = await api.call("solutions?$select=uniquename,version&$filter=uniquename eq 'FieldService'");
    expect(reply.json.value).toEqual([expect.objectContaining({ uniquename: "FieldService", version: "8.8.0.0" })]);
  });

  it("keeps a service endpoint's key unreadable and says whether it is set (isauthvalueset)", async () => {
    const created = await api.call("serviceendpoints", {
      body: {
        name: "FSI probe",
        contract: ServiceEndpointContract.Webhook,
        url: "https://host.example/x",
        authtype: ServiceEndpointAuthType.HttpHeader,
        messageformat: 2,
      },
    });
    const id = entityIdOf(created);
    const read = async () => (await api.call(`serviceendpoints(${id})?$select=isauthvalueset,authtype`)).json;
    expect(await read()).toMatchObject({ isauthvalueset: false });
    await api.call(`serviceendpoints(${id})`, {
      method: "PATCH",
      body: { authvalue: '<settings><setting name="x-k" value="v" /></settings>' },
    });
    const after = await read();
    expect(after).toMatchObject({ isauthvalueset: true });
    expect(after).not.toHaveProperty("authvalue");
    await api.call(`serviceendpoints(${id})`, { method: "PATCH", body: { url: "https://host.example/y" } });
    expect(await read()).toMatchObject({ isauthvalueset: true });
    const refused = await api.call(`serviceendpoints(${id})`, { method: "PATCH", body: { isauthvalueset: true } });
    expect(refused.status).toBe(400);
  });
});
