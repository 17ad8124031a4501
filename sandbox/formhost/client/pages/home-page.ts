/**
 * The sandbox's start page: what is running and what to try — the forms (with SCM's rules checked
 * before a save), a work order on a phone with the warehouses nearby, and the SCM side.
 */
import type { AppDescription } from "../../shared/contract";
import { h } from "../dom";
import { listUrl, phonePreviewUrl, recordUrl, scmAdminUrl } from "../navigation";
import type { SandboxWebApi } from "../web-api";
import { signInCertificateNotice } from "./sign-in-notice";
import { siteMapTables } from "./shell";

export function homePage(app: AppDescription, webApi: SandboxWebApi): HTMLElement {
  const phoneLink = h("a", { text: "a work order", attributes: { href: listUrl("msdyn_workorder") } });
  const workOrderLink = h("a", { text: "Open it full size", attributes: { href: listUrl("msdyn_workorder") } });
  void webApi
    .retrieveMultipleRecords(
      "msdyn_workorder",
      "?$select=msdyn_workorderid,msdyn_name&$filter=msdyn_city eq 'Chicago'&$orderby=msdyn_name&$top=1",
    )
    .then((result) => {
      const id = result.entities[0]?.msdyn_workorderid;
      const name = result.entities[0]?.msdyn_name;
      if (typeof id !== "string" || typeof name !== "string") return;
      phoneLink.href = phonePreviewUrl(recordUrl("msdyn_workorder", id));
      phoneLink.textContent = `work order ${name} in Chicago`;
      workOrderLink.href = recordUrl("msdyn_workorder", id);
    });
  const card = (title: string, children: (Node | string)[]) =>
    h("section", { className: "card", attributes: { "aria-label": title } }, [
      h("h2", { text: title }),
      h("p", {}, children),
    ]);
  return h("div", { className: "home-page" }, [
    h("h1", { className: "page-title", text: "Field Service ⇄ Supply Chain sandbox" }),
    h("p", {
      className: "lead",
      text: `The ${app.solution.uniqueName} solution (${app.solution.version}) runs here as it would in Dataverse: its forms, form scripts and code components come from ${app.solution.zip}.`,
    }),
    signInCertificateNotice(webApi),
    h("div", { className: "cards" }, [
      card("Check SCM's rules before a save", [
        "Create a ",
        h("a", { text: "new warehouse", attributes: { href: recordUrl("msdyn_warehouse") } }),
        " and pick an operational site of another company: SCM's error shows on the field and nothing is saved.",
      ]),
      card("Warehouses near a technician", [
        "See ",
        phoneLink,
        " on a phone: the Nearby Warehouses control lists the closest first. ",
        workOrderLink,
        ".",
      ]),
      card("Change SCM", [
        "Edit rows and business rules on the ",
        h("a", { text: "SCM admin page", attributes: { href: scmAdminUrl } }),
        " and watch the change reach Field Service.",
      ]),
    ]),
    h("h2", { text: "Tables" }),
    h(
      "ul",
      { className: "table-links" },
      siteMapTables(app).map((table) =>
        h("li", {}, [h("a", { text: table.label, attributes: { href: listUrl(table.logicalName) } })]),
      ),
    ),
  ]);
}

export function phonePreviewPage(src: string): HTMLElement {
  return h("div", { className: "phone-preview" }, [
    h("h1", { className: "page-title", text: "Phone preview" }),
    h("p", {
      text: "The page below runs at a phone's width (390 × 844), where forms use their phone layout and code components get form factor 3.",
    }),
    h("div", { className: "phone-frame" }, [
      h("iframe", { attributes: { src, title: "Phone", width: "390", height: "844", allow: "geolocation" } }),
    ]),
  ]);
}
