/**
 * The app around every page, like a model-driven app's: a header with the sandbox's switches (the
 * app setting "Async save handler", offline mode, language), the site map of the tables the
 * solution has forms for, and the SCM side's admin page.
 */
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import type { AppDescription } from "../../shared/contract";
import { h } from "../dom";
import { homeUrl, listUrl, scmAdminUrl } from "../navigation";
import { sessionSettings, updateSession, viewportFormFactor } from "../session";
import { platformStrings } from "../platform-strings";
import type { OfflineUploads } from "../offline-uploads";
import { uploadsStatus } from "./uploads-status";

export function pluralOf(name: string): string {
  if (/[^aeiou]y$/i.test(name)) return `${name.slice(0, -1)}ies`;
  if (/s$/i.test(name)) return `${name}es`;
  return `${name}s`;
}

/** The tables the solution ships main forms for, in site map order. */
export function siteMapTables(app: AppDescription): { logicalName: string; label: string }[] {
  const order = [
    "msdyn_workorder",
    "msdyn_warehouse",
    "msdyn_customerasset",
    "msdyn_customerassetcategory",
    "msdyn_paymentterm",
    "msdyn_shipvia",
    "msdyn_workorderproduct",
  ];
  const rank = (table: string): number => (order.includes(table) ? order.indexOf(table) : order.length);
  const tables = [...new Set(app.forms.map((form) => form.table))].sort((a, b) => rank(a) - rank(b));
  return tables.map((logicalName) => ({ logicalName, label: tablePlural(logicalName) }));
}

/** A table's plural name in the user's language. */
export function tablePlural(logicalName: string): string {
  return (
    platformStrings().tables[logicalName]?.[1] ?? pluralOf(tableByLogicalName(logicalName)?.displayName ?? logicalName)
  );
}

function switches(uploads: OfflineUploads): HTMLElement {
  const settings = sessionSettings();
  const toggle = (id: string, label: string, checked: boolean, change: (checked: boolean) => void) => {
    const input = h("input", { attributes: { id, type: "checkbox", role: "switch" } });
    input.checked = checked;
    input.addEventListener("change", () => {
      change(input.checked);
    });
    return h("div", { className: "switch" }, [input, h("label", { text: label, attributes: { for: id } })]);
  };
  const language = h("select", { attributes: { id: "setting-language" } }, [
    h("option", { text: "English", attributes: { value: "1033" } }),
    h("option", { text: "Français", attributes: { value: "1036" } }),
  ]);
  language.value = String(settings.languageId);
  language.addEventListener("change", () => {
    updateSession({ languageId: Number(language.value) });
    // As after changing the language in Personalization Settings, the app starts again in it.
    location.reload();
  });
  return h("div", { className: "app-settings" }, [
    toggle("setting-async-save", "Async save handlers", settings.asyncSaveHandlers, (checked) => {
      updateSession({ asyncSaveHandlers: checked });
    }),
    toggle("setting-offline", "Offline", settings.offline, (checked) => {
      updateSession({ offline: checked });
      document.body.classList.toggle("is-offline", checked);
      // Back online: the changes kept on the device upload, as the mobile app's next sync does.
      if (!checked) void uploads.uploadAll();
    }),
    h("div", { className: "switch" }, [
      h("label", { text: "Language", attributes: { for: "setting-language" } }),
      language,
    ]),
  ]);
}

export function shell(
  app: AppDescription,
  current: string,
  content: HTMLElement,
  uploads: OfflineUploads,
): HTMLElement {
  document.body.classList.toggle("is-offline", sessionSettings().offline);
  // Opened online while changes wait (offline switched off in another tab): they upload now.
  if (!sessionSettings().offline && uploads.list().some((upload) => upload.error === undefined))
    void uploads.uploadAll();
  const link = (href: string, label: string) =>
    h("li", {}, [
      h("a", { text: label, attributes: { href, ...(current === href ? { "aria-current": "page" } : {}) } }),
    ]);
  const nav = h("nav", { className: "site-map", attributes: { "aria-label": platformStrings().siteMap } }, [
    // On a phone the site map folds into a menu, closed until asked for.
    h("details", { className: "site-map-menu", attributes: { open: viewportFormFactor() === 3 ? undefined : "" } }, [
      h("summary", { text: platformStrings().menu }),
      h("ul", {}, [
        link(homeUrl, platformStrings().home),
        ...siteMapTables(app).map((table) => link(listUrl(table.logicalName), table.label)),
        link(scmAdminUrl, platformStrings().scmAdmin),
      ]),
    ]),
  ]);
  return h("div", { className: "app" }, [
    h("header", { className: "app-bar" }, [
      h("a", { className: "app-name", attributes: { href: homeUrl } }, [
        "Field Service ",
        h("span", { className: "badge", text: "sandbox" }),
      ]),
      h("span", { className: "offline-badge", text: "Offline", attributes: { role: "status" } }),
      switches(uploads),
    ]),
    // What the switch emulates, said plainly on every page while it is on (it outlives a reload).
    h("p", { className: "offline-banner", attributes: { role: "note" }, text: platformStrings().offlineBanner }),
    uploadsStatus(uploads),
    h("div", { className: "app-body" }, [
      nav,
      h("main", { className: "app-main", attributes: { id: "main" } }, [content]),
    ]),
  ]);
}
