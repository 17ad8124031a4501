/**
 * A minimal model-driven form host for one control, run IN THE BROWSER: builds the PCF context the
 * controls use (parameters, mode, client, device, formatting, resources, navigation, utils,
 * webAPI) and mounts the control from its built bundle the way the platform does (`init`, then
 * `updateView` rendered with ReactDOM, again on every `notifyOutputChanged`). The Web API and
 * `fetch` are forwarded to functions the test runner exposes (`fsiWebApi`, `fsiFetch`).
 *
 * controls/screenshots.ts bundles this file with esbuild and injects it next to the platform
 * libraries; it then calls `window.fsiMount(spec)`.
 */
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
    const attributes = { LogicalName: "column" in value && value.column ? value.column : name, DisplayName: name };
    switch (value.kind) {
      case "lookup":
        return {
          raw: value.value ? [value.value] : [],
          formatted: value.value?.name ?? "",
          type: "Lookup.Simple",
          attributes,
          getTargetEntityType: () => value.value?.entityType ?? "",
          getViewId: () => "",
        };
      case "option":
        return { raw: value.value, formatted: value.label, type: "OptionSet", attributes };
      case "date":
        return {
          raw: value.value ? new Date(value.value) : null,
          formatted: "",
          type: "DateAndTime.DateAndTime",
          attributes,
        };
      default:
        return {
          raw: value.value,
          formatted: value.value === null ? "" : String(value.value),
          type: value.kind,
          attributes,
        };
    }
  };
  const locale = spec.languageId === 1036 ? "fr-FR" : "en-US";
  const call = async (
    operation: string,
    table: string,
    idOrOptions: string,
    options: string | null,
    maxPageSize: number | null,
  ) => JSON.parse(await host.fsiWebApi(operation, table, idOrOptions, options, maxPageSize)) as unknown;
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
  const context = {
    parameters: Object.fromEntries(
      Object.entries(spec.parameters).map(([name, value]) => [name, property(name, value)]),
    ),
    mode: {
      allocatedWidth: spec.width,
      allocatedHeight: -1,
      isControlDisabled: false,
      isVisible: true,
      label: "",
      contextInfo: spec.record,
      trackContainerResize: () => undefined,
      setControlState: () => true,
      setFullScreen: () => undefined,
    },
    client: {
      getFormFactor: () => spec.formFactor,
      getClient: () => (spec.formFactor === 3 ? "Mobile" : "Web"),
      isOffline: () => false,
      isNetworkAvailable: () => true,
      disableScroll: false,
    },
    device: {
      getCurrentPosition: () =>
        spec.devicePosition
          ? Promise.resolve({ coords: spec.devicePosition, timestamp: new Date() })
          : Promise.reject(new Error("Device.getCurrentPosition works only in the mobile app")),
    },
    formatting: {
      formatDecimal: (value: number, precision = 2) =>
        new Intl.NumberFormat(locale, { minimumFractionDigits: precision, maximumFractionDigits: precision }).format(
          value,
        ),
      formatDateShort: (value: Date, includeTime?: boolean) =>
        new Intl.DateTimeFormat(
          locale,
          includeTime
            ? { dateStyle: "short", timeStyle: "short", timeZone: "UTC" }
            : { dateStyle: "short", timeZone: "UTC" },
        ).format(value),
    },
    resources: { getString: (key: string) => spec.strings[key] ?? key },
    userSettings: { languageId: spec.languageId },
    navigation: { openForm: () => Promise.resolve({ savedEntityReference: [] }) },
    factory: {
      requestRender: () => {
        render();
      },
    },
    utils: {
      getEntityMetadata: () =>
        Promise.resolve({
          Attributes: { get: (name: string) => ({ LogicalName: name, DisplayName: spec.displayNames[name] ?? name }) },
        }),
    },
    webAPI: {
      retrieveMultipleRecords: (table: string, options?: string, maxPageSize?: number) =>
        call("retrieveMultipleRecords", table, options ?? "", null, maxPageSize ?? null),
      retrieveRecord: (table: string, id: string, options?: string) =>
        call("retrieveRecord", table, id, options ?? null, null),
    },
  };
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
