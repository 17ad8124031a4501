import { integrationTableNames, tableByLogicalName } from "@fsi/core";
import { mainForms, formScriptNamespaces } from "../components/forms";
import { byPath, compareTrees, readTree } from "../file-tree";
import { attributeXml } from "../generate/attributes";
import { generateSourceFiles } from "../generate/source-files";
import { packageVersion, sourceFolder } from "../paths";
import { attribute, childElement, childElements, childText, descendants, parseXml } from "../xml";

const generated = generateSourceFiles(packageVersion());

function generatedXml(file: string) {
  const text = generated.get(file);
  if (text === undefined) throw new Error(`${file} was not generated`);
  return parseXml(text, file);
}

describe("solution/src", () => {
  it("is what the generator writes from core: run npx tsx solution/generate/cli.ts after changing core or the components", () => {
    const expected = byPath([...generated].map(([file, text]) => [file, Buffer.from(text, "utf8")] as const));
    expect(compareTrees(expected, readTree(sourceFolder))).toEqual({ missing: [], changed: [], extra: [] });
  });

  it("gives each of Microsoft's tables exactly our fsi_ columns from core, as a shell", () => {
    for (const tableName of [
      ...integrationTableNames,
      "msdyn_workorder",
      "msdyn_workorderproduct",
      "msdyn_productinventory",
      "msdyn_inventoryadjustment",
      "msdyn_inventorytransfer",
    ]) {
      const entity = generatedXml(`Entities/${tableName}/Entity.xml`);
      const attributes = childElement(
        childElement(childElement(entity, "EntityInfo") ?? entity, "entity") ?? entity,
        "attributes",
      );
      const names = childElements(attributes ?? entity, "attribute").map((element) =>
        childText(element, "LogicalName"),
      );
      const ours = Object.keys(tableByLogicalName(tableName)?.columns ?? {}).filter((column) =>
        column.startsWith("fsi_"),
      );
      expect(names).toEqual(ours);
      expect(
        attribute(childElement(childElement(entity, "EntityInfo") ?? entity, "entity") ?? entity, "unmodified"),
      ).toBe("1");
    }
    const asset = generatedXml("Entities/msdyn_customerasset/Entity.xml");
    expect(descendants(asset, (element) => element.name === "LogicalName").map((element) => element.text)).toEqual([
      "fsi_activefrom",
      "fsi_activeto",
      "fsi_origin",
      "fsi_scmsyncstatus",
      "fsi_scmlastsyncedon",
      "fsi_scmlasterror",
    ]);
  });

  it("writes our choice values with the publisher's 71690 option value prefix", () => {
    const warehouse = generatedXml("Entities/msdyn_warehouse/Entity.xml");
    const values = descendants(warehouse, (element) => element.name === "option").map((option) =>
      attribute(option, "value"),
    );
    expect(values).toEqual(["716900000", "716900001", "716900002", "716900003"]);
    const solution = generatedXml("Other/Solution.xml");
    expect(descendants(solution, (element) => element.name === "CustomizationOptionValuePrefix")[0]?.text).toBe(
      "71690",
    );
    expect(descendants(solution, (element) => element.name === "CustomizationPrefix")[0]?.text).toBe("fsi");
  });

  it("registers FSI.Forms.<Table>.onLoad and .onSave with the execution context on each integration table's form", () => {
    for (const table of integrationTableNames) {
      const form = mainForms.find((candidate) => candidate.table === table);
      if (form === undefined) throw new Error(`no form for ${table}`);
      const file = generatedXml(`Entities/${table}/FormXml/main/{${form.id}}.xml`);
      const handlers = descendants(file, (element) => element.name === "Handler").map((handler) => [
        attribute(handler, "functionName"),
        attribute(handler, "libraryName"),
        attribute(handler, "passExecutionContext"),
      ]);
      expect(handlers).toEqual([
        [`${formScriptNamespaces[table]}.onLoad`, "fsi_/scripts/forms.js", "true"],
        [`${formScriptNamespaces[table]}.onSave`, "fsi_/scripts/forms.js", "true"],
      ]);
      const events = descendants(file, (element) => element.name === "event").map((event) => attribute(event, "name"));
      expect(events).toEqual(["onload", "onsave"]);
      const components = descendants(file, (element) => element.name === "customControl").flatMap(
        (control) => attribute(control, "name") ?? [],
      );
      expect(new Set(components)).toEqual(
        new Set([
          "fsi_FieldServiceScm.ScmIntegrationPanel",
          ...(table === "msdyn_warehouse" ? ["fsi_FieldServiceScm.WarehouseOnHand"] : []),
        ]),
      );
    }
  });

  it("puts the on-hand panel on the warehouse form in its own section, on the identifier, its cell label hidden", () => {
    const form = mainForms.find((candidate) => candidate.table === "msdyn_warehouse");
    if (form === undefined) throw new Error("no warehouse form");
    const file = generatedXml(`Entities/msdyn_warehouse/FormXml/main/{${form.id}}.xml`);
    const section = descendants(file, (element) => element.name === "section").find(
      (element) => attribute(element, "name") === "onhand",
    );
    if (section === undefined) throw new Error("no onhand section");
    expect(
      descendants(section, (element) => element.name === "label").map((label) => [
        attribute(label, "languagecode"),
        attribute(label, "description"),
      ]),
    ).toEqual([
      ["1033", "On hand"],
      ["1036", "En stock"],
      ["1033", "Items on hand"],
      ["1036", "Articles en stock"],
    ]);
    const cell = descendants(section, (element) => element.name === "cell")[0];
    expect(cell === undefined ? undefined : attribute(cell, "showlabel")).toBe("false");
    const control = cell === undefined ? undefined : childElement(cell, "control");
    expect(control === undefined ? undefined : attribute(control, "datafieldname")).toBe("msdyn_warehouseidentifier");
    // A second control on the column gets the next id; its description names the component per client.
    expect(control === undefined ? undefined : attribute(control, "id")).toBe("msdyn_warehouseidentifier1");
    const uniqueId = control === undefined ? undefined : attribute(control, "uniqueid");
    const description = descendants(
      file,
      (element) => element.name === "controlDescription" && attribute(element, "forControl") === uniqueId,
    )[0];
    const custom = descendants(description ?? file, (element) => element.name === "customControl").filter(
      (element) => attribute(element, "formFactor") !== undefined,
    );
    expect(custom.map((element) => [attribute(element, "formFactor"), attribute(element, "name")])).toEqual([
      ["0", "fsi_FieldServiceScm.WarehouseOnHand"],
      ["1", "fsi_FieldServiceScm.WarehouseOnHand"],
      ["2", "fsi_FieldServiceScm.WarehouseOnHand"],
    ]);
    expect(
      custom.map((element) =>
        childElement(element, "parameters")?.children.map((parameter) => [parameter.name, parameter.text]),
      ),
    ).toEqual([
      [["warehouseIdentifier", "msdyn_warehouseidentifier"]],
      [["warehouseIdentifier", "msdyn_warehouseidentifier"]],
      [["warehouseIdentifier", "msdyn_warehouseidentifier"]],
    ]);
  });

  it("puts the Nearby Warehouses control on the work order and its products, and the asset picker on the work order's asset", () => {
    const placements = (table: string) => {
      const form = mainForms.find((candidate) => candidate.table === table);
      if (form === undefined) throw new Error(`no form for ${table}`);
      const file = generatedXml(`Entities/${table}/FormXml/main/{${form.id}}.xml`);
      return descendants(
        file,
        (element) => element.name === "customControl" && attribute(element, "formFactor") === "0",
      ).map((control) => [attribute(control, "name"), childElement(control, "parameters")?.children[0]?.text]);
    };
    // The nearby list comes first on the work order (what a technician needs on the job).
    expect(placements("msdyn_workorder")).toEqual([
      ["fsi_FieldServiceScm.NearbyWarehouses", "msdyn_latitude"],
      ["fsi_FieldServiceScm.CustomerAssetPicker", "msdyn_customerasset"],
    ]);
    expect(placements("msdyn_workorderproduct")).toEqual([["fsi_FieldServiceScm.NearbyWarehouses", "msdyn_warehouse"]]);
  });

  it("keeps every form's id fixed", () => {
    expect(mainForms.map((form) => [form.table, form.id])).toEqual([
      ["msdyn_warehouse", "82d3e93b-bbc0-584e-91ef-cb9202031753"],
      ["msdyn_customerasset", "56f52943-9675-51f4-a54a-4c6b3b8f67ae"],
      ["msdyn_customerassetcategory", "08e647d3-673a-528f-a5d2-40cec778fc41"],
      ["msdyn_paymentterm", "487b8629-5c6d-575a-adfd-9d6d9d027138"],
      ["msdyn_shipvia", "a3017bcd-90c6-5868-9c5c-cfc4948a2d86"],
      ["msdyn_workorder", "d611a6a7-afe1-5d42-a2e3-8d33864e0280"],
      ["msdyn_workorderproduct", "d41fc733-b9bd-551c-b1e4-e736877a5762"],
    ]);
  });

  it("generates a lookup as a lookup attribute plus a one-to-many relationship filed under the referenced table", () => {
    const workOrder = generatedXml("Entities/msdyn_workorder/Entity.xml");
    const lookup = descendants(workOrder, (element) => element.name === "attribute").find(
      (element) => childText(element, "LogicalName") === "fsi_project",
    );
    expect(lookup === undefined ? undefined : childText(lookup, "Type")).toBe("lookup");
    const index = generatedXml("Other/Relationships.xml");
    expect(childElements(index, "EntityRelationship").map((element) => attribute(element, "Name"))).toContain(
      "fsi_msdyn_workorder_fsi_project",
    );
    const file = generatedXml("Other/Relationships/fsi_project.xml");
    const [relationship] = childElements(file, "EntityRelationship");
    if (relationship === undefined) throw new Error("no relationship to fsi_project");
    expect(
      [
        "EntityRelationshipType",
        "ReferencingEntityName",
        "ReferencedEntityName",
        "ReferencingAttributeName",
        "CascadeDelete",
      ].map((name) => childText(relationship, name)),
    ).toEqual(["OneToMany", "msdyn_workorder", "fsi_project", "fsi_project", "RemoveLink"]);
    const navigation = descendants(relationship, (element) => element.name === "EntityRelationshipRole").map((role) => [
      childText(role, "RelationshipRoleType"),
      childText(role, "NavigationPropertyName"),
    ]);
    expect(navigation).toEqual([
      ["1", "fsi_project"],
      ["0", "fsi_msdyn_workorder_fsi_project"],
    ]);
  });

  it("ships our own project table whole: metadata, primary name, ownership, alternate key, root component with subcomponents", () => {
    const entity = generatedXml("Entities/fsi_project/Entity.xml");
    const info = childElement(childElement(entity, "EntityInfo") ?? entity, "entity") ?? entity;
    expect(attribute(info, "unmodified")).toBeUndefined();
    expect(childText(info, "OwnershipTypeMask")).toBe("OrgOwned");
    expect(childText(info, "EntitySetName")).toBe("fsi_projects");
    const attributes = childElements(childElement(info, "attributes") ?? info, "attribute");
    const byName = new Map(attributes.map((element) => [childText(element, "LogicalName"), element]));
    expect([...byName.keys()]).toEqual([
      "fsi_projectid",
      "fsi_name",
      "fsi_company",
      "fsi_projectnumber",
      "fsi_projecttype",
      "fsi_projectstage",
      "fsi_customer",
      "fsi_scmlastsyncedon",
    ]);
    const primaryId = byName.get("fsi_projectid");
    expect(primaryId === undefined ? undefined : childText(primaryId, "Type")).toBe("primarykey");
    const primaryName = byName.get("fsi_name");
    expect(primaryName === undefined ? undefined : childText(primaryName, "DisplayMask")).toMatch(/^PrimaryName\|/);
    expect(descendants(info, (element) => element.name === "AttributeName").map((element) => element.text)).toEqual([
      "fsi_projectnumber",
      "fsi_company",
    ]);
    // Our own table defines only our publisher's columns.
    expect([...byName.keys()].filter((name) => name?.startsWith("fsi_") !== true)).toEqual([]);
    const roots = descendants(generatedXml("Other/Solution.xml"), (element) => element.name === "RootComponent").filter(
      (element) => attribute(element, "type") === "1",
    );
    expect(roots.map((root) => [attribute(root, "schemaName"), attribute(root, "behavior")])).toContainEqual([
      "fsi_project",
      "0",
    ]);
    expect(roots.filter((root) => attribute(root, "behavior") === "0")).toHaveLength(1);
    expect(generated.has("Entities/msdyn_workorderservice/Entity.xml")).toBe(false);
  });

  it("refuses to generate a column type it cannot express as an attribute element", () => {
    expect(() => attributeXml("msdyn_warehouse", "fsi_onhold", { type: "boolean", displayName: "On Hold" })).toThrow(
      "msdyn_warehouse.fsi_onhold: columns of type boolean cannot be generated yet",
    );
    expect(() =>
      attributeXml("msdyn_warehouse", "fsi_owner", {
        type: "lookup",
        displayName: "Owner",
        targets: ["systemuser", "team"],
        navigationProperty: "fsi_owner",
      }),
    ).toThrow("msdyn_warehouse.fsi_owner: lookups to systemuser, team cannot be generated yet");
  });
});
