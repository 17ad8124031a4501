/**
 * A table's records, like a model-driven view: the name and the first columns of the main form,
 * a search by name, and New. Rows open the main form.
 */
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import type { AppDescription } from "../../shared/contract";
import { h, replaceChildren } from "../dom";
import { navigate, recordUrl } from "../navigation";
import type { SandboxWebApi } from "../web-api";
import { attributeValuesOf, formattedValue } from "../xrm/values";
import { formFor } from "./form-page";
import { tablePlural } from "./shell";
import { localized, platformStrings } from "../platform-strings";

const pageSize = 250;

function listColumns(app: AppDescription, table: TableDefinition): string[] {
  const form = formFor(app, table.logicalName, undefined);
  const cells = form?.tabs.flatMap((tab) => tab.sections.flatMap((section) => section.cells)) ?? [];
  // A code component standing for its section (its label hidden) binds a column only to feed the
  // component: the nearby list's latitude is no column of a work order view.
  const columns = cells
    .filter((cell) => cell.showLabel || cell.customControls.length === 0)
    .map((cell) => cell.column)
    .filter(
      (column) =>
        column !== table.primaryNameAttribute &&
        table.columns[column] !== undefined &&
        table.columns[column].type !== "memo",
    );
  return [table.primaryNameAttribute, ...new Set(columns)].slice(0, 6);
}

/** A column's header: its label on the main form in the user's language, else its display name. */
function columnHeader(app: AppDescription, table: TableDefinition, column: string): string {
  const form = formFor(app, table.logicalName, undefined);
  const cell = form?.tabs
    .flatMap((tab) => tab.sections.flatMap((section) => section.cells))
    .find((candidate) => candidate.column === column);
  return localized(cell?.labels, table.columns[column]?.displayName ?? column);
}

function odataString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function listPage(app: AppDescription, webApi: SandboxWebApi, tableName: string): HTMLElement {
  const table = tableByLogicalName(tableName);
  if (table === undefined)
    return h("div", { className: "page-message" }, [h("h1", { text: "Unknown table" }), h("p", { text: tableName })]);
  const columns = listColumns(app, table);
  const headers = columns.map((column) => columnHeader(app, table, column));
  const title = tablePlural(table.logicalName);
  const search = h("input", {
    attributes: {
      type: "search",
      id: "list-search",
      placeholder: `${platformStrings().search} ${title.toLowerCase()}`,
    },
  });
  const status = h("p", { className: "list-status", attributes: { role: "status", "aria-live": "polite" } });
  const body = h("tbody");
  const grid = h("table", { className: "grid" }, [
    h("caption", { className: "visually-hidden", text: title }),
    h("thead", {}, [
      h(
        "tr",
        {},
        headers.map((header) => h("th", { text: header, attributes: { scope: "col" } })),
      ),
    ]),
    body,
  ]);
  const load = async (): Promise<void> => {
    const select = [
      table.primaryIdAttribute,
      ...columns.map((column) => (table.columns[column]?.type === "lookup" ? `_${column}_value` : column)),
    ];
    const text = search.value.trim();
    const filter = text === "" ? "" : `&$filter=startswith(${table.primaryNameAttribute},${odataString(text)})`;
    status.textContent = platformStrings().loading;
    try {
      const result = await webApi.retrieveMultipleRecords(
        table.logicalName,
        `?$select=${select.join(",")}${filter}&$orderby=${table.primaryNameAttribute}&$count=true&$top=${pageSize}`,
      );
      replaceChildren(
        body,
        result.entities.map((row) => {
          const values = attributeValuesOf(table, row);
          const id = String(row[table.primaryIdAttribute]);
          return h(
            "tr",
            {},
            columns.map((column, index) => {
              const definition = table.columns[column];
              const text =
                definition === undefined
                  ? ""
                  : formattedValue(definition, values.get(column) ?? null, navigator.language);
              return index === 0
                ? h("th", { attributes: { scope: "row" } }, [
                    h("a", {
                      text: text === "" ? "(no name)" : text,
                      attributes: { href: recordUrl(table.logicalName, id) },
                    }),
                  ])
                : // The header rides along for the phone layout, where each row is a card of label/value lines.
                  h("td", {
                    text,
                    attributes: {
                      "data-label": headers[index] ?? column,
                      ...(text === "" ? { "data-empty": "" } : {}),
                    },
                  });
            }),
          );
        }),
      );
      status.textContent = `${result.entities.length} ${result.entities.length === 1 ? "row" : "rows"}${result.entities.length === pageSize ? " (first page)" : ""}`;
    } catch (error) {
      status.textContent = `Could not load ${title.toLowerCase()}: ${error instanceof Error ? error.message : String(error)}`;
    }
  };
  search.addEventListener("change", () => {
    void load();
  });
  void load();
  return h("div", { className: "list-page", attributes: { "data-table": table.logicalName } }, [
    h("div", { className: "command-bar", attributes: { role: "toolbar", "aria-label": platformStrings().commands } }, [
      h("button", {
        className: "command primary",
        text: `+ ${platformStrings().newRecord}`,
        attributes: { type: "button" },
        on: {
          click: () => {
            navigate(recordUrl(table.logicalName));
          },
        },
      }),
      h("label", {
        className: "visually-hidden",
        text: `${platformStrings().search} ${title.toLowerCase()}`,
        attributes: { for: "list-search" },
      }),
      search,
    ]),
    h("h1", { className: "page-title", text: title }),
    status,
    h("div", { className: "grid-scroll" }, [grid]),
  ]);
}
