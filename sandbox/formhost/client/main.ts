/// <reference types="xrm" />
/**
 * The form host's page script: reads the app description the server embedded (forms, controls and
 * web resources from the solution zip), installs what a model-driven page provides (`Xrm`,
 * `ComponentFramework.registerControl`), and renders the page the address names.
 */
import { useChoiceLabels } from "./platform-strings";
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import type { AppDescription } from "../shared/contract";
import { h } from "./dom";
import { homeUrl, listUrl, routeOf, scmAdminUrl } from "./navigation";
import { formPage } from "./pages/form-page";
import { homePage, phonePreviewPage } from "./pages/home-page";
import { listPage } from "./pages/list-page";
import { scmAdminPage } from "./pages/scm-admin-page";
import { shell } from "./pages/shell";
import { installRegistry } from "./pcf/loader";
import { sessionSettings } from "./session";
import { SandboxWebApi } from "./web-api";
import { createXrm } from "./xrm/global";

function appDescription(): AppDescription {
  const text = document.getElementById("formhost-app")?.textContent ?? "";
  const value = JSON.parse(text) as unknown;
  if (typeof value !== "object" || value === null || !Array.isArray((value as { forms?: unknown }).forms)) {
    throw new Error("The page carries no app description (#formhost-app).");
  }
  return value as AppDescription;
}

async function render(root: HTMLElement): Promise<void> {
  const app = appDescription();
  installRegistry();
  useChoiceLabels(app.choiceLabels);
  const webApi = new SandboxWebApi({
    apiUrl: `${app.organizationUrl}${app.webApiPath}`,
    token: app.webApiToken,
    isOffline: () => sessionSettings().offline,
    deviceStorage: localStorage,
    tableByLogicalName,
  });
  Object.assign(window, { Xrm: createXrm(app, webApi) });
  const route = routeOf(window.location);
  switch (route.page) {
    case "home":
      root.replaceChildren(shell(app, homeUrl, homePage(app, webApi), webApi.uploads));
      break;
    case "list":
      root.replaceChildren(shell(app, listUrl(route.table), listPage(app, webApi, route.table), webApi.uploads));
      break;
    case "record":
      root.replaceChildren(
        shell(
          app,
          listUrl(route.table),
          await formPage(app, webApi, route.table, route.id, route.formId),
          webApi.uploads,
        ),
      );
      break;
    case "scm-admin":
      root.replaceChildren(shell(app, scmAdminUrl, scmAdminPage(app, webApi), webApi.uploads));
      break;
    case "phone-preview":
      root.replaceChildren(shell(app, "", phonePreviewPage(route.src), webApi.uploads));
      break;
    case "not-found":
      root.replaceChildren(
        shell(
          app,
          "",
          h("div", { className: "page-message" }, [h("h1", { text: "Page not found" }), h("p", { text: route.path })]),
          webApi.uploads,
        ),
      );
      break;
  }
}

const root = document.getElementById("app");
if (root !== null) {
  render(root).catch((error: unknown) => {
    root.replaceChildren(
      h("main", { className: "page-message" }, [
        h("h1", { text: "The page could not open" }),
        h("p", { text: error instanceof Error ? error.message : String(error) }),
      ]),
    );
  });
}
