/// <reference types="powerapps-component-framework" />
/**
 * `ComponentFramework.Context` for one control on the form, as a model-driven app builds it:
 * parameters from the form's columns, `webAPI` over the Dataverse emulator (sending
 * `x-fsi-client-state: offline` while the offline switch is on), `device.getCurrentPosition` over
 * the browser's geolocation, `client.getFormFactor` from the viewport, `mode.allocatedWidth` from
 * the control's container once it asked to track resizes, and the user's language and formats.
 * Device features the web client lacks (camera, microphone, barcode scanner) reject, as on the web.
 */
import { tableByLogicalName } from "../../../../core/dataverse/tables";
import type { ControlDescription } from "../../shared/contract";
import { alertDialog, confirmDialog, lookupDialog } from "../dialogs";
import { listUrl, navigate } from "../navigation";
import { localeOf, type SessionSettings, viewportFormFactor } from "../session";
import { searchRows } from "../lookup-search";
import type { SandboxWebApi } from "../web-api";
import { currentPosition, openForm } from "../xrm/global";
import { dateFormattingInfo, formattingFor, numberFormattingInfo } from "./formatting";
import { platformGlobal } from "./loader";

type Context = ComponentFramework.Context<Record<string, ComponentFramework.PropertyTypes.Property>>;

export interface ContextInputs {
  readonly control: ControlDescription;
  readonly parameters: Record<string, ComponentFramework.PropertyTypes.Property>;
  readonly updatedProperties: string[];
  readonly session: SessionSettings;
  readonly webApi: SandboxWebApi;
  readonly user: { readonly id: string; readonly fullname: string };
  readonly record: { readonly entityTypeName: string; readonly entityId: string; readonly entityRecordName: string };
  readonly disabled: boolean;
  readonly visible: boolean;
  readonly label: string;
  /** The container's width, or -1 until the control asks to track resizes. */
  readonly allocatedWidth: number;
  readonly allocatedHeight: number;
  readonly trackContainerResize: (track: boolean) => void;
  readonly requestRender: () => void;
  /** The control's popup service (one per control, created on first use). */
  readonly popupService: () => ComponentFramework.FactoryApi.Popup.PopupService;
}

/** The Fluent 9 web brand ramp (Fluent UI `brandWeb`), the tokens model-driven apps theme with. */
const brandWeb: ComponentFramework.BrandVariants = {
  10: "#061724",
  20: "#082338",
  30: "#0a2e4a",
  40: "#0c3b5e",
  50: "#0e4775",
  60: "#0f548c",
  70: "#115ea3",
  80: "#0f6cbd",
  90: "#2886de",
  100: "#479ef5",
  110: "#62abf5",
  120: "#77b7f7",
  130: "#96c6fa",
  140: "#b4d6fa",
  150: "#cfe4fa",
  160: "#ebf3fc",
};

/** Whether a value looks like a Fluent token theme (the typings declare `Theme` as `any`, so no type guard). */
function looksLikeTheme(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { colorBrandBackground?: unknown }).colorBrandBackground === "string"
  );
}

/** The light theme from the Fluent platform library, when the page loaded it. */
function fluentDesignLanguage(control: ControlDescription): ComponentFramework.FluentDesignState | undefined {
  const fluent = control.platformLibraries.find((library) => library.name === "fluent");
  const library = fluent === undefined ? undefined : platformGlobal(fluent.global);
  const theme: unknown =
    typeof library === "object" && library !== null
      ? (library as { webLightTheme?: unknown }).webLightTheme
      : undefined;
  return looksLikeTheme(theme) ? { tokenTheme: theme, brand: brandWeb, isDarkTheme: false } : undefined;
}

function languageName(locale: string): (lcid: number) => string {
  const display = new Intl.DisplayNames([locale], { type: "language" });
  return (lcid) => display.of(localeOf(lcid)) ?? String(lcid);
}

function notOnTheWeb(feature: string): Promise<never> {
  return Promise.reject(new Error(`${feature} is available in the mobile app only, not in a web browser.`));
}

function pickFile(options?: ComponentFramework.DeviceApi.PickFileOptions): Promise<ComponentFramework.FileObject[]> {
  return new Promise((resolve) => {
    const input = document.createElement("input");
    input.type = "file";
    input.multiple = options?.allowMultipleFiles === true;
    if (options?.accept !== undefined) input.accept = options.accept;
    input.addEventListener("change", () => {
      const files = [...(input.files ?? [])];
      void Promise.all(
        files.map(
          (file) =>
            new Promise<ComponentFramework.FileObject>((done) => {
              const reader = new FileReader();
              reader.addEventListener("load", () => {
                const content = typeof reader.result === "string" ? (reader.result.split(",")[1] ?? "") : "";
                done({ fileContent: content, fileName: file.name, fileSize: file.size, mimeType: file.type });
              });
              reader.readAsDataURL(file);
            }),
        ),
      ).then(resolve);
    });
    input.click();
  });
}

export function createContext(inputs: ContextInputs): Context {
  const locale = localeOf(inputs.session.languageId);
  const strings = inputs.control.strings[String(inputs.session.languageId)] ?? inputs.control.strings["1033"] ?? {};
  const webApi = inputs.webApi;
  const formFactor = viewportFormFactor();
  const design = fluentDesignLanguage(inputs.control);
  return {
    parameters: inputs.parameters,
    updatedProperties: inputs.updatedProperties,
    events: {},
    client: {
      disableScroll: false,
      getFormFactor: () => formFactor,
      getClient: () => (formFactor === 3 ? "Mobile" : "Web"),
      isOffline: () => inputs.session.offline,
      isNetworkAvailable: () => !inputs.session.offline,
    },
    device: {
      captureAudio: () => notOnTheWeb("Capturing audio"),
      captureImage: () => notOnTheWeb("Capturing an image"),
      captureVideo: () => notOnTheWeb("Capturing video"),
      getBarcodeValue: () => notOnTheWeb("Scanning a barcode"),
      getCurrentPosition: async () => {
        const position = await currentPosition();
        const { coords } = position;
        return {
          coords: {
            latitude: coords.latitude,
            longitude: coords.longitude,
            accuracy: coords.accuracy,
            altitude: coords.altitude ?? 0,
            heading: coords.heading ?? 0,
            speed: coords.speed ?? 0,
            altitudeAccuracy: coords.altitudeAccuracy ?? 0,
          },
          timestamp: new Date(position.timestamp),
        };
      },
      pickFile,
    },
    factory: {
      getPopupService: inputs.popupService,
      requestRender: inputs.requestRender,
    },
    formatting: formattingFor(locale, languageName(locale)),
    mode: Object.assign(
      {
        allocatedHeight: inputs.allocatedHeight,
        allocatedWidth: inputs.allocatedWidth,
        isControlDisabled: inputs.disabled,
        isVisible: inputs.visible,
        label: inputs.label,
        setControlState: () => true,
        setFullScreen: () => undefined,
        trackContainerResize: inputs.trackContainerResize,
      },
      // Not in the published typings, but what model-driven apps pass to field controls.
      { contextInfo: inputs.record },
    ),
    navigation: {
      openAlertDialog: async (alertStrings) => {
        await alertDialog("", alertStrings.text, alertStrings.confirmButtonLabel);
      },
      openConfirmDialog: async (confirmStrings) => ({
        confirmed: await confirmDialog(
          confirmStrings.title ?? "",
          confirmStrings.text,
          confirmStrings.confirmButtonLabel,
          confirmStrings.cancelButtonLabel,
        ),
      }),
      openErrorDialog: async (options) => {
        await alertDialog(
          "Error",
          [options.message, options.details].filter((text) => text !== undefined && text !== "").join(" "),
        );
      },
      openFile: (file) => {
        const link = document.createElement("a");
        link.href = `data:${file.mimeType};base64,${file.fileContent}`;
        link.download = file.fileName;
        link.click();
        return Promise.resolve();
      },
      openForm: (options) =>
        openForm({
          entityName: options.entityName,
          ...(options.entityId === undefined ? {} : { entityId: options.entityId }),
          ...(options.formId === undefined ? {} : { formId: options.formId }),
        }),
      openUrl: (url) => {
        window.open(url, "_blank", "noopener");
      },
      openWebResource: (name) => {
        window.open(`/WebResources/${name}`, "_blank", "noopener");
      },
    },
    resources: {
      getString: (id) => strings[id] ?? id,
      getResource: (id, success, failure) => {
        void fetch(new URL(id, new URL(inputs.control.bundleUrl, window.location.href)))
          .then(async (response) => {
            if (!response.ok) throw new Error(String(response.status));
            const bytes = new Uint8Array(await response.arrayBuffer());
            let binary = "";
            for (const byte of bytes) binary += String.fromCharCode(byte);
            success(btoa(binary));
          })
          .catch(() => {
            failure();
          });
      },
    },
    userSettings: {
      dateFormattingInfo: dateFormattingInfo(locale),
      numberFormattingInfo: numberFormattingInfo(locale),
      isRTL: false,
      languageId: inputs.session.languageId,
      securityRoles: [],
      userId: `{${inputs.user.id.toUpperCase()}}`,
      userName: inputs.user.fullname,
      getTimeZoneOffsetMinutes: (date) => -(date ?? new Date()).getTimezoneOffset(),
    },
    utils: {
      getEntityMetadata: (entityName, attributes) => {
        const table = tableByLogicalName(entityName);
        if (table === undefined) return Promise.reject(new Error(`No table ${entityName}.`));
        const wanted = attributes ?? Object.keys(table.columns);
        const byName = new Map(
          wanted.flatMap((name) => {
            const column = table.columns[name];
            return column === undefined
              ? []
              : [[name, { LogicalName: name, DisplayName: column.displayName, AttributeType: column.type }] as const];
          }),
        );
        return Promise.resolve({
          LogicalName: table.logicalName,
          EntitySetName: table.entitySetName,
          DisplayName: table.displayName,
          PrimaryIdAttribute: table.primaryIdAttribute,
          PrimaryNameAttribute: table.primaryNameAttribute,
          Attributes: { get: (name: string) => byName.get(name), getAll: () => [...byName.values()] },
        });
      },
      hasEntityPrivilege: (entityTypeName) => tableByLogicalName(entityTypeName) !== undefined,
      lookupObjects: async (options) => {
        const table = tableByLogicalName(options.defaultEntityType ?? options.entityTypes[0] ?? "");
        if (table === undefined) return [];
        const row = await lookupDialog(`Choose a ${table.displayName}`, (text) => searchRows(webApi, table, text));
        return row === undefined ? [] : [{ id: row.id, name: row.name, entityType: table.logicalName }];
      },
    },
    webAPI: {
      createRecord: async (entityType, data) => ({ ...(await webApi.createRecord(entityType, data)) }),
      updateRecord: async (entityType, id, data) => ({ ...(await webApi.updateRecord(entityType, id, data)) }),
      deleteRecord: async (entityType, id) => ({ ...(await webApi.deleteRecord(entityType, id)) }),
      retrieveRecord: (entityType, id, options) => webApi.retrieveRecord(entityType, id, options),
      retrieveMultipleRecords: async (entityType, options, maxPageSize) => {
        const result = await webApi.retrieveMultipleRecords(entityType, options, maxPageSize);
        return { entities: result.entities, nextLink: result.nextLink ?? "" };
      },
    },
    ...(design === undefined ? {} : { fluentDesignLanguage: design }),
    copilot: {
      executeEvent: () => Promise.reject(new Error("Copilot is not available in the sandbox.")),
      executePrompt: () => Promise.reject(new Error("Copilot is not available in the sandbox.")),
    },
  };
}

/** Where a list of the table lives (for controls that open one). */
export function openList(table: string): void {
  navigate(listUrl(table));
}
