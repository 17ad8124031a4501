import { entraAuthority, signedInUserName, signInClientId, standardFixture, validationScope } from "./dataverse";
import { settle } from "./form-harness";
import type { TestPage } from "./test-page";
import { existingWarehouse, existingWarehouseId, newPage } from "./test-page";

afterEach(() => {
  jest.restoreAllMocks();
  jest.useRealTimers();
});

const warehouseId = existingWarehouseId.slice(1, -1).toLowerCase();
const tooLongName = "Main warehouse for the whole Chicago region";

/** The update requests (the empty creates OnLoad posts to learn required columns are left out). */
function updates(page: TestPage) {
  return page.api.requests.filter((request) => request.body.operation === "update");
}

async function openWarehouse(page: TestPage, asyncSaveHandlers = true) {
  const form = page.open({ table: "msdyn_warehouse", existing: existingWarehouse(), asyncSaveHandlers });
  await form.load();
  return form;
}

describe.each([
  ["on", true],
  ["off", false],
])("OnSave with async save handlers %s: cancel synchronously, check, save again", (_setting, asyncSaveHandlers) => {
  it("lets a valid change through after posting only the changed mapped columns, with a bearer token", async () => {
    const page = newPage();
    const form = await openWarehouse(page, asyncSaveHandlers);
    form.set("msdyn_description", "Main warehouse (north)");
    form.set("fsi_scmlasterror", "not a mapped column");

    const attempt = await form.save();

    // The user's save is cancelled synchronously, whatever the setting; the handler's own re-save commits.
    expect(attempt.committedAtOnce).toBe(false);
    expect(attempt.args.isDefaultPrevented()).toBe(true);
    expect(attempt.saved).toBe(true);
    expect(form.commits).toEqual([1]);
    expect(updates(page)).toEqual([
      {
        authorization: "Bearer token-2",
        body: {
          table: "msdyn_warehouse",
          operation: "update",
          id: warehouseId,
          company: "usmf",
          attributes: { msdyn_description: "Main warehouse (north)" },
        },
      },
    ]);
    expect(page.api.malformed).toEqual([]);
    expect(form.formNotifications()).toEqual([]);
  });

  it("cancels an invalid save: each error on its field, and a summary with the errors no field shows", async () => {
    const page = newPage();
    const form = await openWarehouse(page, asyncSaveHandlers);
    page.api.extraErrors = [
      { attribute: "msdyn_nosuchcolumn", code: "unknownColumn", message: "SCM does not know this column." },
      { code: "crossField", message: "A quarantine warehouse cannot have a quarantine warehouse." },
    ];
    form.set("msdyn_description", tooLongName);

    const attempt = await form.save();

    expect(attempt.saved).toBe(false);
    expect(attempt.args.isDefaultPrevented()).toBe(true);
    expect(form.fieldNotifications("msdyn_description")).toEqual([
      "Description can have at most 30 characters in SCM.",
    ]);
    expect(form.fieldNotifications("msdyn_primaryaddresscity")).toEqual([]);
    const summary = form.formNotification("fsi-scm-summary");
    expect(summary?.level).toBe("ERROR");
    expect(summary?.message).toContain("can't accept this warehouse in company USMF");
    expect(summary?.message).toContain("Check Description.");
    expect(summary?.message).toContain("msdyn_nosuchcolumn: SCM does not know this column.");
    expect(summary?.message).toContain("A quarantine warehouse cannot have a quarantine warehouse.");
    expect(form.commits).toEqual([]);
  });

  it("sends nothing when no mapped column changed, and nothing for deactivate, reactivate or assign", async () => {
    const page = newPage();
    const form = await openWarehouse(page, asyncSaveHandlers);
    form.set("fsi_scmlasterror", "changed, but SCM never sees it");
    // msdyn_name holds SCM's warehouse id (Microsoft's naming): it only flows from SCM, so an edit is not checked.
    form.set("msdyn_name", "Relabelled in Field Service");
    expect((await form.save()).saved).toBe(true);

    for (const saveMode of [5, 6, 47]) {
      form.set("msdyn_description", tooLongName);
      expect((await form.save(saveMode)).saved).toBe(true);
    }

    expect(page.api.posts).toBe(1); // the OnLoad request that learns the required columns
    expect(form.commits).toEqual([1, 5, 6, 47]);
  });

  it.each([
    ["save and close", 2, { closed: 1, openedForms: [] }],
    ["save and new", 59, { closed: 0, openedForms: [{ entityName: "msdyn_warehouse" }] }],
    ["autosave", 70, { closed: 0, openedForms: [] }],
  ])("replays %s with its save mode, once, and then does what the user asked", async (_name, saveMode, expected) => {
    const page = newPage();
    const form = await openWarehouse(page, asyncSaveHandlers);
    form.set("msdyn_description", "North");

    await form.save(saveMode);

    expect(form.commits).toEqual([saveMode]);
    expect(form.closed).toBe(expected.closed);
    expect(form.openedForms).toEqual(expected.openedForms);
    expect(updates(page)).toHaveLength(1);
  });

  it("never returns a promise for the platform to wait on, so no save is left waiting on the 10 s timeout", async () => {
    const page = newPage();
    const form = await openWarehouse(page, asyncSaveHandlers);
    form.set("msdyn_description", "North");
    const scripts = page.library.Forms.Warehouse;
    const context = {
      getFormContext: () => form.formContext,
      getEventArgs: () => ({ getSaveMode: () => 1, isDefaultPrevented: () => false, preventDefault: () => undefined }),
    };
    expect(scripts.onSave(context as unknown as Xrm.Events.SaveEventContext)).toBeUndefined();
  });
});

describe("OnSave and the bearer token", () => {
  it("asks the sign-in library silently for the validation API's scope with the user's login hint", async () => {
    const page = newPage();
    const form = await openWarehouse(page);
    form.set("msdyn_description", "North");
    await form.save();

    expect(page.signIn.calls.map((call) => call.kind)).toEqual(["silent", "silent"]);
    expect(page.signIn.calls[1]).toEqual({
      kind: "silent",
      loginHint: signedInUserName,
      configuration: {
        authority: entraAuthority,
        clientId: signInClientId,
        scope: validationScope,
        redirectUri: "https://contoso.crm.dynamics.com/WebResources/fsi_/auth/redirect.html",
      },
    });
  });

  it("reads the environment variables once per page", async () => {
    const page = newPage();
    const first = await openWarehouse(page);
    first.set("msdyn_description", "North");
    await first.save();
    const second = await openWarehouse(page);
    second.set("msdyn_description", "South");
    await second.save();

    expect(page.dataverse.calls.filter((call) => call.startsWith("execute")).sort()).toEqual([
      "execute fsi_DefaultCompany",
      "execute fsi_EntraAuthority",
      "execute fsi_ScmUnavailablePolicy",
      "execute fsi_ValidationApiClientId",
      "execute fsi_ValidationApiScope",
      "execute fsi_ValidationApiUrl",
    ]);
  });
});

describe("OnSave when the user must sign in", () => {
  it.each([
    ["on", true],
    ["off", false],
  ])(
    "async save handlers %s: not saved, a Sign in button; its click opens the popup and the save goes on by itself",
    async (_setting, asyncSaveHandlers) => {
      const page = newPage();
      const form = await openWarehouse(page, asyncSaveHandlers);
      page.signIn.signedIn = false;
      form.set("msdyn_description", "North");

      const attempt = await form.save(2);

      expect(attempt.saved).toBe(false);
      expect(updates(page)).toEqual([]);
      expect(form.formNotification("fsi-scm-status")).toEqual({
        level: "ERROR",
        message: expect.stringContaining("sign in so this warehouse can be checked") as string,
        uniqueId: "fsi-scm-status",
      });
      expect(form.appNotifications.map((shown) => [shown.actionLabel, shown.level])).toEqual([["Sign in", 4]]);

      form.appNotifications[0]?.click();
      await settle();

      expect(page.signIn.calls.filter((call) => call.kind === "popup")).toEqual([
        expect.objectContaining({ loginHint: signedInUserName }),
      ]);
      expect(form.appNotifications).toEqual([]);
      expect(form.commits).toEqual([2]);
      expect(form.closed).toBe(1);
      expect(updates(page)).toHaveLength(1);
      expect(form.formNotification("fsi-scm-status")).toBeUndefined();
    },
  );

  it("says so when the popup was blocked or closed, and keeps the Sign in button", async () => {
    const page = newPage();
    const form = await openWarehouse(page);
    page.signIn.signedIn = false;
    page.signIn.popupFailure = "popup_blocked";
    form.set("msdyn_description", "North");
    await form.save();

    form.appNotifications[0]?.click();
    await settle();

    expect(form.commits).toEqual([]);
    expect(form.formNotification("fsi-scm-status")?.message).toContain("Sign-in did not finish");
    expect(form.appNotifications).toHaveLength(1);
  });

  it("in the mobile app, which cannot open the sign-in window, saves and says the server checks the record", async () => {
    const page = newPage();
    const form = page.open({ table: "msdyn_warehouse", existing: existingWarehouse(), client: "Mobile" });
    await form.load();
    page.signIn.signedIn = false;
    form.set("msdyn_description", tooLongName);

    const attempt = await form.save();

    expect(attempt.saved).toBe(true);
    expect(form.appNotifications).toEqual([]);
    expect(page.signIn.calls.some((call) => call.kind === "popup")).toBe(false);
    const notice = form.formNotification("fsi-scm-sign-in");
    expect(notice?.level).toBe("WARNING");
    expect(notice?.message).toContain("can't show the sign-in window");
  });

  it("block policy: a form without the sign-in library cancels the save and says which library is missing", async () => {
    const page = newPage();
    const form = await openWarehouse(page);
    delete (globalThis as typeof globalThis & { FSI?: Record<string, unknown> }).FSI?.SignIn;
    form.set("msdyn_description", "North");

    expect((await form.save()).saved).toBe(false);
    expect(form.formNotification("fsi-scm-status")?.message).toContain("fsi_/scripts/sign-in.js");
    expect(updates(page)).toEqual([]);
  });
});

describe("OnSave when SCM cannot be asked", () => {
  it("block policy: SCM unavailable (503) cancels the save with a message saying why", async () => {
    const page = newPage();
    const form = await openWarehouse(page);
    page.api.mode = "scmDown";
    form.set("msdyn_description", "North");

    const attempt = await form.save();

    expect(attempt.saved).toBe(false);
    const status = form.formNotification("fsi-scm-status");
    expect(status?.level).toBe("ERROR");
    expect(status?.message).toContain(
      "Not saved: Supply Chain Management could not check this warehouse (Supply Chain Management is unavailable)",
    );
    expect(form.fieldNotifications("msdyn_description")).toEqual([]);
  });

  it("warn policy: SCM unavailable saves, with a warning that the server-side check decides", async () => {
    const page = newPage({
      fixture: standardFixture({
        environmentVariables: { ...standardFixture().environmentVariables, fsi_ScmUnavailablePolicy: "warn" },
      }),
    });
    const form = await openWarehouse(page);
    page.api.mode = "scmDown";
    form.set("msdyn_description", "North");

    const attempt = await form.save();

    expect(attempt.saved).toBe(true);
    const status = form.formNotification("fsi-scm-status");
    expect(status?.level).toBe("WARNING");
    expect(status?.message).toContain("the server checks it with Supply Chain Management");
  });

  it("block policy: an unreachable validation service cancels the save", async () => {
    const page = newPage();
    const form = await openWarehouse(page);
    page.api.mode = "unreachable";
    form.set("msdyn_description", "North");

    expect((await form.save()).saved).toBe(false);
    expect(form.formNotification("fsi-scm-status")?.message).toContain("the validation service could not be reached");
  });

  it("gives up at the deadline, well before the platform's 10 s, and applies the policy", async () => {
    const page = newPage();
    const form = await openWarehouse(page);
    page.api.mode = "hang";
    jest.useFakeTimers({ doNotFake: ["setImmediate", "nextTick", "queueMicrotask"] });
    form.set("msdyn_description", "North");

    const pending = form.save();
    await jest.advanceTimersByTimeAsync(8_000);
    const attempt = await pending;

    expect(attempt.saved).toBe(false);
    expect(page.api.aborted).toBe(1);
    expect(form.formNotification("fsi-scm-status")?.message).toContain("no answer within 8 seconds");
  });

  it("block policy: a validation API with no URL configured cancels the save and says which setting is missing", async () => {
    const { fsi_ValidationApiUrl: _unset, ...variables } = standardFixture().environmentVariables;
    const page = newPage({ fixture: standardFixture({ environmentVariables: variables }) });
    const form = await openWarehouse(page);
    form.set("msdyn_description", "North");

    expect((await form.save()).saved).toBe(false);
    expect(form.formNotification("fsi-scm-status")?.message).toContain("fsi_ValidationApiUrl");
    expect(page.api.posts).toBe(0);
  });

  it("refuses a row without a company on the company field, since SCM keeps every row in one", async () => {
    const page = newPage();
    const form = await openWarehouse(page);
    form.set("msdyn_company", null);
    form.set("msdyn_description", "North");

    expect((await form.save()).saved).toBe(false);
    expect(form.fieldNotifications("msdyn_company")).toEqual([
      "Choose a company: Supply Chain Management keeps every warehouse in a company.",
    ]);
    expect(updates(page)).toEqual([]);
  });

  it("offline: saves on the device with an INFO notification and asks nobody", async () => {
    const page = newPage();
    const form = page.open({ table: "msdyn_warehouse", existing: existingWarehouse(), offline: true });
    await form.load();
    form.set("msdyn_description", tooLongName);

    const attempt = await form.save();

    expect(attempt.saved).toBe(true);
    expect(page.api.posts).toBe(0);
    expect(page.dataverse.calls).toEqual([]);
    const status = form.formNotification("fsi-scm-status");
    expect(status?.level).toBe("INFO");
    expect(status?.message).toContain("You're offline");
  });
});

describe("a double click on Save", () => {
  it.each([
    ["on", true],
    ["off", false],
  ])("with async handlers %s sends one request and saves once", async (_mode, asyncSaveHandlers) => {
    const page = newPage();
    const form = await openWarehouse(page, asyncSaveHandlers);
    page.api.mode = "hang";
    form.set("msdyn_description", "North");

    const first = form.startSave();
    const second = await form.startSave();
    expect(second.saved).toBe(false);
    expect(second.args.isDefaultPrevented()).toBe(true);

    page.api.answerHeldRequests();
    await first;
    await settle();

    expect(form.commits).toEqual([1]);
    expect(page.api.posts).toBe(2); // the OnLoad request, and one check
  });
});
