/// <reference types="xrm" />
/**
 * The global `Xrm` a model-driven page gives form scripts: `Utility.getGlobalContext()` (client
 * state, the signed-in user, the organization), `Navigation` (open forms, dialogs), `App` (app
 * notifications with an action), `WebApi` (the
 * Dataverse emulator), `Device.getCurrentPosition` (the browser's geolocation) and the progress
 * indicator.
 */
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import type { AppDescription } from "../../shared/contract";
import { alertDialog, confirmDialog, lookupDialog } from "../dialogs";
import { h } from "../dom";
import { navigate, recordUrl, listUrl } from "../navigation";
import { localeOf, sessionSettings, viewportFormFactor } from "../session";
import type { SandboxWebApi } from "../web-api";
import { bracedId } from "./values";
import { searchRows } from "../lookup-search";
import { addGlobalNotification, clearGlobalNotification } from "./app-notifications";

type ClientMembers = Pick<
  Xrm.ClientContext,
  "getClient" | "getClientState" | "getFormFactor" | "isOffline" | "isNetworkAvailable"
>;

export function clientContext(): ClientMembers {
  return {
    getClient: () => (viewportFormFactor() === 3 ? "Mobile" : "Web"),
    getClientState: () => (sessionSettings().offline ? "Offline" : "Online"),
    getFormFactor: () => viewportFormFactor() as XrmEnum.ClientFormFactor,
    isOffline: () => sessionSettings().offline,
    isNetworkAvailable: () => !sessionSettings().offline,
  };
}

export function globalContext(app: AppDescription) {
  const settings = sessionSettings();
  return {
    client: clientContext(),
    userSettings: {
      userId: bracedId(app.user.id),
      userName: app.user.fullname,
      languageId: settings.languageId,
      isRTL: false,
      isGuidedHelpEnabled: false,
      isHighContrastEnabled: false,
      securityRoles: [] as string[],
      defaultDashboardId: "",
      transactionCurrencyId: "",
      getTimeZoneOffsetMinutes: () => -new Date().getTimezoneOffset(),
      dateFormattingInfo: { locale: localeOf(settings.languageId) },
    },
    organizationSettings: {
      uniqueName: "fsisandbox",
      languageId: 1033,
      isAutoSaveEnabled: false,
      useSkypeProtocol: false,
      defaultCountryCode: "US",
    },
    getClientUrl: () => app.organizationUrl,
    getCurrentAppUrl: () => `${app.organizationUrl}/`,
    getVersion: () => "9.2.0.0",
    getWebResourceUrl: (name: string) => `${app.organizationUrl}/WebResources/${name}`,
    isOnPremises: () => false,
    prependOrgName: (path: string) => path,
    getCurrentAppName: () => Promise.resolve("Field Service (sandbox)"),
    getCurrentAppProperties: () =>
      Promise.resolve({
        appId: "",
        displayName: "Field Service (sandbox)",
        uniqueName: "fsi_sandbox",
        url: `${app.organizationUrl}/`,
        webResourceId: "",
        webResourceName: "",
        welcomePageId: "",
        welcomePageName: "",
      }),
  };
}

/** Where the browser is, as the platform's `Position` (learn.microsoft.com, "getCurrentPosition"). */
export function currentPosition(): Promise<{ coords: GeolocationCoordinates; timestamp: number }> {
  return new Promise((resolve, reject) => {
    navigator.geolocation.getCurrentPosition(
      (position) => {
        resolve({ coords: position.coords, timestamp: position.timestamp });
      },
      (error) => {
        reject(new Error(`The location is not available: ${error.message}`));
      },
      { enableHighAccuracy: true, timeout: 15_000 },
    );
  });
}

let progress: HTMLElement | undefined;

function showProgressIndicator(message: string): void {
  progress?.remove();
  progress = h("div", { className: "progress-indicator", attributes: { role: "status" } }, [
    h("span", { className: "spinner", attributes: { "aria-hidden": "true" } }),
    message,
  ]);
  document.body.append(progress);
}

function closeProgressIndicator(): void {
  progress?.remove();
  progress = undefined;
}

export interface FormOpenOptions {
  readonly entityName: string;
  readonly entityId?: string;
  readonly formId?: string;
}

export function openForm(options: FormOpenOptions): Promise<never> {
  navigate(recordUrl(options.entityName, options.entityId, options.formId));
  // The page unloads; as on the platform, the promise of a form opened in place never settles here.
  return new Promise<never>(() => undefined);
}

/** The global `Xrm` (installed on `window` by the page). */
export function createXrm(app: AppDescription, webApi: SandboxWebApi) {
  return {
    Utility: {
      getGlobalContext: () => globalContext(app),
      showProgressIndicator,
      closeProgressIndicator,
      lookupObjects: async (options: { readonly entityTypes: readonly string[] }) => {
        const table = tableByLogicalName(options.entityTypes[0] ?? "");
        if (table === undefined) return [];
        const row = await lookupDialog(`Choose a ${table.displayName}`, (text) => searchRows(webApi, table, text));
        return row === undefined ? [] : [{ id: bracedId(row.id), name: row.name, entityType: table.logicalName }];
      },
      getEntityMetadata: (entityName: string) => {
        const table = tableByLogicalName(entityName);
        return table === undefined
          ? Promise.reject(new Error(`No table ${entityName}.`))
          : Promise.resolve({
              LogicalName: table.logicalName,
              EntitySetName: table.entitySetName,
              DisplayName: table.displayName,
              PrimaryIdAttribute: table.primaryIdAttribute,
              PrimaryNameAttribute: table.primaryNameAttribute,
            });
      },
    },
    Navigation: {
      openForm,
      openAlertDialog: async (strings: {
        readonly text: string;
        readonly title?: string;
        readonly confirmButtonLabel?: string;
      }) => {
        await alertDialog(strings.title ?? "", strings.text, strings.confirmButtonLabel);
      },
      openConfirmDialog: async (strings: {
        readonly text: string;
        readonly title?: string;
        readonly confirmButtonLabel?: string;
        readonly cancelButtonLabel?: string;
      }) => ({
        confirmed: await confirmDialog(
          strings.title ?? "",
          strings.text,
          strings.confirmButtonLabel,
          strings.cancelButtonLabel,
        ),
      }),
      openErrorDialog: async (options: {
        readonly message?: string;
        readonly details?: string;
        readonly errorCode?: number;
      }) => {
        await alertDialog(
          "Error",
          [options.message, options.details].filter((part) => part !== undefined && part !== "").join(" ") ||
            `Error ${options.errorCode ?? ""}`,
        );
      },
      openUrl: (url: string) => {
        window.open(url, "_blank", "noopener");
      },
      navigateTo: (pageInput: {
        readonly pageType: string;
        readonly entityName?: string;
        readonly entityId?: string;
      }) => {
        if (pageInput.pageType === "entityrecord" && pageInput.entityName !== undefined)
          return openForm({
            entityName: pageInput.entityName,
            ...(pageInput.entityId === undefined ? {} : { entityId: pageInput.entityId }),
          });
        if (pageInput.pageType === "entitylist" && pageInput.entityName !== undefined) {
          navigate(listUrl(pageInput.entityName));
          return new Promise<never>(() => undefined);
        }
        return Promise.reject(
          new Error(`The sandbox opens entityrecord and entitylist pages, not ${pageInput.pageType}.`),
        );
      },
    },
    App: { addGlobalNotification, clearGlobalNotification },
    WebApi: webApi,
    Device: {
      getCurrentPosition: currentPosition,
    },
  };
}

export type HostXrm = ReturnType<typeof createXrm>;
export type HostGlobalContext = ReturnType<typeof globalContext>;
