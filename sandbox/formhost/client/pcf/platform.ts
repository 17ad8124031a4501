/// <reference types="powerapps-component-framework" />
/**
 * What a form cell offers a code component in the sandbox, as a model-driven app does: parameters
 * from the form's columns, `webAPI` over the Dataverse emulator (sending
 * `x-fsi-client-state: offline` while the offline switch is on), the device's position over the
 * browser's geolocation, the form factor from the viewport, the user's language, dialogs,
 * navigation, lookups and table metadata from core's table definitions. The context itself and the
 * host loop are the controls' one stand-in (controls/testing/pcf/context.ts and host.ts).
 */
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import type { PcfPlatform } from "@fsi/controls/testing/pcf/context";
import type { ControlDescription } from "../../shared/contract";
import { alertDialog, confirmDialog, lookupDialog } from "../dialogs";
import { type SessionSettings, viewportFormFactor } from "../session";
import { searchRows } from "../lookup-search";
import type { SandboxWebApi } from "../web-api";
import { currentPosition, openForm } from "../xrm/global";
import { platformGlobal } from "./loader";

type Parameters = Record<string, ComponentFramework.PropertyTypes.Property>;

export interface CellInputs {
  readonly control: ControlDescription;
  readonly parameters: Parameters;
  readonly session: SessionSettings;
  readonly webApi: SandboxWebApi;
  readonly user: { readonly id: string; readonly fullname: string };
  readonly record: { readonly entityTypeName: string; readonly entityId: string; readonly entityRecordName: string };
  readonly disabled: boolean;
  readonly visible: boolean;
  readonly label: string;
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

export function cellPlatform(inputs: CellInputs): PcfPlatform<Parameters> {
  const strings = inputs.control.strings[String(inputs.session.languageId)] ?? inputs.control.strings["1033"] ?? {};
  const webApi = inputs.webApi;
  const design = fluentDesignLanguage(inputs.control);
  return {
    parameters: inputs.parameters,
    strings,
    languageId: inputs.session.languageId,
    user: { id: `{${inputs.user.id.toUpperCase()}}`, name: inputs.user.fullname },
    formFactor: viewportFormFactor(),
    offline: inputs.session.offline,
    record: inputs.record,
    disabled: inputs.disabled,
    visible: inputs.visible,
    label: inputs.label,
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
    popupService: inputs.popupService,
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
    ...(design === undefined ? {} : { fluentDesignLanguage: design }),
  };
}
