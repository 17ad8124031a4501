/**
 * The screenshot page's form cell, run IN THE BROWSER: the one context and host loop
 * (`context.ts`, `host.ts`) mounting a control from its built bundle the way the platform does
 * (`init`, then `updateView` rendered with the platform's ReactDOM, again on every change). The Web
 * API and `fetch` are forwarded to functions the test runner exposes (`fsiWebApi`, `fsiFetch`).
 *
 * controls/screenshots.ts bundles this file with esbuild and injects it next to the platform
 * libraries; it then calls `window.fsiMount(spec)`.
 */
import type { RetrieveMultipleResult, WebApiEntity } from "../../shared/services/webApi";
import { PcfHost, type PcfControl } from "./host";
import { dateTimeProperty, lookupProperty, numberProperty, optionSetProperty, stringProperty } from "./properties";

/** A property as the host builds it in the page (see `mount` below). */
export type PropertySpec =
  | {
      readonly kind: "lookup";
      readonly value: { id: string; name: string; entityType: string } | null;
      readonly column?: string;
    }
  | { readonly kind: "number"; readonly value: number | null }
  | { readonly kind: "text"; readonly value: string | null; readonly column?: string }
  | { readonly kind: "option"; readonly value: number | null; readonly label: string }
  | { readonly kind: "date"; readonly value: string | null };

export interface ScenarioSpec {
  readonly control: "NearbyWarehouses" | "ScmIntegrationPanel" | "CustomerAssetPicker" | "WarehouseOnHand";
  readonly parameters: Readonly<Record<string, PropertySpec>>;
  readonly strings: Readonly<Record<string, string>>;
  readonly languageId: number;
  readonly width: number;
  readonly formFactor: number;
  readonly devicePosition: { latitude: number; longitude: number } | null;
  readonly record: { entityTypeName: string; entityId: string } | null;
  readonly displayNames: Readonly<Record<string, string>>;
}

/** Runs in the page: builds the PCF context and mounts the control the way the platform does. */
function mount(spec: ScenarioSpec): void {
  interface Host {
    fsiWebApi(
      operation: string,
      table: string,
      idOrOptions: string,
      options: string | null,
      maxPageSize: number | null,
    ): Promise<string>;
    fsiFetch(
      url: string,
      init: { method?: string; headers?: Record<string, string>; body?: string },
    ): Promise<{ status: number; body: string }>;
    ReactDOM: { render(element: unknown, container: Element): void; unmountComponentAtNode(container: Element): void };
    FieldServiceScm: Record<string, new () => PcfControl>;
  }
  const host = window as unknown as Host & Window;
  const property = (name: string, value: PropertySpec) => {
    const column = "column" in value && value.column ? value.column : name;
    switch (value.kind) {
      case "lookup":
        return lookupProperty(value.value, value.value?.entityType ?? "", column);
      case "option":
        return optionSetProperty(value.value, value.label, column);
      case "date":
        return dateTimeProperty(value.value === null ? null : new Date(value.value), "", column);
      case "number":
        return numberProperty(value.value);
      case "text":
        return stringProperty(value.value, column);
    }
  };
  const call = async <T>(
    operation: string,
    table: string,
    idOrOptions: string,
    options: string | null,
    maxPageSize: number | null,
  ) => JSON.parse(await host.fsiWebApi(operation, table, idOrOptions, options, maxPageSize)) as T;
  const readOnly = (operation: string) => () =>
    Promise.reject(new Error(`The screenshot page's Web API is read-only: ${operation}.`));
  const webAPI: ComponentFramework.WebApi = {
    retrieveMultipleRecords: async (table, options, maxPageSize) => {
      const result = await call<RetrieveMultipleResult>(
        "retrieveMultipleRecords",
        table,
        options ?? "",
        null,
        maxPageSize ?? null,
      );
      return { entities: result.entities.map((row) => ({ ...row })), nextLink: result.nextLink ?? "" };
    },
    retrieveRecord: async (table, id, options) => ({
      ...(await call<WebApiEntity>("retrieveRecord", table, id, options ?? null, null)),
    }),
    createRecord: readOnly("createRecord"),
    updateRecord: readOnly("updateRecord"),
    deleteRecord: readOnly("deleteRecord"),
  };
  host.fetch = async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const answer = await host.fsiFetch(url, {
      method: init?.method,
      headers: init?.headers as Record<string, string> | undefined,
      body: typeof init?.body === "string" ? init.body : undefined,
    });
    return new Response(answer.body, { status: answer.status, headers: { "Content-Type": "application/json" } });
  };
  const container = document.getElementById("host");
  if (!(container instanceof HTMLDivElement)) throw new Error("no host element");
  let parameters: Record<string, ComponentFramework.PropertyTypes.Property> = Object.fromEntries(
    Object.entries(spec.parameters).map(([name, value]) => [name, property(name, value)]),
  );
  const displayNames = spec.displayNames;
  const Control = host.FieldServiceScm[spec.control];
  if (!Control) throw new Error(`The bundle did not register FieldServiceScm.${spec.control}`);
  const cell = new PcfHost(
    new Control(),
    {
      platform: () => ({
        parameters,
        strings: spec.strings,
        languageId: spec.languageId,
        user: { id: "{00000000-0000-0000-0000-000000000001}", name: "Dana Technician" },
        formFactor: spec.formFactor,
        offline: false,
        ...(spec.record === null ? {} : { record: { ...spec.record, entityRecordName: "" } }),
        disabled: false,
        visible: true,
        label: "",
        webAPI,
        ...(spec.devicePosition === null
          ? {}
          : {
              getCurrentPosition: () =>
                Promise.resolve({
                  coords: {
                    ...spec.devicePosition,
                    accuracy: 10,
                    altitude: 0,
                    heading: 0,
                    speed: 0,
                    altitudeAccuracy: 0,
                  },
                  timestamp: new Date(),
                } as ComponentFramework.DeviceApi.Position),
            }),
        navigation: { openForm: () => Promise.resolve({ savedEntityReference: [] }) },
        utils: {
          getEntityMetadata: (entityName, attributes) => {
            const wanted = attributes ?? Object.keys(displayNames);
            const byName = new Map(
              wanted.map((name) => [name, { LogicalName: name, DisplayName: displayNames[name] ?? name }]),
            );
            return Promise.resolve({
              LogicalName: entityName,
              Attributes: { get: (name: string) => byName.get(name) },
            });
          },
          hasEntityPrivilege: () => true,
        },
      }),
      // The cell's width as the spec gives it (the page lays the cell out at that width).
      measure: () => ({ width: spec.width }),
      render: (element) => {
        host.ReactDOM.render(element, container);
      },
      unmount: () => {
        host.ReactDOM.unmountComponentAtNode(container);
      },
      writeOutputs: (outputs) => {
        parameters = Object.fromEntries(
          Object.entries(parameters).map(([name, value]) => [
            name,
            name in outputs ? { ...value, raw: outputs[name] } : value,
          ]),
        );
      },
    },
    container,
  );
  cell.start();
}

(window as unknown as { fsiMount: typeof mount }).fsiMount = mount;
