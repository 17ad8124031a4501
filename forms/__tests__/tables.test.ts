import type { IntegrationTableName } from "@fsi/core/dataverse/tables";
import { integrationTableNames } from "@fsi/core/dataverse/tables";
import { mapForTable } from "@fsi/core/maps/built-in";
import { changedMappedColumns, filteringAttributes } from "@fsi/core/maps/change-detection";
import { formMaps } from "../lib/form-maps";
import { recordToValidate, submittedRecord } from "../lib/form-record";
import { scmForm } from "../lib/scm-form";
import { lookup, newPage, scmRules } from "./test-page";

afterEach(() => {
  jest.restoreAllMocks();
});

interface TableCase {
  /** Values that satisfy usmf's rules. */
  readonly valid: Readonly<Record<string, unknown>>;
  /** A column and a value SCM refuses (longer than SCM allows). */
  readonly invalid: readonly [string, string];
  readonly message: string;
}

const longText = "A value far longer than thirty characters";

const cases: Record<IntegrationTableName, TableCase> = {
  msdyn_warehouse: {
    valid: {
      msdyn_name: "12",
      msdyn_description: "North",
      msdyn_warehouseidentifier: "12",
      msdyn_transitwarehouse: lookup("msdyn_warehouse", "4a2b1c3d-0000-4000-8000-00000000aa02", "Transit"),
    },
    invalid: ["msdyn_description", longText],
    message: "Description can have at most 30 characters in SCM.",
  },
  msdyn_customerasset: {
    valid: {
      msdyn_name: "Pump 7",
      msdyn_customerassetcategory: lookup(
        "msdyn_customerassetcategory",
        "5b2b1c3d-0000-4000-8000-0000000000c1",
        "Pumps",
      ),
    },
    invalid: ["msdyn_name", longText],
    message: "Name can have at most 30 characters in SCM.",
  },
  msdyn_customerassetcategory: {
    valid: { msdyn_name: "Pumps", msdyn_maintenanceassettypeid: "PUMP" },
    invalid: ["msdyn_name", longText],
    message: "Name can have at most 30 characters in SCM.",
  },
  msdyn_paymentterm: {
    valid: { msdyn_name: "Net30", msdyn_days: 30 },
    invalid: ["msdyn_description", longText],
    message: "Description can have at most 30 characters in SCM.",
  },
  msdyn_shipvia: {
    valid: { msdyn_name: "Air", msdyn_description: "Air freight" },
    invalid: ["msdyn_description", longText],
    message: "Description can have at most 30 characters in SCM.",
  },
};

describe.each(integrationTableNames)("the %s main form", (table) => {
  const { valid, invalid, message } = cases[table];

  it("marks required on load what SCM requires in the default company", async () => {
    const page = newPage();
    const form = page.open({ table });
    await form.load();

    const required = scmRules.usmf?.required?.[table] ?? [];
    expect(required.length).toBeGreaterThan(0);
    for (const column of required) expect(form.attribute(column).getRequiredLevel()).toBe("required");
  });

  it("refuses a new row SCM would refuse, with the error on the field, and saves it once fixed", async () => {
    const page = newPage();
    const form = page.open({ table });
    await form.load();
    for (const [column, value] of Object.entries(valid)) form.set(column, value);
    form.set(invalid[0], invalid[1]);

    const refused = await form.save();

    expect(refused.saved).toBe(false);
    expect(form.fieldNotifications(invalid[0])).toEqual([message]);

    form.change(invalid[0], "Short");
    const saved = await form.save();

    expect(saved.saved).toBe(true);
    const creates = page.api.requests.map((r) => r.body).filter((body) => Object.keys(body.attributes).length > 0);
    expect(creates).toHaveLength(2);
    for (const body of creates) {
      expect(body).toMatchObject({ table, operation: "create", company: "usmf" });
      for (const column of Object.keys(body.attributes)) expect(formMaps[table].columns).toContain(column);
    }
    expect(page.api.malformed).toEqual([]);
  });
});

/** A value an attribute of this type accepts. */
function sampleValue(type: Xrm.Attributes.AttributeType): unknown {
  switch (type) {
    case "boolean":
      return true;
    case "lookup":
      return lookup("account", "6c2b1c3d-0000-4000-8000-000000000001", "Contoso");
    case "string":
    case "memo":
      return "x";
    case "datetime":
      return new Date(Date.UTC(2025, 0, 2));
    default:
      return 1;
  }
}

describe("what the form sends", () => {
  it("carries values in the Dataverse shape: bare lower-case GUIDs for lookups, ISO 8601 for dates", async () => {
    const page = newPage();
    const form = page.open({ table: "msdyn_customerasset" });
    await form.load();
    form.set("msdyn_name", "Pump 7");
    form.set(
      "msdyn_customerassetcategory",
      lookup("msdyn_customerassetcategory", "5b2b1c3d-0000-4000-8000-0000000000c1", "Pumps"),
    );
    form.set("fsi_activefrom", new Date(Date.UTC(2025, 0, 2, 8, 30)));

    await form.save();

    const create = page.api.requests.at(-1)?.body;
    expect(create?.attributes).toEqual({
      msdyn_name: "Pump 7",
      msdyn_customerassetcategory: {
        id: "5b2b1c3d-0000-4000-8000-0000000000c1",
        logicalName: "msdyn_customerassetcategory",
        name: "Pumps",
      },
      fsi_activefrom: "2025-01-02T08:30:00.000Z",
    });
  });

  it.each(integrationTableNames)(
    "is, for %s, the map's filtering attributes and core's changedMappedColumns of what the save submits",
    (table) => {
      const map = mapForTable(table);
      if (map === undefined) throw new Error(`no map for ${table}`);
      expect(formMaps[table].columns).toEqual(filteringAttributes(map));

      const page = newPage();
      const form = page.open({ table });
      const columns = Object.keys(scmForm(table).table.columns);
      // Change every other column the form shows, mapped or not.
      columns
        .filter((column, index) => index % 2 === 0 && form.formContext.getAttribute(column) !== null)
        .forEach((column) => {
          form.set(column, sampleValue(form.attribute(column).getAttributeType()));
        });

      for (const isNew of [true, false]) {
        const submitted = submittedRecord(form.formContext, scmForm(table).table, isNew);
        const sent = recordToValidate(form.formContext, scmForm(table).table, formMaps[table], isNew);
        expect(Object.keys(sent).sort()).toEqual(changedMappedColumns(map, submitted).sort());
      }
    },
  );
});
