/**
 * dataverse-ify's Node client, unchanged, against the emulator: NodeWebApi pointed at the sandbox
 * with a token we supply, the metadata cache built from the emulator's own EntityDefinitions.
 */
import { EntityReference, setMetadataCache, XrmContextDataverseClient, type IEntity } from "dataverse-ify";
import type { EntityWebApiMetadata } from "dataverse-ify/lib/metadata/EntityWebApiMetadata";
import { NodeWebApi } from "dataverse-ify/lib/webapi/node/NodeWebApi";
import type { NodeWebApiRequest } from "dataverse-ify/lib/webapi/node/NodeWebApiRequest";
import { warehouse } from "@fsi/core";
import { registerWebhook } from "../registration";
import { startApi, startReceiver, TOKEN, type Receiver, type TestApi } from "./helpers";

interface AttributeDefinition {
  LogicalName: string;
  AttributeType: string;
  Format?: string;
  DateTimeBehavior?: { Value: string };
  Targets?: string[];
}

/** dataverse-gen's metadata shape, read from `EntityDefinitions(LogicalName='x')?$expand=Attributes`. */
async function entityMetadataFor(api: TestApi, logicalName: string): Promise<EntityWebApiMetadata> {
  const definition = (
    await api.call(
      `EntityDefinitions(LogicalName='${logicalName}')?$select=LogicalName,EntitySetName,PrimaryIdAttribute&$expand=Attributes`,
    )
  ).json as {
    LogicalName: string;
    EntitySetName: string;
    PrimaryIdAttribute: string;
    Attributes: AttributeDefinition[];
  };
  const attributeTypes: Record<string, string> = {};
  const navigation: Record<string, string[]> = {};
  for (const attribute of definition.Attributes) {
    if (["Integer", "Double", "Decimal", "Money", "BigInt"].includes(attribute.AttributeType))
      attributeTypes[attribute.LogicalName] = attribute.AttributeType;
    if (["Picklist", "State", "Status"].includes(attribute.AttributeType))
      attributeTypes[attribute.LogicalName] = "Optionset";
    if (attribute.AttributeType === "DateTime")
      attributeTypes[attribute.LogicalName] =
        `${attribute.Format ?? "DateAndTime"}:${attribute.DateTimeBehavior?.Value ?? "UserLocal"}`;
    if (attribute.AttributeType === "Lookup")
      navigation[attribute.LogicalName] = (attribute.Targets ?? []).map((target) => `mscrm.${target}`);
  }
  return {
    typeName: `mscrm.${definition.LogicalName}`,
    logicalName: definition.LogicalName,
    collectionName: definition.EntitySetName,
    primaryIdAttribute: definition.PrimaryIdAttribute,
    attributeTypes,
    navigation,
  };
}

interface Warehouse extends IEntity {
  msdyn_warehouseid?: string;
  msdyn_name?: string;
  msdyn_warehouseidentifier?: string;
  msdyn_warehousetype?: number;
  msdyn_description?: string | null;
  msdyn_company?: EntityReference;
  createdon?: Date;
}

describe("dataverse-ify's Node client against the emulator", () => {
  let api: TestApi;
  let webApi: NodeWebApi;
  let client: XrmContextDataverseClient;
  let company: string;

  beforeAll(async () => {
    api = await startApi();
    webApi = new NodeWebApi(api.server.url, "9.2");
    (webApi.getRequestImplementation() as NodeWebApiRequest).setAccessToken(TOKEN);
    client = new XrmContextDataverseClient(webApi as unknown as Xrm.WebApi);
    setMetadataCache({
      entities: {
        msdyn_warehouse: await entityMetadataFor(api, "msdyn_warehouse"),
        cdm_company: await entityMetadataFor(api, "cdm_company"),
      },
    });
    company = await client.create({ logicalName: "cdm_company", cdm_name: "USMF", cdm_companycode: "usmf" });
  });
  afterAll(() => api.close());

  it("creates, retrieves, updates and deletes a row with lookups, choices and dates", async () => {
    const id = await client.create({
      logicalName: "msdyn_warehouse",
      msdyn_name: "Main",
      msdyn_warehouseidentifier: "11",
      msdyn_warehousetype: 192350002,
      msdyn_company: new EntityReference("cdm_company", company),
    } as Warehouse);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const read = await client.retrieve<Warehouse>("msdyn_warehouse", id, [
      "msdyn_name",
      "msdyn_company",
      "msdyn_warehousetype",
      "createdon",
    ]);
    expect(read.msdyn_name).toBe("Main");
    expect(read.msdyn_company).toMatchObject({ entityType: "cdm_company", id: company, name: "USMF" });
    expect(read.msdyn_warehousetype).toBe(192350002);
    expect(read.formattedValues?.msdyn_warehousetype).toBe("Transit");
    expect(read.createdon).toBeInstanceOf(Date);

    await client.update({
      logicalName: "msdyn_warehouse",
      msdyn_warehouseid: id,
      msdyn_description: "Updated through dataverse-ify",
    } as Warehouse);
    expect((await client.retrieve<Warehouse>("msdyn_warehouse", id, ["msdyn_description"])).msdyn_description).toBe(
      "Updated through dataverse-ify",
    );

    await client.delete("msdyn_warehouse", id);
    await expect(client.retrieve("msdyn_warehouse", id, true)).rejects.toMatchObject({ code: "0x80040217" });
  });

  it("queries with OData, pages with maxPageSize and surfaces Dataverse errors", async () => {
    for (const identifier of ["Q1", "Q2", "Q3"]) {
      await client.create({
        logicalName: "msdyn_warehouse",
        msdyn_name: `Query ${identifier}`,
        msdyn_warehouseidentifier: identifier,
        msdyn_company: new EntityReference("cdm_company", company),
      } as Warehouse);
    }
    const found = await client.retrieveMultiple<Warehouse>(
      `?$select=msdyn_name&$filter=startswith(msdyn_name,'Query')&$orderby=msdyn_name desc`,
      { logicalName: "msdyn_warehouse" },
    );
    expect(found.entities.map((row) => row.msdyn_name)).toEqual(["Query Q3", "Query Q2", "Query Q1"]);

    const page = await client.retrieveMultiple<Warehouse>(
      "?$select=msdyn_name&$filter=startswith(msdyn_name,'Query')",
      { logicalName: "msdyn_warehouse", maxPageSize: 2 },
    );
    expect(page.entities).toHaveLength(2);
    expect(page.nextLink).toContain("$skiptoken");

    await expect(
      client.create({
        logicalName: "msdyn_warehouse",
        msdyn_name: "Again",
        msdyn_warehouseidentifier: "Q1",
        msdyn_company: new EntityReference("cdm_company", company),
      } as Warehouse),
    ).rejects.toMatchObject({ code: "0x80040237" });
  });

  it("runs a change set with executeMultiple, all or nothing", async () => {
    const create = (identifier: string, name: string | undefined) => ({
      logicalName: "Create",
      target: {
        logicalName: "msdyn_warehouse",
        msdyn_name: name,
        msdyn_warehouseidentifier: identifier,
        msdyn_company: new EntityReference("cdm_company", company),
      },
    });
    const created = await client.executeMultiple<{ id: string }>([[create("B1", "Batch 1"), create("B2", "Batch 2")]]);
    expect(created?.map((response) => response.id)).toHaveLength(2);

    await expect(client.executeMultiple([[create("B3", "Batch 3"), create("B4", undefined)]])).rejects.toMatchObject({
      code: "0x80040203",
    });
    const kept = await client.retrieveMultiple<Warehouse>(
      "?$select=msdyn_warehouseidentifier&$filter=startswith(msdyn_warehouseidentifier,'B')",
      { logicalName: "msdyn_warehouse" },
    );
    expect(kept.entities.map((row) => row.msdyn_warehouseidentifier).sort()).toEqual(["B1", "B2"]);
  });

  it("calls WhoAmI through execute", async () => {
    const response = await webApi.execute({
      getMetadata: () => ({ parameterTypes: {}, operationType: 1, operationName: "WhoAmI" }),
    });
    const body = (await (response as Xrm.ExecuteResponse).json()) as { UserId: string };
    expect(body.UserId).toBe(api.server.emulator.defaultUserId);
  });

  it("gets a sync step's failure as Dataverse's plug-in error and writes nothing", async () => {
    const receiver: Receiver = await startReceiver(() => 400);
    try {
      await registerWebhook(api.server.emulator, { name: "Validation", url: receiver.url }, [
        { name: "Refuse", message: "Create", table: warehouse, stage: 10 },
      ]);
      await expect(
        client.create({
          logicalName: "msdyn_warehouse",
          msdyn_name: "Refused",
          msdyn_warehouseidentifier: "NO",
          msdyn_company: new EntityReference("cdm_company", company),
        } as Warehouse),
      ).rejects.toMatchObject({ code: "0x80050201" });
      const none = await client.retrieveMultiple<Warehouse>(
        "?$select=msdyn_name&$filter=msdyn_warehouseidentifier eq 'NO'",
        { logicalName: "msdyn_warehouse" },
      );
      expect(none.entities).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
