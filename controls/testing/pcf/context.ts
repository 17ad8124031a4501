/// <reference types="powerapps-component-framework" />
/**
 * The one `ComponentFramework.Context` stand-in: the controls' jest tests, the screenshot page and
 * the sandbox's form host in the browser all build their context here, from what their page
 * provides (`PcfPlatform`: the form's parameters, the user, the device, the services) and what the
 * host loop owns (`HostMode`: updatedProperties, the allocated size, container tracking, render
 * requests; `host.ts`). Every member `@types/powerapps-component-framework` declares exists with
 * its declared type (PA `component-framework/reference/context.md` and the pages it links). A
 * service the page does not provide rejects (or throws, for the synchronous ones) with the
 * member's name; device features the web client lacks reject as in a web browser.
 *
 * Browser code: no Node API here (the form host bundles it with esbuild).
 */
import { dateFormattingInfo, formattingFor, numberFormattingInfo, timeZoneOffsetMinutes } from "./formatting";

/** BCP 47 tags of the LCIDs the sandbox and the tests use; English (United States) otherwise. */
const locales: Readonly<Record<number, string>> = {
  1031: "de-DE",
  1033: "en-US",
  1036: "fr-FR",
  2057: "en-GB",
  3082: "es-ES",
};

export function localeOf(languageId: number): string {
  return locales[languageId] ?? "en-US";
}

/** What the page around the control provides: the form, the user, the device and the services. */
export interface PcfPlatform<TInputs> {
  readonly parameters: TInputs;
  /** The control's resx strings in the user's language (`resources.getString`; an unknown key answers itself). */
  readonly strings: Readonly<Record<string, string>>;
  readonly languageId: number;
  /** The user's time zone (IANA name) for `formatting` and `getTimeZoneOffsetMinutes`; the browser's when absent. */
  readonly timeZone?: string;
  /** `userSettings.userId` (braced, as the platform gives it) and `userName`. */
  readonly user: { readonly id: string; readonly name: string };
  /** `client.getFormFactor()`: 1 desktop, 2 tablet, 3 phone. */
  readonly formFactor: number;
  readonly offline: boolean;
  /** `mode.contextInfo`: the form's table and row (what model-driven apps pass; not in the typings). */
  readonly record?: { readonly entityTypeName: string; readonly entityId: string; readonly entityRecordName: string };
  readonly disabled: boolean;
  readonly visible: boolean;
  readonly label: string;
  readonly webAPI: ComponentFramework.WebApi;
  /** `device.getCurrentPosition`; absent, it rejects as the web client does without a location. */
  readonly getCurrentPosition?: () => Promise<ComponentFramework.DeviceApi.Position>;
  readonly pickFile?: ComponentFramework.Device["pickFile"];
  readonly navigation?: Partial<ComponentFramework.Navigation>;
  readonly utils?: Partial<ComponentFramework.Utility>;
  readonly getResource?: ComponentFramework.Resources["getResource"];
  readonly popupService?: () => ComponentFramework.FactoryApi.Popup.PopupService;
  readonly fluentDesignLanguage?: ComponentFramework.FluentDesignState;
}

/** What the host loop owns and passes with every context (`host.ts`). */
export interface HostMode {
  readonly updatedProperties: string[];
  /** The container's width once the control tracks resizes (`mode.trackContainerResize(true)`), else -1. */
  readonly allocatedWidth: number;
  readonly allocatedHeight: number;
  trackContainerResize(track: boolean): void;
  requestRender(): void;
}

function unavailable(member: string): Error {
  return new Error(`${member} is not available in this host.`);
}

function rejectUnavailable(member: string): Promise<never> {
  return Promise.reject(unavailable(member));
}

function mobileOnly(feature: string): Promise<never> {
  return Promise.reject(new Error(`${feature} is available in the mobile app only, not in a web browser.`));
}

function navigationOf(provided: Partial<ComponentFramework.Navigation> = {}): ComponentFramework.Navigation {
  return {
    openAlertDialog: provided.openAlertDialog ?? (() => rejectUnavailable("navigation.openAlertDialog")),
    openConfirmDialog: provided.openConfirmDialog ?? (() => rejectUnavailable("navigation.openConfirmDialog")),
    openErrorDialog: provided.openErrorDialog ?? (() => rejectUnavailable("navigation.openErrorDialog")),
    openFile: provided.openFile ?? (() => rejectUnavailable("navigation.openFile")),
    openForm: provided.openForm ?? (() => rejectUnavailable("navigation.openForm")),
    openUrl:
      provided.openUrl ??
      (() => {
        throw unavailable("navigation.openUrl");
      }),
    openWebResource:
      provided.openWebResource ??
      (() => {
        throw unavailable("navigation.openWebResource");
      }),
  };
}

function utilsOf(provided: Partial<ComponentFramework.Utility> = {}): ComponentFramework.Utility {
  return {
    getEntityMetadata: provided.getEntityMetadata ?? (() => rejectUnavailable("utils.getEntityMetadata")),
    hasEntityPrivilege:
      provided.hasEntityPrivilege ??
      (() => {
        throw unavailable("utils.hasEntityPrivilege");
      }),
    lookupObjects: provided.lookupObjects ?? (() => rejectUnavailable("utils.lookupObjects")),
  };
}

function languageName(locale: string): (lcid: number) => string {
  const display = new Intl.DisplayNames([locale], { type: "language" });
  return (lcid) => display.of(localeOf(lcid)) ?? String(lcid);
}

export function createContext<TInputs>(
  platform: PcfPlatform<TInputs>,
  host: HostMode,
): ComponentFramework.Context<TInputs> {
  const locale = localeOf(platform.languageId);
  const { formFactor, offline } = platform;
  return {
    parameters: platform.parameters,
    updatedProperties: host.updatedProperties,
    events: {},
    client: {
      disableScroll: false,
      getFormFactor: () => formFactor,
      getClient: () => (formFactor === 3 ? "Mobile" : "Web"),
      isOffline: () => offline,
      isNetworkAvailable: () => !offline,
    },
    device: {
      captureAudio: () => mobileOnly("Capturing audio"),
      captureImage: () => mobileOnly("Capturing an image"),
      captureVideo: () => mobileOnly("Capturing video"),
      getBarcodeValue: () => mobileOnly("Scanning a barcode"),
      getCurrentPosition: platform.getCurrentPosition ?? (() => mobileOnly("The device's position")),
      pickFile: platform.pickFile ?? (() => rejectUnavailable("device.pickFile")),
    },
    factory: {
      getPopupService:
        platform.popupService ??
        (() => {
          throw unavailable("factory.getPopupService");
        }),
      requestRender: () => {
        host.requestRender();
      },
    },
    formatting: formattingFor(locale, languageName(locale), platform.timeZone),
    mode: Object.assign(
      {
        allocatedHeight: host.allocatedHeight,
        allocatedWidth: host.allocatedWidth,
        isControlDisabled: platform.disabled,
        isVisible: platform.visible,
        label: platform.label,
        setControlState: () => true,
        setFullScreen: () => undefined,
        trackContainerResize: (track: boolean) => {
          host.trackContainerResize(track);
        },
      },
      // Not in the published typings, but what model-driven apps pass to field controls.
      { contextInfo: platform.record },
    ),
    navigation: navigationOf(platform.navigation),
    resources: {
      getString: (id) => platform.strings[id] ?? id,
      getResource:
        platform.getResource ??
        ((_id, _success, failure) => {
          failure();
        }),
    },
    userSettings: {
      dateFormattingInfo: dateFormattingInfo(locale),
      numberFormattingInfo: numberFormattingInfo(locale),
      isRTL: false,
      languageId: platform.languageId,
      securityRoles: [],
      userId: platform.user.id,
      userName: platform.user.name,
      getTimeZoneOffsetMinutes: (date) => timeZoneOffsetMinutes(date ?? new Date(), platform.timeZone),
    },
    utils: utilsOf(platform.utils),
    webAPI: platform.webAPI,
    ...(platform.fluentDesignLanguage === undefined ? {} : { fluentDesignLanguage: platform.fluentDesignLanguage }),
    copilot: {
      executeEvent: () => rejectUnavailable("copilot.executeEvent"),
      executePrompt: () => rejectUnavailable("copilot.executePrompt"),
    },
  };
}
