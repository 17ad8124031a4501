/**
 * Every file of `solution/src/`, generated from core and the component definitions. The files are
 * committed so a reviewer sees each change as XML and a customer with `pac` can pack the same
 * source; CI regenerates them and fails on any difference.
 */
import { controlNames } from "../components/controls";
import { environmentVariables } from "../components/environment-variables";
import { mainForms } from "../components/forms";
import { solutionRelationships } from "../components/relationships";
import { solutionTable, solutionTableNames } from "../components/tables";
import { webResources } from "../components/web-resources";
import { solutionVersion } from "../identity";
import { braced } from "../ids";
import { solutionWebhookSteps } from "../steps";
import { serializeXml } from "../xml";
import { controlDataPath, controlDataXml, webResourceDataPath, webResourceDataXml } from "./data-xml";
import { entityXml } from "./entity";
import { environmentVariablePath, environmentVariableXml } from "./environment-variable-xml";
import { formFileXml } from "./form-xml";
import { relationshipFiles, relationshipIndexXml } from "./relationship-xml";
import { otherCustomizationsXml, solutionManifestXml } from "./solution-xml";
import { stepPath, stepXml } from "./webhook-xml";

export function formPath(form: { readonly table: string; readonly id: string }): string {
  return `Entities/${form.table}/FormXml/main/${braced(form.id)}.xml`;
}

/** Path (relative to `solution/src`, `/`-separated) → file text, sorted by path. */
export function generateSourceFiles(packageVersion: string): Map<string, string> {
  const files = new Map<string, string>();
  files.set("Other/Solution.xml", serializeXml(solutionManifestXml(solutionVersion(packageVersion))));
  files.set("Other/Customizations.xml", serializeXml(otherCustomizationsXml()));
  const relationships = solutionRelationships();
  files.set("Other/Relationships.xml", serializeXml(relationshipIndexXml(relationships.map(({ name }) => name))));
  for (const [path, xml] of relationshipFiles(relationships)) files.set(path, serializeXml(xml));
  for (const tableName of solutionTableNames) {
    files.set(`Entities/${tableName}/Entity.xml`, serializeXml(entityXml(solutionTable(tableName))));
  }
  for (const form of mainForms) files.set(formPath(form), serializeXml(formFileXml(form)));
  for (const resource of webResources)
    files.set(webResourceDataPath(resource), serializeXml(webResourceDataXml(resource)));
  for (const control of controlNames) files.set(controlDataPath(control), serializeXml(controlDataXml(control)));
  for (const step of solutionWebhookSteps()) files.set(stepPath(step), serializeXml(stepXml(step)));
  for (const variable of environmentVariables) {
    files.set(environmentVariablePath(variable.schemaName), serializeXml(environmentVariableXml(variable)));
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
