/**
 * The form host's `Xrm.WebApi` against the real Dataverse emulator over HTTP — used directly and
 * through dataverse-ify's `XrmContextDataverseClient`, exactly as the form scripts use it.
 */
import { EntityReference, XrmContextDataverseClient, setMetadataCache, type IEntity } from "dataverse-ify";
import { cdmCompany, environmentVariableDefinition, shipVia } from "@fsi/core";
import { entityMetadataFor, retrieveEnvironmentVariableValue } from "@fsi/forms/lib/dataverse";
import { startDataverseServer, type DataverseServer } from "../../dataverse";
import { CLIENT_STATE_HEADER, SandboxWebApi, WebApiError, parseBatchResponses } from "../client/web-api";
import { tableByLogicalName } from "@fsi/core/dataverse/tables";

/** The browser's localStorage: where changes made offline wait. */
class MemoryStorage {
  private readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

const device = new MemoryStorage();
let server: DataverseServer;
let offline = false;
let webApi: SandboxWebApi;
let companyId: string;

beforeAll(async () => {
  server = await startDataverseServer();
  webApi = new SandboxWebApi({
    apiUrl: server.apiUrl,
    token: "browser",
    isOffline: () => offline,
    deviceStorage: device,
    tableByLogicalName,
  });
  companyId = (await webApi.createRecord("cdm_company", { cdm_name: "Contoso USA (usmf)", cdm_companycode: "usmf" }))
    .id;
});

afterAll(() => server.close());

afterEach(() => {
  offline = false;
});

describe("the form host's Xrm.WebApi", () => {
  it("creates, retrieves with formatted values and lookup annotations, updates and deletes", async () => {
    const created = await webApi.createRecord("msdyn_shipvia", {
      msdyn_name: "AIR",
      msdyn_description: "Air freight",
      "msdyn_company@odata.bind": `/cdm_companies(${companyId})`,
    });
    expect(created.entityType).toBe("msdyn_shipvia");
    const row = await webApi.retrieveRecord(
      "msdyn_shipvia",
      `{${created.id.toUpperCase()}}`,
      "?$select=msdyn_name,_msdyn_company_value",
    );
    expect(row).toMatchObject({
      msdyn_name: "AIR",
      _msdyn_company_value: companyId,
      "_msdyn_company_value@OData.Community.Display.V1.FormattedValue": "Contoso USA (usmf)",
      "_msdyn_company_value@Microsoft.Dynamics.CRM.lookuplogicalname": "cdm_company",
    });
    await webApi.updateRecord("msdyn_shipvia", created.id, { msdyn_description: "Air freight, next day" });
    expect(
      (await webApi.retrieveRecord("msdyn_shipvia", created.id, "?$select=msdyn_description")).msdyn_description,
    ).toBe("Air freight, next day");
    await webApi.deleteRecord("msdyn_shipvia", created.id);
    await expect(webApi.retrieveRecord("msdyn_shipvia", created.id)).rejects.toMatchObject({
      code: "0x80040217",
      errorCode: 0x80040217,
      status: 404,
    });
  });

  it("pages retrieveMultipleRecords with maxPageSize and says where the next page is", async () => {
    for (const name of ["P1", "P2", "P3"])
      await webApi.createRecord("msdyn_shipvia", {
        msdyn_name: name,
        "msdyn_company@odata.bind": `/cdm_companies(${companyId})`,
      });
    const page = await webApi.retrieveMultipleRecords(
      "msdyn_shipvia",
      "?$select=msdyn_name&$filter=startswith(msdyn_name,'P')&$orderby=msdyn_name",
      2,
    );
    expect(page.entities.map((entity) => entity.msdyn_name)).toEqual(["P1", "P2"]);
    expect(page.nextLink).toContain("$skiptoken");
  });

  it("answers with the platform's error object, and knows no table the environment lacks", async () => {
    await expect(webApi.createRecord("msdyn_shipvia", { msdyn_description: "no name" })).rejects.toBeInstanceOf(
      WebApiError,
    );
    expect(() => webApi.entitySet("contoso_nothing")).toThrow(
      "The entity contoso_nothing does not exist in this environment.",
    );
  });

  it("sends x-fsi-client-state: offline while offline, so the emulator answers as the offline store", async () => {
    offline = true;
    await expect(
      webApi.retrieveMultipleRecords("msdyn_shipvia", "?$filter=contains(msdyn_name,'P')"),
    ).rejects.toMatchObject({ code: "0x80154B52" });
    expect(
      (await webApi.retrieveMultipleRecords("msdyn_shipvia", "?$filter=msdyn_name eq 'P1'")).entities,
    ).toHaveLength(1);
    offline = false;
    expect(
      (await webApi.retrieveMultipleRecords("msdyn_shipvia", "?$filter=contains(msdyn_name,'P')")).entities.length,
    ).toBeGreaterThan(0);
    expect(CLIENT_STATE_HEADER).toBe("x-fsi-client-state");
  });

  it("keeps creates, updates and deletes made offline on the device, uploads them in order once online, and keeps a refused one with the server's error", async () => {
    const gone = await webApi.createRecord("msdyn_shipvia", {
      msdyn_name: "OFF-GONE",
      "msdyn_company@odata.bind": `/cdm_companies(${companyId})`,
    });
    offline = true;
    const created = await webApi.createRecord("msdyn_shipvia", {
      msdyn_name: "OFF-1",
      msdyn_description: "first",
      "msdyn_company@odata.bind": `/cdm_companies(${companyId})`,
    });
    await webApi.updateRecord("msdyn_shipvia", created.id, { msdyn_description: "second" });
    const refused = await webApi.createRecord("msdyn_shipvia", { msdyn_description: "no name" });
    await webApi.deleteRecord("msdyn_shipvia", gone.id);
    // Nothing reached the server; the device holds three changes to upload (the update folded into its create).
    await expect(webApi.retrieveRecord("msdyn_shipvia", created.id)).rejects.toMatchObject({ status: 404 });
    expect(webApi.uploads.list().map((upload) => [upload.operation, upload.label, upload.changes])).toEqual([
      ["create", "OFF-1", 2],
      ["create", "Ship Via", 1],
      ["delete", "Ship Via", 1],
    ]);
    offline = false;
    await webApi.uploads.uploadAll();
    const row = await webApi.retrieveRecord("msdyn_shipvia", created.id, "?$select=msdyn_name,msdyn_description");
    expect(row).toMatchObject({ msdyn_name: "OFF-1", msdyn_description: "second" });
    await expect(webApi.retrieveRecord("msdyn_shipvia", gone.id)).rejects.toMatchObject({ status: 404 });
    const left = webApi.uploads.list();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ id: refused.id, operation: "create" });
    expect(left[0]?.error).toMatch(/is required and has no value/);
    webApi.uploads.discard(left[0]?.sequence ?? 0);
    expect(webApi.uploads.list()).toEqual([]);
  });

  describe("through dataverse-ify, as the form scripts call it", () => {
    let client: XrmContextDataverseClient;

    beforeAll(async () => {
      setMetadataCache({
        entities: { cdm_company: entityMetadataFor(cdmCompany), msdyn_shipvia: entityMetadataFor(shipVia) },
        actions: { [retrieveEnvironmentVariableValue.operationName]: retrieveEnvironmentVariableValue },
      });
      client = new XrmContextDataverseClient(webApi as unknown as Xrm.WebApi);
      const definition = await webApi.createRecord(environmentVariableDefinition.logicalName, {
        schemaname: "fsi_DefaultCompany",
        displayname: "Default company",
        type: 100000000,
        defaultvalue: "usmf",
      });
      expect(definition.id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("calls RetrieveEnvironmentVariableValue with online.execute", async () => {
      const reply = await client.execute<{ Value?: string }>({
        logicalName: "RetrieveEnvironmentVariableValue",
        DefinitionSchemaName: "fsi_DefaultCompany",
      });
      expect(reply?.Value).toBe("usmf");
    });

    it("reads rows with their lookups as entity references", async () => {
      const found = await client.retrieveMultiple<IEntity>(
        `?$select=cdm_companyid,cdm_name,cdm_companycode&$filter=cdm_companycode eq 'usmf'`,
        { logicalName: "cdm_company" },
      );
      expect(found.entities[0]).toMatchObject({ cdm_companycode: "usmf" });
      const id = await client.create({
        logicalName: "msdyn_shipvia",
        msdyn_name: "SEA",
        msdyn_company: new EntityReference("cdm_company", companyId),
      } as IEntity);
      const read = await client.retrieve<IEntity>("msdyn_shipvia", id, ["msdyn_name", "msdyn_company"]);
      expect(read.msdyn_company).toMatchObject({
        entityType: "cdm_company",
        id: companyId,
        name: "Contoso USA (usmf)",
      });
    });

    it("runs a change set with executeMultiple: all or nothing", async () => {
      const create = (name: string | undefined) => ({
        logicalName: "Create",
        target: {
          logicalName: "msdyn_shipvia",
          msdyn_name: name,
          msdyn_company: new EntityReference("cdm_company", companyId),
        },
      });
      const created = await client.executeMultiple<{ id: string }>([[create("CS1"), create("CS2")]]);
      expect(created?.map((response) => response.id)).toEqual([
        expect.stringMatching(/^[0-9a-f-]{36}$/),
        expect.stringMatching(/^[0-9a-f-]{36}$/),
      ]);
      await expect(client.executeMultiple([[create("CS3"), create(undefined)]])).rejects.toBeDefined();
      const kept = await webApi.retrieveMultipleRecords(
        "msdyn_shipvia",
        "?$select=msdyn_name&$filter=startswith(msdyn_name,'CS')&$orderby=msdyn_name",
      );
      expect(kept.entities.map((entity) => entity.msdyn_name)).toEqual(["CS1", "CS2"]);
    });
  });

  it("reads the responses of a $batch reply, change sets included", () => {
    const text = [
      "--batchresponse_1",
      "Content-Type: multipart/mixed; boundary=changesetresponse_2",
      "",
      "--changesetresponse_2",
      "Content-Type: application/http",
      "",
      "HTTP/1.1 204 No Content",
      "OData-EntityId: http://x/api/data/v9.2/accounts(11111111-1111-1111-1111-111111111111)",
      "",
      "",
      "--changesetresponse_2--",
      "--batchresponse_1",
      "Content-Type: application/http",
      "",
      "HTTP/1.1 200 OK",
      "Content-Type: application/json",
      "",
      '{"value":[]}',
      "--batchresponse_1--",
    ].join("\r\n");
    const responses = parseBatchResponses("multipart/mixed; boundary=batchresponse_1", text);
    expect(responses.map((response) => response.status)).toEqual([204, 200]);
    expect(responses[0]?.headers.get("odata-entityid")).toContain("11111111-1111-1111-1111-111111111111");
  });
});
