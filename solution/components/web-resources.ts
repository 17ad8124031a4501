/**
 * Web resources, built by `npm run build:forms` into `out/webresources/<name>`: the form script
 * library, the sign-in library it shares (MSAL.js), and the redirect page MSAL's popup and silent
 * flows return to (the SPA registration's redirect URI, `<org>/WebResources/fsi_/auth/redirect.html`).
 */
import { stableId } from "../ids";

/** `webresource.webresourcetype` (Microsoft Learn, "WebResource table reference"). */
export const WebResourceType = {
  Html: 1,
  Css: 2,
  JavaScript: 3,
  Xml: 4,
  Png: 5,
  Jpg: 6,
  Gif: 7,
  Xap: 8,
  Xsl: 9,
  Ico: 10,
  Svg: 11,
  Resx: 12,
} as const;

export interface WebResourceDefinition {
  readonly id: string;
  /** The unique name, which is also its path under `out/webresources/` and `WebResources/`. */
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly type: (typeof WebResourceType)[keyof typeof WebResourceType];
  /** Form script libraries must load in the mobile app, offline too. */
  readonly availableOffline: boolean;
}

export const formLibrary: WebResourceDefinition = {
  id: stableId("webresource", "fsi_/scripts/forms.js"),
  name: "fsi_/scripts/forms.js",
  displayName: "FSI form scripts",
  description:
    "Form script library: FSI.Forms.<Table>.onLoad and onSave check records against Supply Chain Management before saving.",
  type: WebResourceType.JavaScript,
  availableOffline: true,
};

export const signInLibrary: WebResourceDefinition = {
  id: stableId("webresource", "fsi_/scripts/sign-in.js"),
  name: "fsi_/scripts/sign-in.js",
  displayName: "FSI sign-in (MSAL.js)",
  description:
    "Form script library: FSI.SignIn gets the validation API's token from Microsoft Entra ID. Loaded before fsi_/scripts/forms.js.",
  type: WebResourceType.JavaScript,
  availableOffline: true,
};

export const redirectPage: WebResourceDefinition = {
  id: stableId("webresource", "fsi_/auth/redirect.html"),
  name: "fsi_/auth/redirect.html",
  displayName: "FSI sign-in redirect page",
  description:
    "Where Microsoft Entra ID returns the sign-in popup and silent sign-in; register its URL as the SPA redirect URI.",
  type: WebResourceType.Html,
  availableOffline: false,
};

export const redirectScript: WebResourceDefinition = {
  id: stableId("webresource", "fsi_/auth/redirect.js"),
  name: "fsi_/auth/redirect.js",
  displayName: "FSI sign-in redirect script",
  description: "MSAL.js redirect bridge loaded by fsi_/auth/redirect.html.",
  type: WebResourceType.JavaScript,
  availableOffline: false,
};

export const webResources: readonly WebResourceDefinition[] = [
  formLibrary,
  signInLibrary,
  redirectPage,
  redirectScript,
];

/**
 * The file name a web resource has inside a solution zip: its name without `/` and `.`, followed
 * by its id in capitals (`fsi_scriptsformsjs8F1C...`), the form Dataverse exports use.
 */
export function webResourceZipPath(resource: Pick<WebResourceDefinition, "id" | "name">): string {
  return `WebResources/${resource.name.replace(/[^A-Za-z0-9_-]/g, "")}${resource.id.toUpperCase()}`;
}
