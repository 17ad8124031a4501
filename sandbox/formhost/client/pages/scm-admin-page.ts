/**
 * The SCM side of the sandbox: its business rules (edited as the JSON file `PUT /scm/admin/rules`
 * takes) and its rows (the OData data entities), so a user can change SCM and watch the change
 * reach Field Service: after a save the page looks for the row in Dataverse and says how long the
 * change took to arrive.
 */
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import type { AppDescription, ScmCollectionDescription, ScmFieldDefinitionDescription } from "../../shared/contract";
import { h, replaceChildren, uniqueId } from "../dom";
import { recordUrl } from "../navigation";
import type { SandboxWebApi } from "../web-api";

type ScmRow = Record<string, string | number | boolean | null>;

interface ScmErrorBody {
  readonly error?: {
    readonly message?: unknown;
    readonly details?: readonly { readonly target?: unknown; readonly message?: unknown }[];
  };
}

function textOf(value: unknown): string {
  return typeof value === "string" ? value : "";
}

async function scmFailure(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as ScmErrorBody;
    const details = (body.error?.details ?? []).map((detail) => `${textOf(detail.target)}: ${textOf(detail.message)}`);
    return [typeof body.error?.message === "string" ? body.error.message : text, ...details].join("\n");
  } catch {
    return text || `${response.status} ${response.statusText}`;
  }
}

function keySegment(collection: ScmCollectionDescription, row: ScmRow): string {
  const parts = collection.keys.map((key) => `${key}='${String(row[key] ?? "").replace(/'/g, "''")}'`);
  return `${collection.collection}(${parts.join(",")})`;
}

function odataString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

type FieldInput = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function fieldInput(
  id: string,
  field: ScmFieldDefinitionDescription,
  value: ScmRow[string] | undefined,
  readOnly: boolean,
): FieldInput {
  if (field.type === "Enum") {
    const select = h(
      "select",
      { attributes: { id } },
      field.values.map((option) => h("option", { text: option, attributes: { value: option } })),
    );
    select.value = typeof value === "string" ? value : (field.values[0] ?? "");
    select.disabled = readOnly;
    return select;
  }
  if (field.type === "String" && field.maxLength > 250) {
    // Long texts (a formatted address) keep their line breaks.
    const area = h("textarea", { attributes: { id, rows: "3", maxlength: String(field.maxLength) } });
    area.value = value === null || value === undefined ? "" : String(value);
    area.readOnly = readOnly;
    return area;
  }
  const input = h("input", {
    attributes: {
      id,
      type: field.type === "Int" || field.type === "Real" ? "number" : "text",
      ...(field.type === "Real" ? { step: "any" } : {}),
      ...(field.type === "String" ? { maxlength: String(field.maxLength) } : {}),
    },
  });
  input.value = value === null || value === undefined ? "" : String(value);
  input.readOnly = readOnly;
  return input;
}

function readInput(field: ScmFieldDefinitionDescription, input: FieldInput): string | number | null {
  if (field.type === "Int" || field.type === "Real") return input.value === "" ? 0 : Number(input.value);
  if (field.type === "DateTime") return input.value === "" ? null : input.value;
  return input.value;
}

export function scmAdminPage(app: AppDescription, webApi: SandboxWebApi): HTMLElement {
  const scm = app.scmPath;

  // ---- business rules ----
  const rules = h("textarea", {
    className: "rules-editor",
    attributes: { id: "scm-rules", rows: "18", spellcheck: "false" },
  });
  const rulesStatus = h("p", {
    className: "status-line",
    attributes: { role: "status", "aria-live": "polite", id: "scm-rules-status" },
  });
  const loadRules = async (): Promise<void> => {
    const response = await fetch(`${scm}/admin/rules`);
    rules.value = JSON.stringify(await response.json(), null, 2);
  };
  /** A problem shows as an error (red, announced, the editor marked invalid); a success as plain status. */
  const rulesOutcome = (text: string, failed: boolean): void => {
    rulesStatus.textContent = text;
    rulesStatus.classList.toggle("status-error", failed);
    rulesStatus.setAttribute("role", failed ? "alert" : "status");
    if (failed) rules.setAttribute("aria-invalid", "true");
    else rules.removeAttribute("aria-invalid");
  };
  const saveRules = async (): Promise<void> => {
    rulesOutcome("Saving…", false);
    let body: unknown;
    try {
      body = JSON.parse(rules.value) as unknown;
    } catch (error) {
      rulesOutcome(`The rules are not valid JSON: ${error instanceof Error ? error.message : String(error)}`, true);
      return;
    }
    const response = await fetch(`${scm}/admin/rules`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (response.ok) rulesOutcome("Rules saved. SCM checks every write against them from now on.", false);
    else rulesOutcome(`SCM refused the rules: ${await scmFailure(response)}`, true);
    if (response.ok) await loadRules();
  };

  // ---- rows ----
  const collections = app.scmCollections;
  const collectionSelect = h(
    "select",
    { attributes: { id: "scm-collection" } },
    collections.map((collection) =>
      h("option", { text: collection.displayName, attributes: { value: collection.collection } }),
    ),
  );
  const companySelect = h("select", { attributes: { id: "scm-company" } });
  const keyFilter = h("input", { attributes: { id: "scm-filter", type: "search" } });
  const rowsStatus = h("p", { className: "status-line", attributes: { role: "status", "aria-live": "polite" } });
  const rowsBody = h("tbody");
  const rowsHead = h("thead");
  const editor = h("div", { className: "scm-row-editor" });
  const current = (): ScmCollectionDescription | undefined =>
    collections.find((collection) => collection.collection === collectionSelect.value);

  const loadCompanies = async (): Promise<void> => {
    const response = await fetch(`${scm}/admin/rules`);
    const body = (await response.json()) as { companies?: Record<string, unknown> };
    const companies = Object.keys(body.companies ?? {});
    replaceChildren(
      companySelect,
      companies.map((company) => h("option", { text: company, attributes: { value: company } })),
    );
  };

  const openEditor = (collection: ScmCollectionDescription, row: ScmRow): void => {
    const inputs = new Map<string, FieldInput>();
    // What each field showed when the editor opened: only fields the user changed are sent.
    const shown = new Map<string, string>();
    const status = h("p", {
      className: "status-line",
      attributes: { role: "status", "aria-live": "polite", id: "scm-row-status" },
    });
    const fields = Object.entries(collection.fields).map(([name, field]) => {
      const id = uniqueId(`scm-${name}`);
      const input = fieldInput(id, field, row[name], collection.keys.includes(name));
      inputs.set(name, input);
      shown.set(name, input.value);
      return h("div", { className: "cell" }, [
        h("label", { className: "field-label", text: name, attributes: { for: id } }),
        input,
      ]);
    });
    const save = async (): Promise<void> => {
      const changes: ScmRow = {};
      for (const [name, field] of Object.entries(collection.fields)) {
        const input = inputs.get(name);
        if (input === undefined || collection.keys.includes(name) || input.value === shown.get(name)) continue;
        changes[name] = readInput(field, input);
      }
      if (Object.keys(changes).length === 0) {
        status.textContent = "Nothing changed.";
        return;
      }
      status.textContent = "Saving in SCM…";
      const started = performance.now();
      const response = await fetch(`${scm}/data/${encodeURI(keySegment(collection, row))}`, {
        method: "PATCH",
        headers: { "content-type": "application/json", "x-fsi-user": "Admin" },
        body: JSON.stringify(changes),
      });
      if (!response.ok) {
        status.textContent = `SCM refused the change: ${await scmFailure(response)}`;
        return;
      }
      Object.assign(row, changes);
      status.textContent = "Saved in SCM. Looking for the change in Field Service…";
      const arrival = await dataverseArrival(collection, row, started);
      replaceChildren(
        status,
        arrival === undefined
          ? ["Saved in SCM. Field Service has not shown the change yet (is the sync subscription paused?)."]
          : [
              `Saved in SCM; Field Service had the change ${Math.round(arrival.latencyMs)} ms later. `,
              h("a", {
                text: "Open it in Field Service",
                attributes: {
                  href: recordUrl(arrival.table, arrival.id),
                  "data-sync-latency-ms": String(Math.round(arrival.latencyMs)),
                },
              }),
            ],
      );
      await loadRows();
    };
    replaceChildren(editor, [
      h("h3", { text: `Edit ${keySegment(collection, row)}` }),
      h("div", { className: "scm-fields" }, fields),
      h("div", { className: "command-bar" }, [
        h("button", {
          className: "command primary",
          text: "Save in SCM",
          attributes: { type: "button" },
          on: {
            click: () => {
              void save();
            },
          },
        }),
        h("button", {
          className: "command",
          text: "Close",
          attributes: { type: "button" },
          on: {
            click: () => {
              replaceChildren(editor, []);
            },
          },
        }),
      ]),
      status,
    ]);
    inputs.get(Object.keys(collection.fields).find((name) => !collection.keys.includes(name)) ?? "")?.focus();
  };

  /** Polls Dataverse for the mapped row until its modifiedon is after the save started (10 s at most). */
  const dataverseArrival = async (
    collection: ScmCollectionDescription,
    row: ScmRow,
    started: number,
  ): Promise<{ table: string; id: string; latencyMs: number } | undefined> => {
    const mapping = collection.dataverse;
    if (mapping === undefined) return undefined;
    const company = await webApi.retrieveMultipleRecords(
      "cdm_company",
      `?$select=cdm_companyid&$filter=${mapping.companyKey} eq ${odataString(String(row.dataAreaId ?? ""))}`,
    );
    const companyId = company.entities[0]?.cdm_companyid;
    if (typeof companyId !== "string") return undefined;
    const filter = [
      ...mapping.keys.map((key) => `${key.dataverse} eq ${odataString(String(row[key.scm] ?? ""))}`),
      `_${mapping.companyColumn}_value eq ${companyId}`,
    ].join(" and ");
    const table = tableByLogicalName(mapping.table);
    if (table === undefined) return undefined;
    const savedAt = Date.now() - (performance.now() - started);
    while (performance.now() - started < 10_000) {
      const found = await webApi.retrieveMultipleRecords(
        mapping.table,
        `?$select=${table.primaryIdAttribute},modifiedon&$filter=${filter}`,
      );
      const match = found.entities[0];
      const modified = typeof match?.modifiedon === "string" ? Date.parse(match.modifiedon) : Number.NaN;
      // Clocks: the emulator and the browser run on the same machine; a second of slack covers rounding.
      if (match !== undefined && modified >= savedAt - 1000) {
        return {
          table: mapping.table,
          id: String(match[table.primaryIdAttribute]),
          latencyMs: performance.now() - started,
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return undefined;
  };

  // Each load supersedes the one before: an older answer arriving late never fills the table, and
  // the table empties while its filter's rows load, so a quick click never edits a row the filter left out.
  let rowsRequest = 0;
  const loadRows = async (): Promise<void> => {
    const collection = current();
    if (collection === undefined) return;
    rowsRequest += 1;
    const request = rowsRequest;
    replaceChildren(rowsBody, []);
    const shown = [
      ...collection.keys,
      ...Object.keys(collection.fields)
        .filter((name) => !collection.keys.includes(name))
        .slice(0, 3),
    ];
    replaceChildren(rowsHead, [
      h("tr", {}, [
        ...shown.map((name) => h("th", { text: name, attributes: { scope: "col" } })),
        h("th", { text: "Edit", attributes: { scope: "col" } }),
      ]),
    ]);
    const filterKey = collection.keys.find((key) => key !== "dataAreaId");
    const filter =
      keyFilter.value.trim() === "" || filterKey === undefined
        ? ""
        : `&$filter=startswith(${filterKey},${odataString(keyFilter.value.trim())})`;
    const company = collection.keys.includes("dataAreaId") ? `&company=${encodeURIComponent(companySelect.value)}` : "";
    rowsStatus.textContent = "Loading…";
    const response = await fetch(
      `${scm}/data/${collection.collection}?$top=100&$orderby=${collection.keys.join(",")}${filter}${company}`,
    );
    if (request !== rowsRequest) return;
    if (!response.ok) {
      rowsStatus.textContent = await scmFailure(response);
      return;
    }
    const rows = ((await response.json()) as { value: ScmRow[] }).value;
    if (request !== rowsRequest) return;
    rowsStatus.textContent = `${rows.length} ${rows.length === 1 ? "row" : "rows"}`;
    replaceChildren(
      rowsBody,
      rows.map((row) =>
        h("tr", {}, [
          ...shown.map((name, index) =>
            index === 0
              ? h("th", { text: String(row[name] ?? ""), attributes: { scope: "row" } })
              : h("td", { text: String(row[name] ?? "") }),
          ),
          h("td", {}, [
            h("button", {
              className: "command row-edit",
              text: "Edit",
              attributes: { type: "button", "aria-label": `Edit ${keySegment(collection, row)}` },
              on: {
                click: () => {
                  openEditor(collection, row);
                },
              },
            }),
          ]),
        ]),
      ),
    );
  };

  for (const control of [collectionSelect, companySelect, keyFilter]) {
    control.addEventListener("change", () => {
      void loadRows();
    });
  }
  // The list follows the filter as it is typed, not only when the box loses focus.
  keyFilter.addEventListener("input", () => {
    void loadRows();
  });
  void loadRules();
  void loadCompanies().then(loadRows);

  const field = (label: string, id: string, input: HTMLElement) =>
    h("div", { className: "inline-field" }, [h("label", { text: label, attributes: { for: id } }), input]);
  return h("div", { className: "scm-admin" }, [
    h("h1", { className: "page-title", text: "Supply Chain Management (emulator)" }),
    h("section", { className: "card", attributes: { "aria-labelledby": "scm-rows-title" } }, [
      h("h2", { text: "Rows", attributes: { id: "scm-rows-title" } }),
      h("div", { className: "toolbar" }, [
        field("Entity", "scm-collection", collectionSelect),
        field("Company", "scm-company", companySelect),
        field("Key starts with", "scm-filter", keyFilter),
      ]),
      rowsStatus,
      h("div", { className: "grid-scroll" }, [
        h("table", { className: "grid" }, [
          h("caption", { className: "visually-hidden", text: "SCM rows" }),
          rowsHead,
          rowsBody,
        ]),
      ]),
      editor,
    ]),
    h("section", { className: "card", attributes: { "aria-labelledby": "scm-rules-title" } }, [
      h("h2", { text: "Business rules", attributes: { id: "scm-rules-title" } }),
      h("p", {
        text: "Per company (companies.<id>) and for all companies (allCompanies), by entity. Saved rules apply to the next write — in SCM and, through the validation API, on the Field Service forms.",
      }),
      h("label", { text: "Rules (JSON)", attributes: { for: "scm-rules" } }),
      rules,
      h("div", { className: "command-bar" }, [
        h("button", {
          className: "command primary",
          text: "Save rules",
          attributes: { type: "button" },
          on: {
            click: () => {
              void saveRules();
            },
          },
        }),
      ]),
      rulesStatus,
    ]),
  ]);
}
