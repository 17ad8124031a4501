/**
 * `Entities/<table>/FormXml/main/{formid}.xml`: a main form as SolutionPackager unpacks it. Cells
 * use the platform's control for their column type; a cell with a code component gets a
 * `controlDescription` naming the component for the web (formFactor 0), tablet (1) and phone (2)
 * clients, with the platform control as the fallback.
 */
import type { ColumnDefinition, TableDefinition } from "@fsi/core";
import { controlSolutionName } from "../components/controls";
import type { ControlPlacement, FormCell, MainFormDefinition } from "../components/forms";
import { solutionTable } from "../components/tables";
import { introducedVersion } from "../identity";
import { braced, stableId } from "../ids";
import { el, textEl, xsiNamespace, type XmlElement } from "../xml";
import { localizedLabels } from "./labels";

/** Class ids of the platform's form controls (Microsoft Learn, "Form XML schema": control classid). */
export const platformControlClassIds = {
  text: "{4273EDBD-AC1D-40D3-9FB2-095C621B552D}",
  textArea: "{E0DECE4B-6FC8-4A8F-A065-082708572369}",
  integer: "{C6D124CA-7EDA-4A60-AEA9-7FB8D318B68F}",
  decimal: "{C3EFE0C3-0EC6-42BE-8349-CBD9079DFD8E}",
  float: "{0D2C745A-E5A8-4C8F-BA63-C6D3BB604660}",
  money: "{533B9E00-756B-4312-95A0-DC888637AC78}",
  checkbox: "{B0C6723A-8503-4FD7-BB28-C8A06AC933C2}",
  dateTime: "{5B773807-9FB2-42DB-97C3-7A91EFF8ADFF}",
  optionSet: "{3EF39988-22BB-4F0B-BBBE-64B5A3748AEE}",
  statusReason: "{5D68B988-0661-4DB2-BC3E-17598AD3BE6C}",
  lookup: "{270BD3DB-D9AF-4782-9025-509E298DEC0A}",
} as const;

export function classIdFor(column: ColumnDefinition): string {
  switch (column.type) {
    case "string":
    case "uniqueidentifier":
      return platformControlClassIds.text;
    case "memo":
      return platformControlClassIds.textArea;
    case "integer":
      return platformControlClassIds.integer;
    case "decimal":
      return platformControlClassIds.decimal;
    case "double":
      return platformControlClassIds.float;
    case "money":
      return platformControlClassIds.money;
    case "boolean":
      return platformControlClassIds.checkbox;
    case "datetime":
      return platformControlClassIds.dateTime;
    case "choice":
    case "state":
      return platformControlClassIds.optionSet;
    case "status":
      return platformControlClassIds.statusReason;
    case "lookup":
      return platformControlClassIds.lookup;
  }
}

/** Web, tablet and phone: a code component must be named for each client it should run in. */
const formFactors = [0, 1, 2] as const;

function label(description: string): XmlElement {
  return el("labels", {}, localizedLabels("label", description));
}

interface PlacedCell {
  readonly cell: FormCell;
  readonly controlId: string;
  readonly uniqueId: string;
}

/** Control ids are the column name, then `name1`, `name2`, ... when a column appears again. */
function placeCells(form: MainFormDefinition): Map<FormCell, PlacedCell> {
  const seen = new Map<string, number>();
  const placed = new Map<FormCell, PlacedCell>();
  for (const tab of form.tabs) {
    for (const section of tab.sections) {
      for (const cell of section.cells) {
        const count = seen.get(cell.column) ?? 0;
        seen.set(cell.column, count + 1);
        const controlId = count === 0 ? cell.column : `${cell.column}${count}`;
        placed.set(cell, { cell, controlId, uniqueId: braced(stableId("form", form.id, "control", controlId)) });
      }
    }
  }
  return placed;
}

function columnOf(table: TableDefinition, form: MainFormDefinition, column: string): ColumnDefinition {
  const definition = table.columns[column];
  if (definition === undefined)
    throw new Error(`form "${form.name}" places ${table.logicalName}.${column}, which core does not define`);
  return definition;
}

function cellXml(table: TableDefinition, form: MainFormDefinition, placed: PlacedCell): XmlElement {
  const column = columnOf(table, form, placed.cell.column);
  return el(
    "cell",
    {
      id: braced(stableId("form", form.id, "cell", placed.controlId)),
      showlabel: placed.cell.showLabel === false ? "false" : "true",
      locklevel: 0,
    },
    [
      label(placed.cell.label ?? column.displayName),
      el("control", {
        id: placed.controlId,
        classid: classIdFor(column),
        datafieldname: placed.cell.column,
        disabled: placed.cell.readOnly === true ? "true" : "false",
        uniqueid: placed.cell.control === undefined ? undefined : placed.uniqueId,
      }),
    ],
  );
}

function parametersXml(placement: ControlPlacement): XmlElement {
  return el("parameters", {}, [
    ...placement.bound.map((parameter) => el(parameter.property, { type: parameter.type }, parameter.column)),
    ...(placement.inputs ?? []).map((input) => el(input.property, { type: input.type, static: "true" }, input.value)),
  ]);
}

function controlDescriptionXml(
  table: TableDefinition,
  form: MainFormDefinition,
  placed: PlacedCell,
): XmlElement | undefined {
  const placement = placed.cell.control;
  if (placement === undefined) return undefined;
  const column = columnOf(table, form, placed.cell.column);
  return el("controlDescription", { forControl: placed.uniqueId }, [
    el("customControl", { id: classIdFor(column) }, [
      el("parameters", {}, [textEl("datafieldname", placed.cell.column)]),
    ]),
    ...formFactors.map((formFactor) =>
      el("customControl", { formFactor, name: controlSolutionName(placement.control) }, [parametersXml(placement)]),
    ),
  ]);
}

function scriptXml(form: MainFormDefinition): XmlElement[] {
  const script = form.script;
  if (script === undefined) return [];
  const handler = (event: "onload" | "onsave", functionName: string) =>
    el("event", { name: event, application: "false", active: "false" }, [
      el("Handlers", {}, [
        el("Handler", {
          functionName,
          libraryName: script.library.name,
          handlerUniqueId: braced(stableId("form", form.id, "handler", event)),
          enabled: "true",
          parameters: "",
          passExecutionContext: "true",
        }),
      ]),
    ]);
  return [
    el("events", {}, [handler("onload", script.onLoad), handler("onsave", script.onSave)]),
    el(
      "formLibraries",
      {},
      [...(script.dependencies ?? []), script.library].map((library) =>
        el("Library", {
          name: library.name,
          libraryUniqueId: braced(stableId("form", form.id, "library", library.name)),
        }),
      ),
    ),
  ];
}

/** The form file: `<forms><systemform>...</systemform></forms>`. */
export function formFileXml(form: MainFormDefinition): XmlElement {
  const table = solutionTable(form.table);
  const placed = placeCells(form);
  const cellsInOrder = [...placed.values()];
  const controlDescriptions = cellsInOrder.flatMap((cell) => controlDescriptionXml(table, form, cell) ?? []);
  const tabs = form.tabs.map((tab) =>
    el(
      "tab",
      {
        name: tab.name,
        id: braced(stableId("form", form.id, "tab", tab.name)),
        IsUserDefined: "0",
        locklevel: 0,
        showlabel: "true",
        expanded: "true",
      },
      [
        label(tab.label),
        el("columns", {}, [
          el("column", { width: "100%" }, [
            el(
              "sections",
              {},
              tab.sections.map((section) =>
                el(
                  "section",
                  {
                    name: section.name,
                    showlabel: "true",
                    availableforphone: section.availableForPhone === false ? "false" : undefined,
                    showbar: "false",
                    id: braced(stableId("form", form.id, "section", tab.name, section.name)),
                    IsUserDefined: "0",
                    locklevel: 0,
                    columns: 1,
                    labelwidth: 115,
                    celllabelalignment: "Left",
                    celllabelposition: "Left",
                  },
                  [
                    label(section.label),
                    el(
                      "rows",
                      {},
                      section.cells.map((cell) => {
                        const placedCell = placed.get(cell);
                        if (placedCell === undefined)
                          throw new Error(`form "${form.name}": cell ${cell.column} was not placed`);
                        return el("row", {}, [cellXml(table, form, placedCell)]);
                      }),
                    ),
                  ],
                ),
              ),
            ),
          ]),
        ]),
      ],
    ),
  );
  return el("forms", { "xmlns:xsi": xsiNamespace }, [
    el("systemform", {}, [
      textEl("formid", braced(form.id)),
      textEl("IntroducedVersion", introducedVersion),
      textEl("FormPresentation", 1),
      textEl("FormActivationState", 1),
      el("form", {}, [
        el("tabs", {}, tabs),
        ...scriptXml(form),
        // Not the fallback form: users who cannot see it keep Field Service's own main form.
        el("DisplayConditions", { Order: 1, FallbackForm: "false" }, [el("Everyone")]),
        controlDescriptions.length === 0 ? undefined : el("controlDescriptions", {}, controlDescriptions),
      ]),
      textEl("IsCustomizable", 1),
      textEl("CanBeDeleted", 1),
      el("LocalizedNames", {}, localizedLabels("LocalizedName", form.name)),
      el("Descriptions", {}, localizedLabels("Description", form.description)),
    ]),
  ]);
}
