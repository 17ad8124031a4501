import { createServer, type Server } from "node:http";
import { closeServer, listen } from "../../http";
import { createFormHost, type FormHost } from "../form-host";
import type { AppDescription } from "../shared/contract";
import { fixtureZip, type FixtureZip } from "./fixture-zip";

let zip: FixtureZip;
let host: FormHost;
let server: Server;
let url: string;

beforeAll(async () => {
  zip = await fixtureZip("window.FSI = { Forms: { fromTheZip: true } };\n");
  host = await createFormHost({
    solutionZip: zip.path,
    user: { id: "a0000000-0000-4000-8000-000000000001", fullname: "Dana Admin", languageId: 1033 },
    webApiToken: "browser-token",
  });
  server = createServer((req, res) => void host.handle(req, res));
  url = await listen(server, 0);
});

afterAll(async () => {
  await closeServer(server);
  await host.close();
  zip.dispose();
});

function embeddedApp(html: string): AppDescription {
  const json = /<script id="formhost-app" type="application\/json">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (json === undefined) throw new Error("no app description in the page");
  return JSON.parse(json) as AppDescription;
}

describe("the form host over HTTP", () => {
  it("serves the app shell with the app description for the origin the browser used", async () => {
    const reply = await fetch(`${url}/main.aspx?pagetype=entityrecord&etn=msdyn_warehouse`);
    expect(reply.headers.get("content-type")).toContain("text/html");
    const app = embeddedApp(await reply.text());
    expect(app.organizationUrl).toBe(url);
    expect(app.webApiPath).toBe("/api/data/v9.2/");
    expect(app.webApiToken).toBe("browser-token");
    expect(app.forms.map((form) => form.table)).toEqual(expect.arrayContaining(["msdyn_warehouse", "msdyn_workorder"]));
    expect(app.scmCollections.find((collection) => collection.collection === "Warehouses")?.dataverse).toEqual({
      table: "msdyn_warehouse",
      companyColumn: "msdyn_company",
      companyKey: "cdm_companycode",
      keys: [{ scm: "WarehouseId", dataverse: "msdyn_warehouseidentifier" }],
    });
  });

  it("serves the form library from the zip where Dataverse serves web resources", async () => {
    const reply = await fetch(`${url}/WebResources/fsi_/scripts/forms.js`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toContain("javascript");
    expect(await reply.text()).toContain("fromTheZip");
  });

  it("describes each control with its bundle, strings and platform libraries in load order", async () => {
    const app = (await (await fetch(`${url}/formhost/api/app`)).json()) as AppDescription;
    const nearby = app.controls.find((control) => control.name === "fsi_FieldServiceScm.NearbyWarehouses");
    expect(nearby).toMatchObject({
      registeredName: "FieldServiceScm.NearbyWarehouses",
      controlType: "virtual",
      bundleUrl: "/formhost/controls/fsi_FieldServiceScm.NearbyWarehouses/bundle.js",
    });
    expect(nearby?.platformLibraries.map((library) => [library.name, library.global])).toEqual([
      ["react", "Reactv16"],
      ["react_dom", "ReactDOMv16"],
      ["fluent", "FluentUIReactv940"],
    ]);
    const bundle = await fetch(`${url}${nearby?.bundleUrl ?? ""}`);
    expect(await bundle.text()).toContain('registerControl("FieldServiceScm.NearbyWarehouses"');
    for (const library of nearby?.platformLibraries ?? []) {
      const script = await fetch(`${url}${library.url}`);
      expect(script.status).toBe(200);
      expect(await script.text()).toContain(
        library.name === "fluent" ? "FluentUIReactv940" : `window.${library.global}`,
      );
    }
  });

  it("serves the bundled client and the stylesheet", async () => {
    const client = await fetch(`${url}/formhost/app.js`);
    expect(client.headers.get("content-type")).toContain("javascript");
    expect(await client.text()).toContain("formhost-app");
    expect((await fetch(`${url}/formhost/formhost.css`)).headers.get("content-type")).toContain("text/css");
  });

  it("answers 404 with what it serves for unknown pages, web resources, controls and libraries", async () => {
    for (const [path, message] of [
      ["/nowhere", "The form host serves /"],
      ["/WebResources/fsi_/scripts/missing.js", "fsi_/scripts/forms.js, fsi_/scripts/sign-in.js"],
      ["/formhost/controls/fsi_FieldServiceScm.Nope/bundle.js", "no control file"],
      ["/formhost/platform/react_0_0_1.js", "the solution's controls use react_16_14_0"],
    ] as const) {
      const reply = await fetch(`${url}${path}`);
      expect(reply.status).toBe(404);
      expect(((await reply.json()) as { error: { message: string } }).error.message).toContain(message);
    }
  });
});
