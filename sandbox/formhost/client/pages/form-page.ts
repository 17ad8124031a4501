/**
 * A record's main form: read the row (unless new), build the form from the solution's FormXml,
 * load the form libraries (web resources from the zip), start the code components, then run
 * OnLoad — the order a model-driven app follows.
 */
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import type { AppDescription, FormDescription } from "../../shared/contract";
import { h } from "../dom";
import { FormRuntime } from "../form/runtime";
import { FormView } from "../form/view";
import { listUrl, navigate, recordUrl } from "../navigation";
import { loadScript } from "../pcf/loader";
import { sessionSettings } from "../session";
import type { SandboxWebApi } from "../web-api";
import { globalContext } from "../xrm/global";

export function formFor(app: AppDescription, table: string, formId: string | undefined): FormDescription | undefined {
  const forms = app.forms.filter((form) => form.table === table);
  return forms.find((form) => form.id === formId) ?? forms[0];
}

function columnsOf(form: FormDescription, primaryName: string): string[] {
  const columns = new Set<string>([primaryName]);
  for (const tab of form.tabs) {
    for (const section of tab.sections) {
      for (const cell of section.cells) {
        columns.add(cell.column);
        for (const custom of cell.customControls) {
          for (const parameter of Object.values(custom.parameters))
            if (parameter.kind === "bound") columns.add(parameter.column);
        }
      }
    }
  }
  return [...columns];
}

export async function formPage(
  app: AppDescription,
  webApi: SandboxWebApi,
  table: string,
  id: string | undefined,
  formId: string | undefined,
): Promise<HTMLElement> {
  const definition = tableByLogicalName(table);
  const form = formFor(app, table, formId);
  if (definition === undefined || form === undefined) {
    return h("div", { className: "page-message" }, [
      h("h1", { text: "No form" }),
      h("p", { text: `The solution has no main form for ${table}.` }),
    ]);
  }
  let row: Record<string, unknown> | undefined;
  if (id !== undefined) {
    const select = columnsOf(form, definition.primaryNameAttribute)
      .filter((column) => column in definition.columns)
      .map((column) => (definition.columns[column]?.type === "lookup" ? `_${column}_value` : column));
    row = await webApi.retrieveRecord(table, id, `?$select=${[definition.primaryIdAttribute, ...select].join(",")}`);
  }
  const runtime = new FormRuntime({
    app,
    form,
    table: definition,
    webApi,
    row,
    globalContext: () => globalContext(app),
    asyncSaveHandlers: () => sessionSettings().asyncSaveHandlers,
    close: () => {
      navigate(listUrl(table));
    },
    openNew: () => {
      navigate(recordUrl(table, undefined, form.id));
    },
    onRecordCreated: (createdId) => {
      history.replaceState(null, "", recordUrl(table, createdId, form.id));
    },
  });
  const view = new FormView(app, runtime, webApi, () => {
    navigate(listUrl(table));
  });
  window.addEventListener("pagehide", () => {
    view.destroy();
  });
  const libraries = form.libraries.map(
    (name) => app.webResources.find((resource) => resource.name === name)?.url ?? `/WebResources/${name}`,
  );
  void (async () => {
    for (const library of libraries) await loadScript(library);
    await runtime.load();
    view.markReady();
  })().catch((error: unknown) => {
    runtime.showHostMessage({
      id: "load-error",
      level: "ERROR",
      message: `The form could not load: ${error instanceof Error ? error.message : String(error)}`,
    });
    view.markReady();
  });
  return view.root;
}
