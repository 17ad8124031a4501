/**
 * A minimal model-driven form host for one control, run IN THE BROWSER: builds the PCF context
 * (the controls' one stand-in, `mockContext.ts`) and mounts the control from its built bundle the way the platform does (`init`, then
 * `updateView` rendered with ReactDOM, again on every `notifyOutputChanged`). The Web API and
 * `fetch` are forwarded to functions the test runner exposes (`fsiWebApi`, `fsiFetch`).
 *
 * controls/screenshots.ts bundles this file with esbuild and injects it next to the platform
 * libraries; it then calls `window.fsiMount(spec)`.
 */
import type { RetrieveMultipleResult, WebApiEntity, WebApiReader } from "../shared/services/webApi";
import {
  dateTimeProperty,
  lookupProperty,
  mockContext,
  numberProperty,
  optionSetProperty,
  stringProperty,
} from "./mockContext";

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
    ReactDOM: { render(element: unknown, container: Element): void };
    FieldServiceScm: Record<
      string,
      new () => {
        init(context: unknown, notify: () => void, state: unknown, container: Element): void;
        updateView(context: unknown): unknown;
      }
    >;
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
  const webApi: WebApiReader = {
    retrieveMultipleRecords: (table, options, maxPageSize) =>
      call<RetrieveMultipleResult>("retrieveMultipleRecords", table, options ?? "", null, maxPageSize ?? null),
    retrieveRecord: (table, id, options) => call<WebApiEntity>("retrieveRecord", table, id, options ?? null, null),
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
  if (!container) throw new Error("no host element");
  const { context } = mockContext({
    parameters: Object.fromEntries(
      Object.entries(spec.parameters).map(([name, value]) => [name, property(name, value)]),
    ),
    webApi,
    strings: spec.strings,
    languageId: spec.languageId,
    allocatedWidth: spec.width,
    formFactor: spec.formFactor,
    ...(spec.devicePosition === null ? {} : { devicePosition: spec.devicePosition }),
    ...(spec.record === null ? {} : { record: spec.record }),
    displayNames: spec.record === null ? {} : { [spec.record.entityTypeName]: spec.displayNames },
    onRequestRender: () => {
      render();
    },
  });
  const Control = host.FieldServiceScm[spec.control];
  if (!Control) throw new Error(`The bundle did not register FieldServiceScm.${spec.control}`);
  const control = new Control();
  const render = () => {
    host.ReactDOM.render(control.updateView(context), container);
  };
  control.init(context, render, {}, container);
  render();
}

(window as unknown as { fsiMount: typeof mount }).fsiMount = mount;
