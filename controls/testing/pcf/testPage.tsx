/**
 * A model-driven form cell for the controls' jest tests: the one context (`context.ts`) and host
 * loop (`host.ts`) over a test's fixture — parameters the test sets, the in-memory Dataverse as
 * `context.webAPI`, the resx strings, the user's language, the device's position, the record —
 * rendering a virtual control's element with Testing Library. `update()` changes what the control
 * sees and lets the host call updateView, as the platform does; outputs are written back into the
 * bound parameters the way the platform writes them to the form's columns.
 */
import { render, type RenderResult } from "@testing-library/react";
import type * as React from "react";
import { InMemoryWebApi } from "../inMemoryWebApi";
import type { PcfPlatform } from "./context";
import { type PcfControl, PcfHost, type HostCalls } from "./host";

export interface TestPageOptions<TInputs> {
  readonly parameters: TInputs;
  readonly webApi: InMemoryWebApi;
  readonly strings: Readonly<Record<string, string>>;
  readonly languageId?: number;
  /** The cell's width in pixels, what `mode.allocatedWidth` says once the control tracks it (-1: unknown). */
  readonly allocatedWidth?: number;
  readonly formFactor?: number;
  readonly offline?: boolean;
  readonly disabled?: boolean;
  /** The device's answer to getCurrentPosition; without one it rejects, as in a web browser. */
  readonly devicePosition?: { latitude: number; longitude: number };
  /** What model-driven apps pass as `mode.contextInfo`. */
  readonly record?: { entityTypeName: string; entityId: string };
  /** Column display names `utils.getEntityMetadata` answers, by table then column. */
  readonly displayNames?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface TestPageCalls extends HostCalls {
  readonly openForm: ComponentFramework.NavigationApi.EntityFormOptions[];
  readonly getCurrentPosition: number[];
}

export interface TestPage<TInputs> {
  readonly host: PcfHost<TInputs>;
  readonly calls: TestPageCalls;
  /** What the control sees now. */
  readonly parameters: TInputs;
  /** The rendered cell (Testing Library). */
  readonly view: RenderResult;
  /** Changes what the control sees; the host calls updateView when something changed. */
  update(changes: Partial<Omit<TestPageOptions<TInputs>, "webApi" | "strings">>): void;
  destroy(): void;
}

/** Lets every pending microtask run (the host reads outputs and renders in microtasks). */
export function settled(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The test user: what `userSettings.userId` and `userName` say. */
export const testUser = { id: "{00000000-0000-0000-0000-000000000001}", name: "Test User" };

/** `context.webAPI` over the in-memory Dataverse (PCF's shape: `nextLink` is always a string). */
function pcfWebApi(webApi: InMemoryWebApi): ComponentFramework.WebApi {
  return {
    createRecord: (table, data) => webApi.createRecord(table, data),
    updateRecord: (table, id, data) => webApi.updateRecord(table, id, data),
    deleteRecord: (table, id) => webApi.deleteRecord(table, id),
    retrieveRecord: async (table, id, options) => ({ ...(await webApi.retrieveRecord(table, id, options)) }),
    retrieveMultipleRecords: async (table, options, maxPageSize) => {
      const result = await webApi.retrieveMultipleRecords(table, options, maxPageSize);
      return { entities: result.entities.map((row) => ({ ...row })), nextLink: result.nextLink ?? "" };
    },
  };
}

/** The value the platform shows for a column after a control wrote `value` into it. */
function formattedOutput(value: unknown): string {
  if (Array.isArray(value)) return value.map((item: { name?: string }) => item.name ?? "").join(", ");
  return value === null || value === undefined ? "" : String(value as string | number | boolean);
}

export function openTestPage<TInputs>(control: PcfControl, initial: TestPageOptions<TInputs>): TestPage<TInputs> {
  let options = initial;
  const webAPI = pcfWebApi(initial.webApi);
  let view: RenderResult | undefined;
  const container = document.createElement("div");
  const pageCalls = {
    openForm: [] as ComponentFramework.NavigationApi.EntityFormOptions[],
    getCurrentPosition: [] as number[],
  };

  const platform = (): PcfPlatform<TInputs> => ({
    parameters: options.parameters,
    strings: options.strings,
    languageId: options.languageId ?? 1033,
    // The test user's time zone is UTC, whatever the machine's.
    timeZone: "UTC",
    user: testUser,
    formFactor: options.formFactor ?? 1,
    offline: options.offline ?? false,
    ...(options.record === undefined ? {} : { record: { ...options.record, entityRecordName: "" } }),
    disabled: options.disabled ?? false,
    visible: true,
    label: "",
    webAPI,
    getCurrentPosition: () => {
      pageCalls.getCurrentPosition.push(pageCalls.getCurrentPosition.length + 1);
      const position = options.devicePosition;
      if (position === undefined) {
        return Promise.reject(new Error("The device's position is available in the mobile app only."));
      }
      return Promise.resolve({
        coords: { ...position, accuracy: 10, altitude: 0, heading: 0, speed: 0, altitudeAccuracy: 0 },
        timestamp: new Date(),
      });
    },
    navigation: {
      openForm: (formOptions) => {
        pageCalls.openForm.push(formOptions);
        return Promise.resolve({ savedEntityReference: [] });
      },
    },
    utils: {
      getEntityMetadata: (entityName, attributes) => {
        const names = options.displayNames?.[entityName] ?? {};
        const wanted = attributes ?? Object.keys(names);
        const byName = new Map(wanted.map((name) => [name, { LogicalName: name, DisplayName: names[name] ?? name }]));
        return Promise.resolve({ LogicalName: entityName, Attributes: { get: (name: string) => byName.get(name) } });
      },
      hasEntityPrivilege: () => true,
    },
  });

  const host = new PcfHost<TInputs>(
    control,
    {
      platform,
      measure: () => ({ width: options.allocatedWidth ?? -1 }),
      render: (element) => {
        if (element === undefined) return;
        if (view === undefined) view = render(element as React.ReactElement);
        else view.rerender(element as React.ReactElement);
      },
      unmount: () => {
        view?.unmount();
      },
      writeOutputs: (outputs) => {
        const parameters = { ...(options.parameters as Record<string, ComponentFramework.PropertyTypes.Property>) };
        for (const [name, value] of Object.entries(outputs)) {
          const property = parameters[name];
          if (property === undefined) continue;
          parameters[name] = { ...property, raw: value, formatted: formattedOutput(value) };
        }
        options = { ...options, parameters: parameters as TInputs };
      },
    },
    container,
  );
  host.start();
  const calls: TestPageCalls = Object.assign(host.calls, pageCalls);
  return {
    host,
    calls,
    get parameters() {
      return options.parameters;
    },
    get view() {
      if (view === undefined) throw new Error("The control rendered nothing.");
      return view;
    },
    update(changes) {
      options = { ...options, ...changes };
      host.refresh();
    },
    destroy() {
      host.destroy();
    },
  };
}
