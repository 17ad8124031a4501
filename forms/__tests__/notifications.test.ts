import { existingWarehouse, newPage } from "./test-page";

afterEach(() => {
  jest.restoreAllMocks();
});

const tooLongName = "Main warehouse for the whole Chicago region";

async function refusedWarehouse() {
  const page = newPage();
  const form = page.open({ table: "msdyn_warehouse", existing: existingWarehouse() });
  await form.load();
  form.set("msdyn_description", tooLongName);
  form.set("msdyn_transitwarehouse", null);
  return { page, form };
}

describe("SCM notifications on the form", () => {
  it("clear a column's error as soon as the user changes that column, and drop it from the summary", async () => {
    const { form } = await refusedWarehouse();
    await form.save();
    expect(form.fieldNotifications("msdyn_description")).toHaveLength(1);
    expect(form.fieldNotifications("msdyn_transitwarehouse")).toEqual([
      "Transit Warehouse is required in company usmf.",
    ]);
    expect(form.formNotification("fsi-scm-summary")?.message).toContain("Check Transit Warehouse, Description.");

    form.change("msdyn_description", "North");

    expect(form.fieldNotifications("msdyn_description")).toEqual([]);
    expect(form.fieldNotifications("msdyn_transitwarehouse")).toHaveLength(1);
    expect(form.formNotification("fsi-scm-summary")?.message).toContain("Check Transit Warehouse.");

    form.change("msdyn_transitwarehouse", [
      { id: "{4A2B1C3D-0000-4000-8000-00000000AA02}", name: "Transit", entityType: "msdyn_warehouse" },
    ]);

    expect(form.fieldNotifications("msdyn_transitwarehouse")).toEqual([]);
    expect(form.formNotification("fsi-scm-summary")).toBeUndefined();
  });

  it("keep the summary of errors no field shows until the next check", async () => {
    const { page, form } = await refusedWarehouse();
    page.api.extraErrors = [{ code: "crossField", message: "The row breaks a rule across fields." }];
    await form.save();

    form.change("msdyn_description", "North");
    form.change("msdyn_transitwarehouse", [
      { id: "{4A2B1C3D-0000-4000-8000-00000000AA02}", name: "Transit", entityType: "msdyn_warehouse" },
    ]);

    const summary = form.formNotification("fsi-scm-summary")?.message;
    expect(summary).toContain("The row breaks a rule across fields.");
    expect(summary).not.toContain("Check");
  });

  it("leave nothing behind once a later check passes, even when the user fixed a value without leaving the field", async () => {
    const { page, form } = await refusedWarehouse();
    page.api.warnings = [
      { attribute: "msdyn_description", code: "maxLength", message: "Long names are cut in SCM reports." },
    ];
    await form.save();
    expect(
      form
        .formNotifications()
        .map((n) => n.uniqueId)
        .sort(),
    ).toEqual(["fsi-scm-summary", "fsi-scm-warnings"]);

    page.api.warnings = [];
    form.set("msdyn_description", "North");
    form.set("msdyn_transitwarehouse", [
      { id: "{4A2B1C3D-0000-4000-8000-00000000AA02}", name: "Transit", entityType: "msdyn_warehouse" },
    ]);
    const attempt = await form.save();

    expect(attempt.saved).toBe(true);
    expect(form.fieldNotifications("msdyn_description")).toEqual([]);
    expect(form.fieldNotifications("msdyn_transitwarehouse")).toEqual([]);
    expect(form.formNotifications()).toEqual([]);
  });

  it("show SCM's warnings on a valid save without stopping it", async () => {
    const { page, form } = await refusedWarehouse();
    page.api.warnings = [
      { code: "invalidValue", message: "This warehouse has no address; SCM cannot plan transport to it." },
    ];
    form.set("msdyn_description", "North");
    form.set("msdyn_transitwarehouse", [
      { id: "{4A2B1C3D-0000-4000-8000-00000000AA02}", name: "Transit", entityType: "msdyn_warehouse" },
    ]);

    const attempt = await form.save();

    expect(attempt.saved).toBe(true);
    const warning = form.formNotification("fsi-scm-warnings");
    expect(warning?.level).toBe("WARNING");
    expect(warning?.message).toContain("SCM cannot plan transport to it");
  });
});
