import { warehouse } from "@fsi/core/dataverse/tables";
import { mergedRecord } from "../entity-record";
import {
  InvalidExecutionContextError,
  parseExecutionContext,
  postImageOf,
  preImageOf,
  targetOf,
} from "../execution-context";
import { isSdkEntity, isSdkEntityReference } from "../sdk-values";

const CONTRACTS = "http://schemas.microsoft.com/xrm/2011/Contracts";
const ROW_ID = "5a1b2c3d-0000-4000-8000-000000000001";
const SITE_ID = "5a1b2c3d-0000-4000-8000-0000000000a1";
const COMPANY_ID = "5a1b2c3d-0000-4000-8000-0000000000c1";
const USER_ID = "5a1b2c3d-0000-4000-8000-0000000000e1";

/** The shape of Learn's sample webhook body ("Use webhooks ..."), for an Update of a warehouse. */
function updateContext(): Record<string, unknown> {
  return {
    BusinessUnitId: "5a1b2c3d-0000-4000-8000-0000000000b1",
    CorrelationId: "9F2B8E3A-1234-4ABC-8DEF-0123456789AB",
    Depth: 1,
    InitiatingUserAzureActiveDirectoryObjectId: "00000000-0000-0000-0000-000000000000",
    InitiatingUserId: USER_ID,
    InputParameters: [
      {
        key: "Target",
        value: {
          __type: `Entity:${CONTRACTS}`,
          Attributes: [
            { key: "msdyn_name", value: "Main warehouse" },
            { key: "msdyn_warehousetype", value: { __type: `OptionSetValue:${CONTRACTS}`, Value: 192350001 } },
            {
              key: "msdyn_operationalsite",
              value: {
                __type: `EntityReference:${CONTRACTS}`,
                Id: SITE_ID,
                KeyAttributes: [],
                LogicalName: "msdyn_operationalsite",
                Name: "Site 1",
                RowVersion: null,
              },
            },
            { key: "modifiedon", value: "/Date(1714550400000)/" },
            {
              key: "ownerid",
              value: {
                __type: `EntityReference:${CONTRACTS}`,
                Id: USER_ID,
                KeyAttributes: [],
                LogicalName: "systemuser",
                Name: null,
                RowVersion: null,
              },
            },
            { key: "some_unknown_money", value: { __type: `Money:${CONTRACTS}`, Value: 12.5 } },
          ],
          EntityState: null,
          FormattedValues: [{ key: "msdyn_warehousetype", value: "Quarantine" }],
          Id: ROW_ID,
          KeyAttributes: [],
          LogicalName: "msdyn_warehouse",
          RelatedEntities: [],
          RowVersion: "1234",
        },
      },
    ],
    IsExecutingOffline: false,
    IsInTransaction: true,
    MessageName: "Update",
    Mode: 0,
    OperationCreatedOn: "/Date(1714550400000+0000)/",
    OrganizationId: "5a1b2c3d-0000-4000-8000-0000000000f1",
    OrganizationName: "contoso",
    OutputParameters: [],
    OwningExtension: {
      Id: "5a1b2c3d-0000-4000-8000-0000000000d1",
      KeyAttributes: [],
      LogicalName: "sdkmessageprocessingstep",
      Name: "step",
      RowVersion: null,
    },
    ParentContext: null,
    PostEntityImages: [],
    PreEntityImages: [
      {
        key: "PreImage",
        value: {
          Attributes: [
            { key: "msdyn_name", value: "Old name" },
            { key: "msdyn_warehouseidentifier", value: "W1" },
            {
              key: "msdyn_company",
              value: {
                __type: `EntityReference:${CONTRACTS}`,
                Id: COMPANY_ID,
                KeyAttributes: [],
                LogicalName: "cdm_company",
                Name: "USMF",
                RowVersion: null,
              },
            },
            { key: "msdyn_primaryaddresslatitude", value: 47.61 },
          ],
          EntityState: null,
          FormattedValues: [],
          Id: ROW_ID,
          KeyAttributes: [],
          LogicalName: "msdyn_warehouse",
          RelatedEntities: [],
          RowVersion: "1200",
        },
      },
    ],
    PrimaryEntityId: ROW_ID,
    PrimaryEntityName: "msdyn_warehouse",
    RequestId: null,
    SecondaryEntityName: "none",
    SharedVariables: [
      { key: "tag", value: "fsi-integration" },
      { key: "IsAutoTransact", value: true },
    ],
    Stage: 10,
    UserId: USER_ID,
  };
}

describe("parseExecutionContext", () => {
  it("reads the documented RemoteExecutionContext shape into a typed view", () => {
    const context = parseExecutionContext(updateContext());
    expect(context).toMatchObject({
      messageName: "Update",
      primaryEntityName: "msdyn_warehouse",
      primaryEntityId: ROW_ID,
      stage: 10,
      mode: "synchronous",
      depth: 1,
      correlationId: "9f2b8e3a-1234-4abc-8def-0123456789ab",
      organizationName: "contoso",
    });
    expect(context.sharedVariables).toEqual({ tag: "fsi-integration", IsAutoTransact: true });
    const target = targetOf(context);
    expect(isSdkEntity(target)).toBe(true);
    if (!isSdkEntity(target)) return;
    expect(target.attributes.msdyn_warehousetype).toEqual({ kind: "OptionSetValue", value: 192350001 });
    expect(target.attributes.some_unknown_money).toEqual({ kind: "Money", value: 12.5 });
    expect(target.attributes.modifiedon).toEqual(new Date(1714550400000));
    expect(target.formattedValues).toEqual({ msdyn_warehousetype: "Quarantine" });
    expect(target.rowVersion).toBe("1234");
    expect(preImageOf(context)?.attributes.msdyn_warehouseidentifier).toBe("W1");
    expect(postImageOf(context)).toBeUndefined();
  });

  it("merges the pre image under the Target's changes, keeping only the table's columns", () => {
    const context = parseExecutionContext(updateContext());
    const target = targetOf(context);
    if (!isSdkEntity(target)) throw new Error("expected an entity target");
    const record = mergedRecord(warehouse, target, preImageOf(context));
    expect(record).toEqual({
      msdyn_name: "Main warehouse",
      msdyn_warehouseidentifier: "W1",
      msdyn_warehousetype: 192350001,
      msdyn_operationalsite: { id: SITE_ID, logicalName: "msdyn_operationalsite", name: "Site 1" },
      msdyn_company: { id: COMPANY_ID, logicalName: "cdm_company", name: "USMF" },
      msdyn_primaryaddresslatitude: 47.61,
      modifiedon: "2024-05-01T08:00:00.000Z",
    });
  });

  it("reads a Delete's Target as an EntityReference", () => {
    const json: Record<string, unknown> = { ...updateContext(), MessageName: "Delete", Stage: 40 };
    json.InputParameters = [
      {
        key: "Target",
        value: {
          __type: `EntityReference:${CONTRACTS}`,
          Id: ROW_ID,
          KeyAttributes: [],
          LogicalName: "msdyn_warehouse",
          Name: null,
          RowVersion: null,
        },
      },
    ];
    const target = targetOf(parseExecutionContext(json));
    expect(isSdkEntityReference(target) && target.id).toBe(ROW_ID);
  });

  it("keeps a tagged value of a type it does not interpret instead of refusing the context", () => {
    const json = updateContext();
    const [first] = json.InputParameters as [{ value: { Attributes: unknown[] } }];
    first.value.Attributes.push({ key: "x", value: { __type: `AliasedValue:${CONTRACTS}`, Value: 1 } });
    const target = targetOf(parseExecutionContext(json));
    expect(isSdkEntity(target) && target.attributes.x).toEqual({ kind: "Opaque", type: "AliasedValue" });
  });

  it.each([
    ["a missing MessageName", (json: Record<string, unknown>) => void delete json.MessageName, "$.MessageName"],
    [
      "a PrimaryEntityId that is not a GUID",
      (json: Record<string, unknown>) => void (json.PrimaryEntityId = "12"),
      "$.PrimaryEntityId: must be a GUID",
    ],
    [
      "an unknown stage",
      (json: Record<string, unknown>) => void (json.Stage = 15),
      "$.Stage: must be a pipeline stage",
    ],
    [
      "Mode 2",
      (json: Record<string, unknown>) => void (json.Mode = 2),
      "$.Mode: must be 0 (synchronous) or 1 (asynchronous)",
    ],
    [
      "InputParameters that are not a key/value array",
      (json: Record<string, unknown>) => void (json.InputParameters = { Target: 1 }),
      "$.InputParameters",
    ],
    [
      "an OptionSetValue without a number",
      (json: Record<string, unknown>) => {
        const [first] = json.InputParameters as [{ value: { Attributes: { value: unknown }[] } }];
        first.value.Attributes[1] = {
          key: "msdyn_warehousetype",
          value: { __type: `OptionSetValue:${CONTRACTS}`, Value: "x" },
        } as { value: unknown };
      },
      "$.InputParameters[0].value.Attributes[1].value.Value: must be a number",
    ],
    [
      "an object value without a __type",
      (json: Record<string, unknown>) => {
        const [first] = json.InputParameters as [{ value: { Attributes: { value: unknown }[] } }];
        first.value.Attributes[0] = { key: "msdyn_name", value: { Value: 1 } } as { value: unknown };
      },
      '$.InputParameters[0].value.Attributes[0].value: an object value must carry a "__type" tag',
    ],
  ])("refuses %s, naming where", (_what, mutate, expected) => {
    const json = updateContext();
    mutate(json);
    let error: unknown;
    try {
      parseExecutionContext(json);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidExecutionContextError);
    expect((error as Error).message).toContain(expected);
  });

  it("refuses a body that is not an object", () => {
    expect(() => parseExecutionContext([1, 2])).toThrow(InvalidExecutionContextError);
    expect(() => parseExecutionContext("text")).toThrow(/RemoteExecutionContext/);
  });
});
