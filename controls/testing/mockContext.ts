/**
 * The one PCF context stand-in of controls/ (the sandbox's form host has the platform's own, over
 * its emulators: sandbox/formhost/client/pcf/context.ts). A typed `ComponentFramework.Context` for
 * lifecycle tests and the screenshot page (`pcfHost.ts`), in the powercat-code-components pattern:
 * every member the interface declares exists with the declared type, the ones our controls use
 * behave like the platform's (and record their calls), and the ones they must not use throw.
 */
import type { WebApiEntity, WebApiReader } from "../shared/services/webApi";

function notUsed(member: string): never {
  throw new Error(`${member} is not used by the controls; the mock context does not implement it`);
}

const baseProperty = {
  error: false,
  errorMessage: "",
};

export function lookupProperty(
  value: ComponentFramework.LookupValue | null,
  targetEntityType: string,
  logicalName = targetEntityType,
): ComponentFramework.PropertyTypes.LookupProperty {
  return {
    ...baseProperty,
    raw: value ? [value] : [],
    formatted: value?.name ?? "",
    type: "Lookup.Simple",
    attributes: metadata(logicalName),
    getTargetEntityType: () => targetEntityType,
    getViewId: () => "00000000-0000-0000-0000-000000000000",
  };
}

export function numberProperty(value: number | null, type = "FP"): ComponentFramework.PropertyTypes.NumberProperty {
  return { ...baseProperty, raw: value, formatted: value === null ? "" : String(value), type };
}

export function wholeNumberProperty(value: number | null): ComponentFramework.PropertyTypes.WholeNumberProperty {
  return { ...baseProperty, raw: value, formatted: value === null ? "" : String(value), type: "Whole.None" };
}

export function stringProperty(
  value: string | null,
  logicalName = "",
  type = "SingleLine.Text",
): ComponentFramework.PropertyTypes.StringProperty {
  return {
    ...baseProperty,
    raw: value,
    formatted: value ?? "",
    type,
    attributes: { ...metadata(logicalName), MaxLength: 4000, ImeMode: 0, Format: "text" },
  };
}

export function optionSetProperty(
  value: number | null,
  label: string | null,
  logicalName = "",
): ComponentFramework.PropertyTypes.OptionSetProperty {
  return {
    ...baseProperty,
    raw: value,
    formatted: label ?? "",
    type: "OptionSet",
    attributes: { ...metadata(logicalName), Options: [], DefaultValue: -1 },
  };
}

export function dateTimeProperty(
  value: Date | null,
  formatted: string,
  logicalName = "",
): ComponentFramework.PropertyTypes.DateTimeProperty {
  return {
    ...baseProperty,
    raw: value,
    formatted,
    type: "DateAndTime.DateAndTime",
    attributes: { ...metadata(logicalName), Behavior: 1, Format: "datetime", ImeMode: 0 },
  };
}

function metadata(logicalName: string): ComponentFramework.PropertyHelper.FieldPropertyMetadata.Metadata {
  return {
    DisplayName: logicalName,
    LogicalName: logicalName,
    RequiredLevel: 0,
    IsSecured: false,
    SourceType: 0,
    Description: "",
  };
}

/** BCP 47 tags for the LCIDs the tests use, so formatting follows the user's language. */
const localeOf: Readonly<Record<number, string>> = { 1033: "en-US", 1036: "fr-FR", 2057: "en-GB", 3082: "es-ES" };

export interface MockContextOptions<TInputs> {
  readonly parameters: TInputs;
  readonly webApi: WebApiReader;
  readonly strings: Readonly<Record<string, string>>;
  readonly languageId?: number;
  readonly allocatedWidth?: number;
  readonly formFactor?: number;
  readonly offline?: boolean;
  readonly disabled?: boolean;
  /** The device's answer to getCurrentPosition; a rejection when not given (web client). */
  readonly devicePosition?: { latitude: number; longitude: number };
  /** What model-driven apps pass as `mode.contextInfo`. */
  readonly record?: { entityTypeName: string; entityId: string };
  /** Column display names `utils.getEntityMetadata` answers, by table then column. */
  readonly displayNames?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** What the host does when the control calls `factory.requestRender` (a page host renders again). */
  readonly onRequestRender?: () => void;
}

export interface MockContextCalls {
  readonly openForm: ComponentFramework.NavigationApi.EntityFormOptions[];
  readonly trackContainerResize: boolean[];
  readonly getCurrentPosition: number[];
  readonly requestRender: number[];
}

export interface MockContext<TInputs> {
  readonly context: ComponentFramework.Context<TInputs>;
  readonly calls: MockContextCalls;
  /** Changes what the next updateView sees, as the platform does between calls. */
  update(changes: Partial<Omit<MockContextOptions<TInputs>, "webApi" | "strings">>): void;
}

function webApiOf(reader: WebApiReader): ComponentFramework.WebApi {
  return {
    createRecord: () => notUsed("webAPI.createRecord"),
    deleteRecord: () => notUsed("webAPI.deleteRecord"),
    updateRecord: () => notUsed("webAPI.updateRecord"),
    retrieveMultipleRecords: async (entityType, options, maxPageSize) => {
      const result = await reader.retrieveMultipleRecords(entityType, options, maxPageSize);
      return { entities: result.entities.map((row: WebApiEntity) => ({ ...row })), nextLink: result.nextLink ?? "" };
    },
    retrieveRecord: async (entityType, id, options) => ({ ...(await reader.retrieveRecord(entityType, id, options)) }),
  };
}

export function mockContext<TInputs>(initial: MockContextOptions<TInputs>): MockContext<TInputs> {
  let options: MockContextOptions<TInputs> = initial;
  const calls: MockContextCalls = { openForm: [], trackContainerResize: [], getCurrentPosition: [], requestRender: [] };
  const locale = () => localeOf[options.languageId ?? 1033] ?? "en-US";
  // The mock user's time zone is UTC (getTimeZoneOffsetMinutes answers 0), whatever the machine's.
  const dates = (format: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(locale(), { ...format, timeZone: "UTC" });

  const mode = {
    get allocatedHeight() {
      return -1;
    },
    get allocatedWidth() {
      return options.allocatedWidth ?? -1;
    },
    get isControlDisabled() {
      return options.disabled ?? false;
    },
    isVisible: true,
    label: "",
    get contextInfo() {
      return options.record ? { ...options.record, entityRecordName: "" } : undefined;
    },
    setControlState: () => true,
    setFullScreen: () => undefined,
    trackContainerResize: (value: boolean) => {
      calls.trackContainerResize.push(value);
    },
  } satisfies ComponentFramework.Mode & { readonly contextInfo: unknown };

  const formatting: ComponentFramework.Formatting = {
    formatCurrency: (value, precision = 2) =>
      new Intl.NumberFormat(locale(), { minimumFractionDigits: precision }).format(value),
    formatDecimal: (value, precision = 2) =>
      new Intl.NumberFormat(locale(), { minimumFractionDigits: precision, maximumFractionDigits: precision }).format(
        value,
      ),
    formatDateAsFilterStringInUTC: (value) => value.toISOString().slice(0, 10),
    formatDateLong: (value) => dates({ dateStyle: "full" }).format(value),
    formatDateLongAbbreviated: (value) => dates({ dateStyle: "medium" }).format(value),
    formatDateShort: (value, includeTime) =>
      dates(includeTime ? { dateStyle: "short", timeStyle: "short" } : { dateStyle: "short" }).format(value),
    formatDateYearMonth: (value) => dates({ year: "numeric", month: "long" }).format(value),
    formatInteger: (value) => new Intl.NumberFormat(locale(), { maximumFractionDigits: 0 }).format(value),
    formatLanguage: (value) => String(value),
    formatTime: (value) => dates({ timeStyle: "short" }).format(value),
    getWeekOfYear: () => notUsed("formatting.getWeekOfYear"),
  };

  const context: ComponentFramework.Context<TInputs> = {
    get parameters() {
      return options.parameters;
    },
    updatedProperties: [],
    events: {},
    client: {
      disableScroll: false,
      getFormFactor: () => options.formFactor ?? 1,
      getClient: () => ((options.formFactor ?? 1) === 3 ? "Mobile" : "Web"),
      isOffline: () => options.offline ?? false,
      isNetworkAvailable: () => !(options.offline ?? false),
    },
    device: {
      captureAudio: () => notUsed("device.captureAudio"),
      captureImage: () => notUsed("device.captureImage"),
      captureVideo: () => notUsed("device.captureVideo"),
      getBarcodeValue: () => notUsed("device.getBarcodeValue"),
      pickFile: () => notUsed("device.pickFile"),
      getCurrentPosition: () => {
        calls.getCurrentPosition.push(Date.now());
        const position = options.devicePosition;
        if (!position) {
          return Promise.reject(new Error("Device.getCurrentPosition is available only in the mobile app"));
        }
        return Promise.resolve({
          coords: { ...position, accuracy: 10, altitude: 0, heading: 0, speed: 0, altitudeAccuracy: 0 },
          timestamp: new Date(),
        });
      },
    },
    factory: {
      getPopupService: () => notUsed("factory.getPopupService"),
      requestRender: () => {
        calls.requestRender.push(Date.now());
        options.onRequestRender?.();
      },
    },
    formatting,
    mode,
    navigation: {
      openAlertDialog: () => notUsed("navigation.openAlertDialog"),
      openConfirmDialog: () => notUsed("navigation.openConfirmDialog"),
      openErrorDialog: () => notUsed("navigation.openErrorDialog"),
      openFile: () => notUsed("navigation.openFile"),
      openForm: (formOptions) => {
        calls.openForm.push(formOptions);
        return Promise.resolve({ savedEntityReference: [] });
      },
      openUrl: () => notUsed("navigation.openUrl"),
      openWebResource: () => notUsed("navigation.openWebResource"),
    },
    resources: {
      getResource: () => notUsed("resources.getResource"),
      getString: (id) => options.strings[id] ?? id,
    },
    userSettings: {
      dateFormattingInfo: {} as ComponentFramework.UserSettingApi.DateFormattingInfo,
      numberFormattingInfo: {} as ComponentFramework.UserSettingApi.NumberFormattingInfo,
      isRTL: false,
      get languageId() {
        return options.languageId ?? 1033;
      },
      securityRoles: [],
      userId: "{00000000-0000-0000-0000-000000000001}",
      userName: "Test User",
      getTimeZoneOffsetMinutes: () => 0,
    },
    utils: {
      getEntityMetadata: (entityName, attributes) => {
        const names = options.displayNames?.[entityName] ?? {};
        const wanted = attributes ?? Object.keys(names);
        const byName = new Map(wanted.map((name) => [name, { LogicalName: name, DisplayName: names[name] ?? name }]));
        return Promise.resolve({ LogicalName: entityName, Attributes: { get: (name: string) => byName.get(name) } });
      },
      hasEntityPrivilege: () => true,
      lookupObjects: () => notUsed("utils.lookupObjects"),
    },
    webAPI: webApiOf(initial.webApi),
    copilot: {
      executeEvent: () => notUsed("copilot.executeEvent"),
      executePrompt: () => notUsed("copilot.executePrompt"),
    },
  };

  return {
    context,
    calls,
    update(changes) {
      options = { ...options, ...changes };
    },
  };
}
