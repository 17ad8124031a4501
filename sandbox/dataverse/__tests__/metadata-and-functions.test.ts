import { entityIdOf, startApi, type TestApi } from "./helpers";

describe("Dataverse emulator: metadata, functions and environment variables", () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it("describes a table in EntityDefinitions(LogicalName='x')", async () => {
    const reply = await api.call(
      "EntityDefinitions(LogicalName='msdyn_warehouse')?$select=LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute",
    );
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({
      LogicalName: "msdyn_warehouse",
      EntitySetName: "msdyn_warehouses",
      PrimaryIdAttribute: "msdyn_warehouseid",
      PrimaryNameAttribute: "msdyn_name",
    });
    expect(reply.json.MetadataId).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.json).not.toHaveProperty("DisplayName");
  });

  it("lists attributes with their types, lengths, ranges and lookup targets", async () => {
    const reply = await api.call("EntityDefinitions(LogicalName='msdyn_warehouse')?$expand=Attributes,Keys");
    const attributes = (reply.json.Attributes ?? []) as Record<string, unknown>[];
    const byName = new Map(attributes.map((attribute) => [attribute.LogicalName, attribute]));
    expect(byName.get("msdyn_name")).toMatchObject({
      AttributeType: "String",
      MaxLength: 100,
      RequiredLevel: { Value: "ApplicationRequired" },
      IsPrimaryName: true,
    });
    expect(byName.get("msdyn_company")).toMatchObject({
      AttributeType: "Lookup",
      Targets: ["cdm_company"],
      IsValidForUpdate: false,
      "@odata.type": "#Microsoft.Dynamics.CRM.LookupAttributeMetadata",
    });
    expect(byName.get("msdyn_primaryaddresslatitude")).toMatchObject({
      AttributeType: "Double",
      MinValue: -90,
      MaxValue: 90,
      Precision: 5,
    });
    expect(byName.get("msdyn_warehousetype")).toMatchObject({ AttributeType: "Picklist" });
    expect(byName.get("createdon")).toMatchObject({
      AttributeType: "DateTime",
      DateTimeBehavior: { Value: "UserLocal" },
      IsValidForCreate: false,
    });
    expect(reply.json.Keys).toEqual([
      expect.objectContaining({ KeyAttributes: ["msdyn_warehouseidentifier", "msdyn_company"] }),
    ]);
  });

  it("serves a table's attributes, filtered by type cast with their option sets", async () => {
    const reply = await api.call(
      "EntityDefinitions(LogicalName='msdyn_warehouse')/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet",
    );
    expect(reply.json.value?.map((attribute) => attribute.LogicalName).sort()).toEqual([
      "fsi_scmsyncstatus",
      "msdyn_warehousetype",
    ]);
    const type = reply.json.value?.find((attribute) => attribute.LogicalName === "msdyn_warehousetype") as {
      OptionSet: { Options: { Value: number; Label: { UserLocalizedLabel: unknown } }[] };
    };
    expect(type.OptionSet.Options.find((option) => option.Value === 192350001)?.Label.UserLocalizedLabel).toEqual({
      Label: "Quarantine",
      LanguageCode: 1033,
    });
    const one = await api.call(
      "EntityDefinitions(LogicalName='msdyn_warehouse')/Attributes(LogicalName='msdyn_name')?$select=LogicalName,MaxLength",
    );
    expect(one.json).toMatchObject({ LogicalName: "msdyn_name", MaxLength: 100 });
  });

  it("filters EntityDefinitions by logical name and refuses what it cannot answer", async () => {
    const reply = await api.call(
      `EntityDefinitions?$select=LogicalName,EntitySetName&$filter=${encodeURIComponent("LogicalName eq 'account' or LogicalName eq 'cdm_company'")}`,
    );
    expect(reply.json.value?.map((entity) => entity.EntitySetName).sort()).toEqual(["accounts", "cdm_companies"]);
    expect((await api.call("EntityDefinitions(LogicalName='nope')")).status).toBe(404);
    expect((await api.call("EntityDefinitions?$select=Nope")).status).toBe(400);
    expect((await api.call(`EntityDefinitions?$filter=${encodeURIComponent("IsCustomEntity eq true")}`)).status).toBe(
      400,
    );
  });

  it("reads environment variables with RetrieveEnvironmentVariableValue: the value, else the default", async () => {
    const definition = entityIdOf(
      await api.call("environmentvariabledefinitions", {
        body: { schemaname: "fsi_NearbyRadiusKm", displayname: "Nearby radius", type: 100000001, defaultvalue: "50" },
      }),
    );
    const read = () => api.call("RetrieveEnvironmentVariableValue(DefinitionSchemaName='fsi_NearbyRadiusKm')");
    expect((await read()).json).toMatchObject({ Value: "50" });
    await api.call("environmentvariablevalues", {
      body: {
        schemaname: "fsi_NearbyRadiusKm",
        value: "25",
        "EnvironmentVariableDefinitionId@odata.bind": `/environmentvariabledefinitions(${definition})`,
      },
    });
    const current = await read();
    expect(current.json).toEqual({
      "@odata.context": `${api.server.apiUrl}$metadata#Microsoft.Dynamics.CRM.RetrieveEnvironmentVariableValueResponse`,
      Value: "25",
    });
    const aliased = await api.call(
      `RetrieveEnvironmentVariableValue(DefinitionSchemaName=@name)?@name=${encodeURIComponent("'fsi_NearbyRadiusKm'")}`,
    );
    expect(aliased.json.Value).toBe("25");
    const byKey = await api.call(
      "environmentvariabledefinitions(schemaname='fsi_NearbyRadiusKm')?$select=defaultvalue",
    );
    expect(byKey.json.defaultvalue).toBe("50");
    const missing = await api.call("RetrieveEnvironmentVariableValue(DefinitionSchemaName='fsi_Missing')");
    expect(missing.status).toBe(404);
    expect(missing.json.error?.code).toBe("0x80040217");
    expect((await api.call("RetrieveEnvironmentVariableValue(Name='x')")).status).toBe(400);
  });

  it("lists the entity sets in the service document", async () => {
    const reply = await api.call("");
    expect(reply.json.value).toEqual(
      expect.arrayContaining([{ name: "msdyn_warehouses", kind: "EntitySet", url: "msdyn_warehouses" }]),
    );
  });
});
