/**
 * FormXml (a `systemform` inside customizations.xml) → the form the host renders: tabs, sections,
 * cells with their control and column, the code components that replace a cell's control per form
 * factor, the form libraries and the event handlers. Element and attribute names follow Microsoft
 * Learn, "Form XML schema" (`form/tabs/tab/columns/column/sections/section/rows/row/cell/control`,
 * `form/events/event/Handlers/Handler`, `form/formLibraries/Library`,
 * `form/controlDescriptions/controlDescription/customControl`).
 */
import { attribute, childElement, childElements, childText, type XmlElement } from "@fsi/solution/xml";
import type {
  CellDescription,
  ControlParameterDescription,
  CustomControlDescription,
  FormDescription,
  FormEventsDescription,
  FormXmlFormFactor,
  HandlerDescription,
  ChoiceLabels,
  LocalizedText,
  SectionDescription,
  TabDescription,
} from "../shared/contract";
import { SolutionPackageError } from "./errors";

/** The solution's base language: `label` is in it; `labels` holds every language the FormXml has. */
const baseLanguage = "1033";

/** `<label description languagecode>` (or `LocalizedName`) elements → text by LCID. */
function localizedOf(labels: readonly XmlElement[]): LocalizedText {
  const byLanguage: Record<string, string> = {};
  for (const label of labels) {
    const language = attribute(label, "languagecode");
    const description = attribute(label, "description");
    if (language !== undefined && description !== undefined) byLanguage[language] = description;
  }
  return byLanguage;
}

function baseOf(localized: LocalizedText): string | undefined {
  return localized[baseLanguage] ?? Object.values(localized)[0];
}

/**
 * The labels of every choice column the solution defines, by table, column and value:
 * `Entities/Entity/EntityInfo/entity/attributes/attribute/optionset/options/option/labels`.
 */
export function choiceLabelsOf(customizations: XmlElement): ChoiceLabels {
  const byTable: Record<string, Record<string, Record<string, LocalizedText>>> = {};
  for (const entity of childElements(childElement(customizations, "Entities") ?? customizations, "Entity")) {
    const table = childText(entity, "Name") ?? "";
    const info = childElement(childElement(entity, "EntityInfo") ?? entity, "entity");
    for (const column of childElements(childElement(info ?? entity, "attributes") ?? entity, "attribute")) {
      const options = childElements(
        childElement(childElement(column, "optionset") ?? column, "options") ?? column,
        "option",
      );
      if (options.length === 0) continue;
      const name = childText(column, "LogicalName") ?? "";
      byTable[table] = {
        ...byTable[table],
        [name]: Object.fromEntries(options.map((option) => [attribute(option, "value") ?? "", labelsOf(option)])),
      };
    }
  }
  return byTable;
}

function labelsOf(element: XmlElement): LocalizedText {
  return localizedOf(childElements(childElement(element, "labels") ?? element, "label"));
}

/** FormXml booleans are `true`/`false` or `1`/`0`; absent means the platform default. */
function flag(element: XmlElement, name: string, fallback: boolean): boolean {
  const value = attribute(element, name)?.toLowerCase();
  if (value === undefined) return fallback;
  return value === "true" || value === "1";
}

function parameterOf(element: XmlElement): ControlParameterDescription {
  const type = attribute(element, "type") ?? "";
  const text = element.text ?? "";
  return flag(element, "static", false) ? { kind: "static", type, value: text } : { kind: "bound", type, column: text };
}

function formFactorOf(value: string | undefined, where: string): FormXmlFormFactor {
  if (value === "0" || value === "1" || value === "2") return Number(value) as FormXmlFormFactor;
  throw new SolutionPackageError(`${where}: formFactor "${value ?? ""}" is not 0 (web), 1 (tablet) or 2 (phone)`);
}

/** Code components by the `uniqueid` of the control they replace. */
function customControlsByControl(form: XmlElement, where: string): Map<string, CustomControlDescription[]> {
  const byControl = new Map<string, CustomControlDescription[]>();
  for (const description of childElements(childElement(form, "controlDescriptions") ?? form, "controlDescription")) {
    const forControl = attribute(description, "forControl")?.toLowerCase();
    if (forControl === undefined) continue;
    const components = childElements(description, "customControl")
      // The entry without a name is the platform control itself, kept as the fallback.
      .filter((custom) => attribute(custom, "name") !== undefined)
      .map((custom): CustomControlDescription => {
        const parameters = childElement(custom, "parameters");
        return {
          formFactor: formFactorOf(attribute(custom, "formFactor"), where),
          name: attribute(custom, "name") ?? "",
          parameters: Object.fromEntries(
            (parameters?.children ?? []).map((parameter) => [parameter.name, parameterOf(parameter)]),
          ),
        };
      });
    byControl.set(forControl, components);
  }
  return byControl;
}

function cellOf(
  cell: XmlElement,
  customControls: Map<string, CustomControlDescription[]>,
): CellDescription | undefined {
  const control = childElement(cell, "control");
  const column = control === undefined ? undefined : attribute(control, "datafieldname");
  if (control === undefined || column === undefined) return undefined;
  const uniqueId = attribute(control, "uniqueid")?.toLowerCase();
  return {
    id: attribute(cell, "id") ?? "",
    label: baseOf(labelsOf(cell)) ?? "",
    labels: labelsOf(cell),
    showLabel: flag(cell, "showlabel", true),
    visible: flag(cell, "visible", true),
    controlId: attribute(control, "id") ?? column,
    column,
    classId: attribute(control, "classid") ?? "",
    disabled: flag(control, "disabled", false),
    customControls: uniqueId === undefined ? [] : (customControls.get(uniqueId) ?? []),
  };
}

function sectionOf(section: XmlElement, customControls: Map<string, CustomControlDescription[]>): SectionDescription {
  const rows = childElements(childElement(section, "rows") ?? section, "row");
  return {
    name: attribute(section, "name") ?? "",
    label: baseOf(labelsOf(section)) ?? "",
    labels: labelsOf(section),
    showLabel: flag(section, "showlabel", true),
    availableForPhone: flag(section, "availableforphone", true),
    visible: flag(section, "visible", true),
    cells: rows.flatMap((row) => childElements(row, "cell")).flatMap((cell) => cellOf(cell, customControls) ?? []),
  };
}

function tabOf(tab: XmlElement, customControls: Map<string, CustomControlDescription[]>): TabDescription {
  const columns = childElements(childElement(tab, "columns") ?? tab, "column");
  return {
    name: attribute(tab, "name") ?? "",
    label: baseOf(labelsOf(tab)) ?? "",
    labels: labelsOf(tab),
    showLabel: flag(tab, "showlabel", true),
    visible: flag(tab, "visible", true),
    sections: columns
      .flatMap((column) => childElements(childElement(column, "sections") ?? column, "section"))
      .map((section) => sectionOf(section, customControls)),
  };
}

function handlerOf(handler: XmlElement): HandlerDescription {
  return {
    functionName: attribute(handler, "functionName") ?? "",
    libraryName: attribute(handler, "libraryName") ?? "",
    enabled: flag(handler, "enabled", true),
    parameters: attribute(handler, "parameters") ?? "",
    passExecutionContext: flag(handler, "passExecutionContext", false),
  };
}

function eventsOf(form: XmlElement): FormEventsDescription {
  const onload: HandlerDescription[] = [];
  const onsave: HandlerDescription[] = [];
  const onchange: Record<string, HandlerDescription[]> = {};
  for (const event of childElements(childElement(form, "events") ?? form, "event")) {
    const handlers = childElements(childElement(event, "Handlers") ?? event, "Handler").map(handlerOf);
    const name = attribute(event, "name")?.toLowerCase();
    if (name === "onload") onload.push(...handlers);
    else if (name === "onsave") onsave.push(...handlers);
    else if (name === "onchange") {
      const column = attribute(event, "attribute");
      if (column !== undefined) onchange[column] = [...(onchange[column] ?? []), ...handlers];
    }
  }
  return { onload, onsave, onchange };
}

/** One `systemform` of table `table`; `where` names it in errors. */
export function parseSystemForm(systemForm: XmlElement, table: string, where: string): FormDescription {
  const form = childElement(systemForm, "form");
  if (form === undefined) throw new SolutionPackageError(`${where}: the systemform has no <form>`);
  const id = (childText(systemForm, "formid") ?? "").replace(/[{}]/g, "").toLowerCase();
  const names = localizedOf(childElements(childElement(systemForm, "LocalizedNames") ?? systemForm, "LocalizedName"));
  const customControls = customControlsByControl(form, where);
  return {
    id,
    table,
    name: baseOf(names) ?? table,
    names,
    tabs: childElements(childElement(form, "tabs") ?? form, "tab").map((tab) => tabOf(tab, customControls)),
    libraries: childElements(childElement(form, "formLibraries") ?? form, "Library").flatMap(
      (library) => attribute(library, "name") ?? [],
    ),
    events: eventsOf(form),
  };
}

/** Every main form in customizations.xml's `Entities/Entity/FormXml/forms[@type=main]`. */
export function mainFormsOf(customizations: XmlElement): FormDescription[] {
  const entities = childElements(childElement(customizations, "Entities") ?? customizations, "Entity");
  return entities.flatMap((entity) => {
    const table = childText(entity, "Name") ?? "";
    const formXml = childElement(entity, "FormXml");
    const mainForms = childElements(formXml ?? entity, "forms").filter((forms) => attribute(forms, "type") === "main");
    return mainForms.flatMap((forms) =>
      childElements(forms, "systemform").map((systemForm, index) =>
        parseSystemForm(systemForm, table, `customizations.xml, ${table} main form ${index + 1}`),
      ),
    );
  });
}
