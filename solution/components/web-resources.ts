/**
 * Web resources: the form script library (issue 6 builds it to `out/webresources/fsi_/scripts/forms.js`).
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

export const webResources: readonly WebResourceDefinition[] = [formLibrary];

/**
 * The file name a web resource has inside a solution zip: its name without `/` and `.`, followed
 * by its id in capitals (`fsi_scriptsformsjs8F1C...`), the form Dataverse exports use.
 */
export function webResourceZipPath(resource: Pick<WebResourceDefinition, "id" | "name">): string {
  return `WebResources/${resource.name.replace(/[^A-Za-z0-9_-]/g, "")}${resource.id.toUpperCase()}`;
}
