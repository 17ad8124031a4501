/**
 * The `.data.xml` files SolutionPackager keeps beside a component's files: they hold the
 * component's customizations.xml entry while the built files (control bundles, the form script
 * library) are copied in at pack time and never committed.
 */
import { controlFolder, controlSolutionName, type ControlName } from "../components/controls";
import { webResourceZipPath, type WebResourceDefinition } from "../components/web-resources";
import { introducedVersion } from "../identity";
import { braced } from "../ids";
import { el, textEl, xsiNamespace, type XmlElement } from "../xml";

export function controlDataXml(control: ControlName): XmlElement {
  return el("CustomControl", { "xmlns:xsi": xsiNamespace }, [
    textEl("Name", controlSolutionName(control)),
    textEl("FileName", `/${controlFolder(control)}/ControlManifest.xml`),
  ]);
}

export function controlDataPath(control: ControlName): string {
  return `${controlFolder(control)}/ControlManifest.xml.data.xml`;
}

export function webResourceDataXml(resource: WebResourceDefinition): XmlElement {
  return el("WebResource", { "xmlns:xsi": xsiNamespace }, [
    textEl("WebResourceId", braced(resource.id)),
    textEl("Name", resource.name),
    textEl("DisplayName", resource.displayName),
    textEl("Description", resource.description),
    textEl("WebResourceType", resource.type),
    textEl("IntroducedVersion", introducedVersion),
    textEl("IsEnabledForMobileClient", resource.availableOffline ? 1 : 0),
    textEl("IsAvailableForMobileOffline", resource.availableOffline ? 1 : 0),
    textEl("IsCustomizable", 1),
    textEl("CanBeDeleted", 1),
    textEl("IsHidden", 0),
    textEl("FileName", `/${webResourceZipPath(resource)}`),
  ]);
}

/** `WebResources/fsi_/scripts/forms.js.data.xml`: beside the file, named after it. */
export function webResourceDataPath(resource: Pick<WebResourceDefinition, "name">): string {
  return `WebResources/${resource.name}.data.xml`;
}
