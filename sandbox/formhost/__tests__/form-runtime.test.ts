/**
 * The form runtime's events and save pipeline, as a model-driven form runs them, against the real
 * Dataverse emulator: OnChange from user edits only, saves refused before any handler while a
 * required column is empty or a control shows an error, OnSave in both "Async save handler"
 * modes, the Web API write, data OnLoad and OnPostSave, and what the save modes do afterwards.
 */
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import { startDataverseServer, type DataverseServer } from "../../dataverse";
import { FormRuntime, SaveNotCompleted, SaveMode } from "../client/form/runtime";
import { SandboxWebApi } from "../client/web-api";
import { globalContext } from "../client/xrm/global";
import { bracedId } from "../client/xrm/values";
import type { HostEventContext } from "../client/xrm/events";
import type { AppDescription, FormDescription, HandlerDescription } from "../shared/contract";

type Context = HostEventContext<unknown, unknown, unknown>;

let server: DataverseServer;
let webApi: SandboxWebApi;
let companyId: string;

const app: AppDescription = {
  solution: { uniqueName: "FieldServiceScmIntegration", version: "0.1.0.0", zip: "test.zip" },
  forms: [],
  controls: [],
  webResources: [],
  organizationUrl: "http://127.0.0.1",
  webApiPath: "/api/data/v9.2/",
  webApiToken: "browser",
  user: { id: "a0000000-0000-4000-8000-000000000001", fullname: "Dana Admin", languageId: 1033 },
  scmPath: "/scm",
  scmCollections: [],
};

const handler = (functionName: string): HandlerDescription => ({
  functionName,
  libraryName: "test.js",
  enabled: true,
  parameters: "",
  passExecutionContext: true,
});

const labels: Readonly<Record<string, string>> = {
  msdyn_name: "Name",
  msdyn_description: "Description",
  msdyn_company: "Company",
  fsi_scmlasterror: "SCM Last Error",
};

const form: FormDescription = {
  id: "f0000000-0000-4000-8000-000000000001",
  table: "msdyn_shipvia",
  name: "Ship Via (test)",
  libraries: ["test.js"],
  events: {
    onload: [handler("Test.onLoad")],
    onsave: [handler("Test.onSave")],
    onchange: { msdyn_description: [handler("Test.onDescriptionChange")] },
  },
  tabs: [
    {
      name: "general",
      label: "General",
      showLabel: true,
      visible: true,
      sections: [
        {
          name: "details",
          label: "Details",
          showLabel: true,
          availableForPhone: true,
          visible: true,
          cells: ["msdyn_name", "msdyn_description", "msdyn_company", "fsi_scmlasterror"].map((column) => ({
            id: column,
            label: labels[column] ?? column,
            showLabel: true,
            visible: true,
            controlId: column,
            column,
            classId: "",
            disabled: false,
            customControls: [],
          })),
        },
      ],
    },
  ],
};

/** What the form's library does in each test (the functions FormXml names). */
interface Library {
  onLoad: (context: Context) => unknown;
  onSave: (context: Context) => unknown;
  onDescriptionChange: (context: Context) => unknown;
}

interface Harness {
  readonly runtime: FormRuntime;
  readonly library: Library;
  readonly calls: string[];
  readonly closed: { count: number };
  readonly opened: { count: number };
}

function harness(
  options: { asyncSaveHandlers?: boolean; row?: Record<string, unknown>; api?: SandboxWebApi } = {},
): Harness {
  const calls: string[] = [];
  const library: Library = {
    onLoad: () => calls.push("onLoad"),
    onSave: () => calls.push("onSave"),
    onDescriptionChange: () => calls.push("onDescriptionChange"),
  };
  const closed = { count: 0 };
  const opened = { count: 0 };
  const table = tableByLogicalName("msdyn_shipvia");
  if (table === undefined) throw new Error("no msdyn_shipvia table");
  const runtime = new FormRuntime({
    app,
    form,
    table,
    webApi: options.api ?? webApi,
    row: options.row,
    globalContext: () => globalContext(app),
    asyncSaveHandlers: () => options.asyncSaveHandlers ?? true,
    close: () => (closed.count += 1),
    openNew: () => (opened.count += 1),
    onRecordCreated: () => undefined,
    handlerRoot: { Test: library },
  });
  return { runtime, library, calls, closed, opened };
}

function attribute(runtime: FormRuntime, name: string) {
  const found = runtime.attribute(name);
  if (found === undefined) throw new Error(`no attribute ${name}`);
  return found;
}

async function shipViasNamed(name: string): Promise<Record<string, unknown>[]> {
  return (
    await webApi.retrieveMultipleRecords(
      "msdyn_shipvia",
      `?$select=msdyn_name,msdyn_description&$filter=msdyn_name eq '${name}'`,
    )
  ).entities;
}

function fillNew(runtime: FormRuntime, name: string): void {
  attribute(runtime, "msdyn_name").setValueFromUser(name);
  attribute(runtime, "msdyn_company").setValueFromUser([
    { id: `{${companyId.toUpperCase()}}`, name: "USMF", entityType: "cdm_company" },
  ]);
}

/** The tab's sessionStorage, which the runtime's global context reads (the user's language, offline). */
class MemoryStorage {
  private readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

beforeAll(async () => {
  Object.assign(globalThis, { sessionStorage: new MemoryStorage() });
  server = await startDataverseServer();
  webApi = new SandboxWebApi({
    apiUrl: server.apiUrl,
    token: "browser",
    isOffline: () => false,
    deviceStorage: new MemoryStorage(),
    tableByLogicalName,
  });
  companyId = (await webApi.createRecord("cdm_company", { cdm_name: "USMF", cdm_companycode: "usmf" })).id;
});

afterAll(() => server.close());

describe("a form's events", () => {
  it("runs OnLoad with the form context, and OnChange for a user's edit but not for setValue", async () => {
    const { runtime, library, calls } = harness();
    let formType: unknown;
    library.onLoad = (context) => {
      formType = (context.getFormContext() as { ui: { getFormType(): number } }).ui.getFormType();
      calls.push("onLoad");
    };
    const added: string[] = [];
    attribute(runtime, "msdyn_description").addOnChange((context) =>
      added.push((context.getEventSource() as { getName(): string }).getName()),
    );
    await runtime.load();
    expect(formType).toBe(1);
    attribute(runtime, "msdyn_description").setValue("set by a script");
    expect(calls).toEqual(["onLoad"]);
    attribute(runtime, "msdyn_description").setValueFromUser("typed by the user");
    expect(calls).toEqual(["onLoad", "onDescriptionChange"]);
    expect(added).toEqual(["msdyn_description"]);
  });

  it("reports a handler that throws and goes on", async () => {
    const { runtime, library } = harness();
    library.onLoad = () => {
      throw new Error("boom");
    };
    await runtime.load();
    expect(runtime.hostMessages()).toEqual([
      expect.objectContaining({ level: "ERROR", message: expect.stringContaining("Test.onLoad): boom") as unknown }),
    ]);
  });
});

describe("saving", () => {
  it("refuses a save before any handler while a required column is empty, naming it", async () => {
    const { runtime, calls } = harness();
    await expect(runtime.save(SaveMode.Save)).rejects.toMatchObject({
      reason: "blocked",
      message: "Fill in the required fields: Name, Company.",
    });
    expect(calls).toEqual([]);
  });

  it("refuses a save while a control shows an error notification, and saves once it is cleared", async () => {
    const { runtime, calls } = harness();
    fillNew(runtime, "NOTE1");
    const control = attribute(runtime, "msdyn_name").controlList[0];
    control?.setNotification("SCM says no", "scm");
    await expect(runtime.save(SaveMode.Save)).rejects.toMatchObject({
      reason: "blocked",
      message: "Fix the errors on the form before saving: Name.",
    });
    control?.clearNotification("scm");
    await runtime.save(SaveMode.Save);
    expect(calls).toEqual(["onSave"]);
    expect(await shipViasNamed("NOTE1")).toHaveLength(1);
  });

  it("creates the row, reads it back, then runs data OnLoad (save) and OnPostSave with the new reference", async () => {
    const { runtime } = harness();
    const events: unknown[] = [];
    runtime.formContext.data.addOnLoad((context) =>
      events.push(["load", (context.getEventArgs() as { getDataLoadState(): number }).getDataLoadState()]),
    );
    runtime.formContext.data.entity.addOnPostSave((context) => {
      const args = context.getEventArgs() as { getIsSaveSuccess(): boolean; getEntityReference(): { id: string } };
      events.push(["postsave", args.getIsSaveSuccess(), args.getEntityReference().id]);
    });
    fillNew(runtime, "NEW1");
    attribute(runtime, "msdyn_description").setValueFromUser("Created on the form");
    await runtime.save(SaveMode.Save);
    const [row] = await shipViasNamed("NEW1");
    expect(row).toMatchObject({ msdyn_description: "Created on the form" });
    expect(runtime.formType()).toBe(2);
    expect(runtime.entity.getIsDirty()).toBe(false);
    const id = row?.msdyn_shipviaid;
    expect(events).toEqual([
      ["load", 2],
      ["postsave", true, bracedId(typeof id === "string" ? id : "")],
    ]);
  });

  it("offline, keeps the save on the device: the form shows what was saved, the server has nothing until the app is online again", async () => {
    let offline = true;
    const device = new SandboxWebApi({
      apiUrl: server.apiUrl,
      token: "browser",
      isOffline: () => offline,
      deviceStorage: new MemoryStorage(),
      tableByLogicalName,
    });
    const { runtime } = harness({ api: device });
    const outcomes: boolean[] = [];
    runtime.formContext.data.entity.addOnPostSave((context) =>
      outcomes.push((context.getEventArgs() as { getIsSaveSuccess(): boolean }).getIsSaveSuccess()),
    );
    fillNew(runtime, "OFFL1");
    await runtime.save(SaveMode.Save);
    expect(outcomes).toEqual([true]);
    expect(runtime.formType()).toBe(2);
    expect(runtime.entity.getIsDirty()).toBe(false);
    expect(attribute(runtime, "msdyn_name").getValue()).toBe("OFFL1");
    expect(await shipViasNamed("OFFL1")).toEqual([]);
    expect(device.uploads.list().map((upload) => [upload.operation, upload.id])).toEqual([
      ["create", runtime.bareId()],
    ]);
    offline = false;
    await device.uploads.uploadAll();
    expect((await shipViasNamed("OFFL1")).map((row) => row.msdyn_shipviaid)).toEqual([runtime.bareId()]);
  });

  it("sends only the changed columns on update", async () => {
    const id = (
      await webApi.createRecord("msdyn_shipvia", {
        msdyn_name: "UPD1",
        msdyn_description: "before",
        "msdyn_company@odata.bind": `/cdm_companies(${companyId})`,
      })
    ).id;
    const row = await webApi.retrieveRecord(
      "msdyn_shipvia",
      id,
      "?$select=msdyn_shipviaid,msdyn_name,msdyn_description,_msdyn_company_value,fsi_scmlasterror",
    );
    const { runtime } = harness({ row });
    attribute(runtime, "msdyn_description").setValueFromUser("changed on the form");
    // Someone else changes another column meanwhile; the form does not send it, so that change stays.
    await webApi.updateRecord("msdyn_shipvia", id, { fsi_scmlasterror: "set elsewhere" });
    await runtime.save(SaveMode.Save);
    expect(
      await webApi.retrieveRecord("msdyn_shipvia", id, "?$select=msdyn_description,fsi_scmlasterror"),
    ).toMatchObject({ msdyn_description: "changed on the form", fsi_scmlasterror: "set elsewhere" });
    expect(attribute(runtime, "fsi_scmlasterror").getValue()).toBe("set elsewhere");
  });

  it("reports a refused write as a failed save, to OnPostSave too", async () => {
    await webApi.createRecord("msdyn_shipvia", {
      msdyn_name: "DUP",
      "msdyn_company@odata.bind": `/cdm_companies(${companyId})`,
    });
    const { runtime } = harness();
    const outcomes: boolean[] = [];
    runtime.formContext.data.entity.addOnPostSave((context) =>
      outcomes.push((context.getEventArgs() as { getIsSaveSuccess(): boolean }).getIsSaveSuccess()),
    );
    fillNew(runtime, "DUP");
    await expect(runtime.save(SaveMode.Save)).rejects.toBeInstanceOf(SaveNotCompleted);
    expect(outcomes).toEqual([false]);
    expect(runtime.hostMessages().map((message) => message.id)).toContain("save-error");
  });

  describe("with async save handlers on", () => {
    it("waits for a handler's promise and cancels on its rejection when it asked to (preventDefaultOnError)", async () => {
      const { runtime, library } = harness({ asyncSaveHandlers: true });
      library.onSave = (context) => {
        const args = context.getEventArgs() as { preventDefaultOnError(): void; disableAsyncTimeout?: unknown };
        expect(typeof args.disableAsyncTimeout).toBe("function");
        args.preventDefaultOnError();
        return Promise.reject(new Error("SCM refused"));
      };
      fillNew(runtime, "ASYNC1");
      await expect(runtime.save(SaveMode.Save)).rejects.toMatchObject({ reason: "cancelled" });
      expect(await shipViasNamed("ASYNC1")).toEqual([]);
    });

    it("saves after a rejected promise when the handler did not ask to cancel on error", async () => {
      const { runtime, library } = harness({ asyncSaveHandlers: true });
      library.onSave = () => Promise.reject(new Error("only a warning"));
      fillNew(runtime, "ASYNC2");
      await runtime.save(SaveMode.Save);
      expect(await shipViasNamed("ASYNC2")).toHaveLength(1);
    });

    it("saves once the handler's promise resolves", async () => {
      const { runtime, library } = harness({ asyncSaveHandlers: true });
      const order: string[] = [];
      library.onSave = () =>
        new Promise<void>((resolve) => {
          setImmediate(() => {
            order.push("handler done");
            resolve();
          });
        });
      runtime.formContext.data.entity.addOnPostSave(() => order.push("saved"));
      fillNew(runtime, "ASYNC3");
      await runtime.save(SaveMode.Save);
      expect(order).toEqual(["handler done", "saved"]);
    });
  });

  describe("with async save handlers off", () => {
    it("gives no disableAsyncTimeout, honours preventDefault called synchronously, and does not wait for promises", async () => {
      const { runtime, library } = harness({ asyncSaveHandlers: false });
      library.onSave = (context) => {
        const args = context.getEventArgs() as { preventDefault(): void; disableAsyncTimeout?: unknown };
        expect(args.disableAsyncTimeout).toBeUndefined();
        args.preventDefault();
      };
      fillNew(runtime, "SYNC1");
      await expect(runtime.save(SaveMode.Save)).rejects.toMatchObject({ reason: "cancelled" });
      expect(await shipViasNamed("SYNC1")).toEqual([]);
    });

    it("ignores preventDefault called after the handler returned (the platform has moved on)", async () => {
      const { runtime, library } = harness({ asyncSaveHandlers: false });
      let late: Promise<void> | undefined;
      library.onSave = (context) => {
        const args = context.getEventArgs() as { preventDefault(): void };
        late = Promise.resolve().then(() => {
          args.preventDefault();
        });
        return late;
      };
      fillNew(runtime, "SYNC2");
      await runtime.save(SaveMode.Save);
      await late;
      expect(await shipViasNamed("SYNC2")).toHaveLength(1);
      expect(runtime.hostMessages().map((message) => message.id)).toContain("late-prevent-default");
    });
  });

  describe("save modes", () => {
    it("closes after Save and Close and opens a new form after Save and New from the command bar", async () => {
      const first = harness();
      fillNew(first.runtime, "MODE1");
      expect(await first.runtime.saveFromCommand(SaveMode.SaveAndClose)).toBe(true);
      expect(first.closed.count).toBe(1);
      const second = harness();
      fillNew(second.runtime, "MODE2");
      expect(await second.runtime.saveFromCommand(SaveMode.SaveAndNew)).toBe(true);
      expect(second.opened.count).toBe(1);
    });

    it("passes the save mode to OnSave but only labels the save in data.save", async () => {
      const { runtime, library, closed } = harness();
      const modes: unknown[] = [];
      library.onSave = (context) => modes.push((context.getEventArgs() as { getSaveMode(): number }).getSaveMode());
      fillNew(runtime, "MODE3");
      await runtime.formContext.data.save({ saveMode: SaveMode.SaveAndClose });
      expect(modes).toEqual([2]);
      expect(closed.count).toBe(0);
    });

    it("does not close when the save fails", async () => {
      const { runtime, closed } = harness();
      expect(await runtime.saveFromCommand(SaveMode.SaveAndClose)).toBe(false);
      expect(closed.count).toBe(0);
    });
  });
});
