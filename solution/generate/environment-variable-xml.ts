/**
 * `environmentvariabledefinitions/<schema>/environmentvariabledefinition.xml`, the file a solution
 * export writes for each environment variable definition (it lives outside customizations.xml).
 */
import { EnvironmentVariableType, type EnvironmentVariableDefinition } from "../components/environment-variables";
import { introducedVersion } from "../identity";
import { el, textEl, type XmlElement } from "../xml";
import { localizedLabels } from "./labels";

function localized(name: string, text: string): XmlElement {
  return el(name, { default: text }, localizedLabels("label", text));
}

export function environmentVariableXml(definition: EnvironmentVariableDefinition): XmlElement {
  return el("environmentvariabledefinition", { schemaname: definition.schemaName }, [
    textEl("defaultvalue", definition.defaultValue),
    localized("description", definition.description),
    localized("displayname", definition.displayName),
    textEl("introducedversion", introducedVersion),
    textEl("iscustomizable", 1),
    textEl("isrequired", 0),
    textEl("secretstore", 0),
    textEl("type", EnvironmentVariableType[definition.type]),
  ]);
}

export function environmentVariablePath(schemaName: string): string {
  return `environmentvariabledefinitions/${schemaName}/environmentvariabledefinition.xml`;
}
