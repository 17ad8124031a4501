import { MapTemplateError, parseMapTemplate } from "../..";
import warehousesTemplate from "../templates/warehouses.json";

type Template = Record<string, unknown> & { columns: Array<Record<string, unknown>> };

/** A deep copy of the shipped warehouses template to break in one place. */
function template(edit: (t: Template) => void): Template {
  const copy = structuredClone(warehousesTemplate) as unknown as Template;
  edit(copy);
  return copy;
}

type Choices = { naming: { default: string; options: Record<string, { columns: Array<Record<string, unknown>> }> } };

/** A pair of one option of the naming choice. */
const optionColumn = (t: Template, option: string, dataverse: string) => {
  const found = (t.choices as Choices).naming.options[option]?.columns.find((c) => c.dataverse === dataverse);
  if (found === undefined) throw new Error(`no pair ${dataverse} in option ${option}`);
  return found;
};

const column = (t: Template, dataverse: string) => {
  const found = t.columns.find((c) => c.dataverse === dataverse);
  if (found === undefined) throw new Error(`no pair ${dataverse}`);
  return found;
};

function refusal(json: unknown): MapTemplateError {
  try {
    parseMapTemplate(json, "my-warehouses.json");
  } catch (error) {
    if (error instanceof MapTemplateError) return error;
    throw error;
  }
  throw new Error("the template was accepted");
}

describe("parseMapTemplate refuses a bad template, naming the source, the path and the problem", () => {
  it("accepts the shipped template (so every refusal below comes from its one edit)", () => {
    expect(
      parseMapTemplate(
        template(() => undefined),
        "my-warehouses.json",
      ).name,
    ).toBe("warehouses");
  });

  it("unknown Dataverse column", () => {
    const error = refusal(
      template((t) => (optionColumn(t, "microsoft", "msdyn_description").dataverse = "msdyn_descriptio")),
    );
    expect(error.message).toBe(
      "my-warehouses.json: $.choices.naming.options.microsoft.columns[1].dataverse: unknown Dataverse column msdyn_descriptio of msdyn_warehouse",
    );
    expect(error).toMatchObject({ code: "INVALID_MAP_TEMPLATE", source: "my-warehouses.json" });
  });

  it("unknown SCM field, in an option that is not the default (every option is checked)", () => {
    expect(refusal(template((t) => (optionColumn(t, "name", "msdyn_name").scm = "WarehouseTitle"))).message).toBe(
      "my-warehouses.json: $.choices.naming.options.name.columns[0].scm: unknown SCM field WarehouseTitle of Warehouses",
    );
  });

  it("a choice whose default is not one of its options, or with one option only", () => {
    const error = refusal(
      template((t) => {
        const naming = (t.choices as Choices).naming;
        naming.default = "dual-write";
        delete naming.options.name;
      }),
    );
    expect(error.problems).toEqual([
      { path: "$.choices.naming.options", message: "a choice needs at least two options" },
      { path: "$.choices.naming.default", message: "dual-write is not one of the options (microsoft)" },
    ]);
  });

  it("value map entry that is not a choice option, or not an enum value", () => {
    const badOption = refusal(
      template((t) => {
        const pair = column(t, "msdyn_warehousetype") as {
          valueMap: { pairs: Array<{ dataverse: unknown; scm: unknown }> };
        };
        pair.valueMap.pairs[0]!.dataverse = 1;
        pair.valueMap.pairs[2]!.scm = "InTransit";
      }),
    );
    expect(badOption.problems).toEqual([
      {
        path: "$.columns[0].valueMap.pairs[0].dataverse",
        message:
          "1 is not a value of Dataverse msdyn_warehousetype (choice with options 192350000 (Default), 192350001 (Quarantine), 192350002 (Transit))",
      },
      {
        path: "$.columns[0].valueMap.pairs[2].scm",
        message:
          '"InTransit" is not a value of SCM WarehouseType (Enum InventLocationType (Default, Quarantine, Transit))',
      },
    ]);
  });

  it("a choice paired with an enum without a value map, and other type mismatches", () => {
    expect(refusal(template((t) => delete column(t, "msdyn_warehousetype").valueMap)).message).toContain(
      "$.columns[0].scm: type mismatch: Dataverse msdyn_warehousetype is choice",
    );
    expect(
      refusal(template((t) => (column(t, "msdyn_primaryaddresslatitude").scm = "PrimaryAddressCity"))).problems,
    ).toContainEqual({
      path: "$.columns[11].scm",
      message:
        "type mismatch: Dataverse msdyn_primaryaddresslatitude is double in -90..90 and SCM PrimaryAddressCity is String(60); pair compatible types or add a valueMap",
    });
  });

  it("a lookup without a lookup transform, or resolved through a column that is no natural key", () => {
    expect(refusal(template((t) => delete column(t, "msdyn_operationalsite").lookup)).problems[0]).toEqual({
      path: "$.columns[1]",
      message:
        'msdyn_operationalsite is a lookup; add "lookup": { "table", "key" } naming the natural key the SCM field holds',
    });
    expect(
      refusal(
        template(
          (t) => (column(t, "msdyn_operationalsite").lookup = { table: "msdyn_operationalsite", key: "msdyn_name" }),
        ),
      ).problems,
    ).toEqual([
      {
        path: "$.columns[1].lookup.key",
        message: "msdyn_operationalsite.msdyn_name is not part of an alternate key, so it cannot identify a row",
      },
    ]);
    expect(
      refusal(template((t) => (column(t, "msdyn_operationalsite").lookup = { table: "account", key: "accountnumber" })))
        .problems[0]?.path,
    ).toBe("$.columns[1].lookup.table");
  });

  it("schema problems: a bad direction, a misspelt property, a missing section", () => {
    const error = refusal(
      template((t) => {
        column(t, "msdyn_warehousetype").direction = "sideways";
        column(t, "msdyn_primaryaddresscity").trimm = true;
        delete t.keys;
      }),
    );
    expect(error.problems.map((p) => p.path)).toEqual(["$.keys", "$.columns[0].direction", "$.columns[6]"]);
    expect(error.message).toContain('$.columns[6]: Unrecognized key: "trimm"');
  });

  it("keys that are not the natural keys of both sides, and a column mapped twice", () => {
    expect(
      refusal(template((t) => (t.keys = [{ dataverse: "msdyn_name", scm: "WarehouseId" }]))).problems,
    ).toContainEqual({
      path: "$.keys",
      message: "msdyn_company + msdyn_name is not an alternate key of msdyn_warehouse; rows could not be matched",
    });
    expect(
      refusal(template((t) => (column(t, "msdyn_primaryaddresscity").scm = "PrimaryAddressStreet"))).problems,
    ).toEqual([{ path: "$.columns[6].scm", message: "PrimaryAddressStreet is already mapped in $.columns[5]" }]);
  });

  it("unknown table or collection, and text that is not JSON", () => {
    expect(refusal(template((t) => (t.dataverseTable = "msdyn_warehouses"))).message).toBe(
      "my-warehouses.json: $.dataverseTable: unknown Dataverse table msdyn_warehouses",
    );
    expect(refusal(template((t) => (t.scmCollection = "InventWarehouses"))).problems[0]?.path).toBe("$.scmCollection");
    expect(refusal('{ "name": "warehouses", ').message).toMatch(/^my-warehouses\.json: \$: not valid JSON/);
  });

  it("parses JSON text as well as parsed values", () => {
    // The shared pairs plus the default option's two (msdyn_name ← WarehouseId, msdyn_description ↔ WarehouseName).
    expect(parseMapTemplate(JSON.stringify(warehousesTemplate), "text.json").columns).toHaveLength(
      warehousesTemplate.columns.length + 2,
    );
  });
});
