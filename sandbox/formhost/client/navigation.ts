/**
 * The form host's addresses, shaped like a model-driven app's (`main.aspx?pagetype=entityrecord&
 * etn=<table>&id=<guid>`), so links copied from the sandbox read like the real thing.
 */
import { bareGuid } from "./xrm/values";

export type Route =
  | { readonly page: "home" }
  | { readonly page: "list"; readonly table: string }
  | {
      readonly page: "record";
      readonly table: string;
      readonly id: string | undefined;
      readonly formId: string | undefined;
    }
  | { readonly page: "scm-admin" }
  | { readonly page: "phone-preview"; readonly src: string }
  | { readonly page: "not-found"; readonly path: string };

export function recordUrl(table: string, id?: string, formId?: string): string {
  const query = new URLSearchParams({ pagetype: "entityrecord", etn: table });
  if (id !== undefined && id !== "") query.set("id", bareGuid(id));
  if (formId !== undefined) query.set("formid", formId);
  return `/main.aspx?${query.toString()}`;
}

export function listUrl(table: string): string {
  return `/main.aspx?${new URLSearchParams({ pagetype: "entitylist", etn: table }).toString()}`;
}

export const scmAdminUrl = "/scm-admin";

/** A page of the app shown in a phone-sized frame (390 × 844 CSS pixels), for desktop browsers. */
export function phonePreviewUrl(src: string): string {
  return `/phone-preview?${new URLSearchParams({ src }).toString()}`;
}
export const homeUrl = "/";

export function routeOf(location: { readonly pathname: string; readonly search: string }): Route {
  if (location.pathname === "/" || location.pathname === "") return { page: "home" };
  if (location.pathname === scmAdminUrl) return { page: "scm-admin" };
  if (location.pathname === "/phone-preview") {
    const src = new URLSearchParams(location.search).get("src") ?? "/";
    // Only pages of this app: a same-origin path.
    return { page: "phone-preview", src: src.startsWith("/") && !src.startsWith("//") ? src : "/" };
  }
  if (location.pathname === "/main.aspx") {
    const query = new URLSearchParams(location.search);
    const table = query.get("etn") ?? "";
    if (query.get("pagetype") === "entitylist" && table !== "") return { page: "list", table };
    if (query.get("pagetype") === "entityrecord" && table !== "") {
      return { page: "record", table, id: query.get("id") ?? undefined, formId: query.get("formid") ?? undefined };
    }
  }
  return { page: "not-found", path: `${location.pathname}${location.search}` };
}

/** Opens a page the way the app navigates: a new page load (each form page runs its scripts afresh). */
export function navigate(url: string): void {
  window.location.assign(url);
}
