import { serviceEndpoint, warehouse } from "@fsi/core";
import { buildRemoteExecutionContext, type ExecutionContextInput } from "../pipeline/execution-context";
import { parseRemoteExecutionContext } from "./remote-execution-context.schema";
import { valueOf } from "./helpers";

const ids = {
  row: "6d81597f-0f9f-4711-8122-000d3aa2331c",
  company: "0f1e2d3c-4b5a-4697-8877-665544332211",
  user: "75c2dd85-e89e-4711-8122-000d3aa2331c",
  step: "75417616-4ea2-4711-8122-000d3aa2331c",
  other: "4ef5b371-e89e-4711-8122-000d3aa2331c",
};

function input(overrides: Partial<ExecutionContextInput> = {}): ExecutionContextInput {
  const attributes = {
    msdyn_warehouseid: ids.row,
    msdyn_name: "Main",
    msdyn_warehousetype: 192350001,
    msdyn_company: { id: ids.company, logicalName: "cdm_company" },
    createdon: "2024-05-01T08:30:00Z",
    msdyn_primaryaddresslatitude: 47.6,
    versionnumber: 42,
  };
  return {
    messageName: "Update",
    stage: 40,
    mode: 0,
    primaryEntityName: "msdyn_warehouse",
    primaryEntityId: ids.row,
    target: { kind: "entity", entity: { table: warehouse, id: ids.row, attributes, withFormattedValues: false } },
    preImages: [
      [
        "PreImage",
        {
          table: warehouse,
          id: ids.row,
          attributes: { msdyn_warehouseid: ids.row, msdyn_name: "Old" },
          withFormattedValues: true,
        },
      ],
    ],
    postImages: [["PostImage", { table: warehouse, id: ids.row, attributes, withFormattedValues: true }]],
    outputParameters: [],
    depth: 1,
    correlationId: "b374239d-4233-41a9-8b17-a86cb4f737b5",
    userId: ids.user,
    initiatingUserId: ids.user,
    businessUnitId: ids.other,
    organizationId: ids.other,
    organizationName: "fsisandbox",
    operationId: ids.other,
    operationCreatedOn: new Date(Date.UTC(2024, 4, 1, 8, 30, 0)),
    isInTransaction: true,
    owningExtension: { id: ids.step, name: "Warehouse sync" },
    parentContext: null,
    ...overrides,
  };
}

describe("RemoteExecutionContext builder", () => {
  it("produces the documented shape, properties in the data contract's alphabetical order", () => {
    const context = buildRemoteExecutionContext(input());
    expect(() => parseRemoteExecutionContext(context)).not.toThrow();
    const keys = Object.keys(context);
    expect(keys).toEqual([...keys].sort());
    expect(context.OperationCreatedOn).toBe(`/Date(${Date.UTC(2024, 4, 1, 8, 30, 0)})/`);
    expect(context.OwningExtension).toMatchObject({
      Id: ids.step,
      LogicalName: "sdkmessageprocessingstep",
      Name: "Warehouse sync",
    });
  });

  it("types values the way Dataverse serializes them", () => {
    const context = parseRemoteExecutionContext(buildRemoteExecutionContext(input()));
    const target = valueOf(context.InputParameters, "Target") as {
      Attributes: unknown;
      FormattedValues: unknown[];
      __type: string;
      RowVersion: string;
    };
    expect(target.__type).toBe("Entity:http://schemas.microsoft.com/xrm/2011/Contracts");
    expect(valueOf(target.Attributes, "msdyn_warehousetype")).toEqual({
      __type: "OptionSetValue:http://schemas.microsoft.com/xrm/2011/Contracts",
      Value: 192350001,
    });
    expect(valueOf(target.Attributes, "msdyn_company")).toEqual({
      __type: "EntityReference:http://schemas.microsoft.com/xrm/2011/Contracts",
      Id: ids.company,
      KeyAttributes: [],
      LogicalName: "cdm_company",
      Name: null,
      RowVersion: null,
    });
    expect(valueOf(target.Attributes, "createdon")).toBe(`/Date(${Date.UTC(2024, 4, 1, 8, 30, 0)})/`);
    expect(valueOf(target.Attributes, "msdyn_primaryaddresslatitude")).toBe(47.6);
    expect(target.FormattedValues).toEqual([]);
    expect(target.RowVersion).toBe("42");

    const post = valueOf(context.PostEntityImages, "PostImage") as { FormattedValues: unknown; __type?: string };
    expect(post.__type).toBeUndefined();
    expect(valueOf(post.FormattedValues, "msdyn_warehousetype")).toBe("Quarantine");
    const pre = valueOf(context.PreEntityImages, "PreImage") as { Attributes: unknown };
    expect(valueOf(pre.Attributes, "msdyn_name")).toBe("Old");
  });

  it("sends a Delete's Target as an EntityReference and nests a parent context", () => {
    const parent = buildRemoteExecutionContext(input());
    const context = buildRemoteExecutionContext(
      input({
        messageName: "Delete",
        target: { kind: "reference", logicalName: "msdyn_warehouse", id: ids.row },
        postImages: [],
        depth: 2,
        parentContext: parent,
      }),
    );
    const parsed = parseRemoteExecutionContext(context);
    expect(valueOf(parsed.InputParameters, "Target")).toMatchObject({ LogicalName: "msdyn_warehouse", Id: ids.row });
    expect(parsed.ParentContext?.MessageName).toBe("Update");
    expect(parsed.Depth).toBe(2);
  });

  it("never sends a secret column (a service endpoint's authvalue)", () => {
    const context = buildRemoteExecutionContext(
      input({
        primaryEntityName: "serviceendpoint",
        target: {
          kind: "entity",
          entity: {
            table: serviceEndpoint,
            id: ids.row,
            attributes: { name: "Hook", authvalue: "secret" },
            withFormattedValues: false,
          },
        },
        preImages: [],
        postImages: [],
      }),
    );
    expect(JSON.stringify(context)).not.toContain("secret");
  });
});
