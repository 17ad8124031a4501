/**
 * The packages as Dataverse would read them: each test opens the built zip and checks it from the
 * outside (XSD validation with xmllint, references between its files, zip structure), so a
 * packer that skipped a step fails here.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import JSZip from "jszip";
import { controlNames as solutionControls } from "../components/controls";
import { sdkMessageIds, solutionServiceEndpoints, solutionWebhookSteps } from "../steps";
import { compareTrees, readTree } from "../file-tree";
import { packSolution } from "../pack/pack";
import { buildSolutionPackages, type SolutionPackages } from "../pack/build";
import { packageVersion, repositoryRoot, schemaFolder, sourceFolder } from "../paths";
import { unpackSolution } from "../unpack/unpack";
import { attribute, childElement, childElements, childText, descendants, parseXml, type XmlElement } from "../xml";
import { readZip } from "../zip";
import { fixtureBuild, type FixtureBuild } from "./fixtures";

let fixture: FixtureBuild;
let packages: SolutionPackages;
let unmanaged: Map<string, Buffer>;
let managed: Map<string, Buffer>;

beforeAll(async () => {
  // Controls built before the last version bump: the packer ships them under the package version.
  fixture = fixtureBuild("0.0.9");
  packages = await buildSolutionPackages(fixture.options);
  unmanaged = await readZip(packages.unmanaged, "unmanaged");
  managed = await readZip(packages.managed, "managed");
});

afterAll(() => {
  fixture.dispose();
});

function entryText(entries: ReadonlyMap<string, Buffer>, name: string): string {
  const content = entries.get(name);
  if (content === undefined) throw new Error(`the zip has no ${name}`);
  return content.toString("utf8");
}

function xmlEntry(entries: ReadonlyMap<string, Buffer>, name: string): XmlElement {
  return parseXml(entryText(entries, name), name);
}

function section(customizations: XmlElement, name: string, item: string): readonly XmlElement[] {
  return childElements(childElement(customizations, name) ?? customizations, item);
}

function bare(id: string | undefined): string {
  return (id ?? "").replace(/[{}]/g, "").toLowerCase();
}

describe("the solution zips", () => {
  it("have a customizations.xml that validates against CustomizationsSolution.xsd (xmllint)", () => {
    const folder = mkdtempSync(path.join(tmpdir(), "fsi-xsd-"));
    try {
      const file = path.join(folder, "customizations.xml");
      writeFileSync(file, unmanaged.get("customizations.xml") ?? "");
      const result = spawnSync(
        "xmllint",
        ["--noout", "--schema", path.join(schemaFolder, "CustomizationsSolution.xsd"), file],
        {
          cwd: repositoryRoot,
          encoding: "utf8",
        },
      );
      expect(result.error).toBeUndefined();
      expect(result.stderr.trim()).toBe(`${file} validates`);
      expect(result.status).toBe(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("declare as root components exactly the tables, roles, forms, web resources, controls, steps, endpoints and variables they hold", () => {
    const customizations = xmlEntry(unmanaged, "customizations.xml");
    const entities = section(customizations, "Entities", "Entity");
    const contained = [
      ...entities.map((entity) => `1:${childText(entity, "Name") ?? ""}`),
      ...entities.flatMap((entity) =>
        descendants(entity, (element) => element.name === "formid").map((formid) => `60:${bare(formid.text)}`),
      ),
      ...section(customizations, "WebResources", "WebResource").map(
        (resource) => `61:${childText(resource, "Name") ?? ""}`,
      ),
      ...section(customizations, "CustomControls", "CustomControl").map(
        (control) => `66:${childText(control, "Name") ?? ""}`,
      ),
      ...section(customizations, "SdkMessageProcessingSteps", "SdkMessageProcessingStep").map(
        (step) => `92:${bare(attribute(step, "SdkMessageProcessingStepId"))}`,
      ),
      ...section(customizations, "ServiceEndpoints", "ServiceEndpoint").map(
        (endpoint) => `95:${bare(attribute(endpoint, "ServiceEndpointId"))}`,
      ),
      ...section(customizations, "Roles", "Role").map((role) => `20:${bare(attribute(role, "id"))}`),
      ...[...unmanaged.keys()]
        .flatMap((entry) => /^environmentvariabledefinitions\/([^/]+)\//.exec(entry)?.[1] ?? [])
        .map((name) => `380:${name}`),
    ].sort();
    const solution = xmlEntry(unmanaged, "solution.xml");
    const declared = descendants(solution, (element) => element.name === "RootComponent")
      .map(
        (component) =>
          `${attribute(component, "type") ?? ""}:${attribute(component, "schemaName") ?? bare(attribute(component, "id"))}`,
      )
      .sort();
    expect(declared).toEqual(contained);
    expect(new Set(declared.map((key) => key.split(":")[0]))).toEqual(
      new Set(["1", "20", "60", "61", "66", "92", "95", "380"]),
    );
    expect(declared.filter((key) => key.startsWith("92:"))).toHaveLength(solutionWebhookSteps().length);
    expect(declared.filter((key) => key.startsWith("380:")).sort()).toEqual(
      [
        "fsi_DefaultCompany",
        "fsi_EntraAuthority",
        "fsi_NearbyRadiusKm",
        "fsi_ScmUnavailablePolicy",
        "fsi_ValidationApiClientId",
        "fsi_ValidationApiScope",
        "fsi_ValidationApiUrl",
      ].map((name) => `380:${name}`),
    );
  });

  it("list the Field Service tables they extend as shells and as dependencies, and ship our own table whole", () => {
    const solution = xmlEntry(unmanaged, "solution.xml");
    const tables = descendants(
      solution,
      (element) => element.name === "RootComponent" && attribute(element, "type") === "1",
    );
    const shells = tables.filter((table) => attribute(table, "schemaName") !== "fsi_project");
    expect(shells.map((table) => attribute(table, "behavior"))).toEqual(shells.map(() => "2"));
    expect(
      tables
        .filter((table) => attribute(table, "schemaName") === "fsi_project")
        .map((table) => attribute(table, "behavior")),
    ).toEqual(["0"]);
    const required = new Set(
      descendants(solution, (element) => element.name === "Required").map(
        (element) => `${attribute(element, "type") ?? ""}:${attribute(element, "schemaName") ?? ""}`,
      ),
    );
    // The shells, the tables our project table's lookups point to (company, account), and the
    // other publishers' columns our forms show (declared, never defined).
    const tableRequirements = [...required].filter((entry) => entry.startsWith("1:"));
    expect(new Set(tableRequirements)).toEqual(
      new Set([...shells.map((table) => `1:${attribute(table, "schemaName") ?? ""}`), "1:cdm_company", "1:account"]),
    );
    const columnRequirements = [...required].filter((entry) => entry.startsWith("2:"));
    expect(columnRequirements).toEqual(expect.arrayContaining(["2:msdyn_warehouseidentifier", "2:msdyn_company", "2:msdyn_primaryaddresslatitude", "2:msdyn_lifecyclemodel"]));
    expect(columnRequirements.filter((entry) => entry.startsWith("2:fsi_"))).toEqual([]);
    // Each requirement names the solution that provides it: Field Service, or the dual-write solution adding the column.
    const providers = new Map(
      descendants(solution, (element) => element.name === "Required").map((element) => [
        `${attribute(element, "parentSchemaName") ?? ""}.${attribute(element, "schemaName") ?? ""}`,
        attribute(element, "solution"),
      ]),
    );
    expect(providers.get("msdyn_warehouse.msdyn_warehouseidentifier")).toBe("Dynamics365SupplyChainExtended");
    expect(providers.get("msdyn_warehouse.msdyn_name")).toBe("FieldService");
    expect(providers.get("msdyn_paymentterm.msdyn_company")).toBe("Dynamics365FinanceExtended");
    expect(providers.get(".cdm_company")).toBe("Dynamics365Company");
    expect(providers.get(".msdyn_warehouse")).toBe("FieldService");
    const customizations = xmlEntry(unmanaged, "customizations.xml");
    for (const entity of section(customizations, "Entities", "Entity")) {
      if (childText(entity, "Name") === "fsi_project") continue;
      const attributes = descendants(entity, (element) => element.name === "attribute").map(
        (element) => attribute(element, "PhysicalName") ?? "",
      );
      expect(attributes.filter((name) => !name.startsWith("fsi_"))).toEqual([]);
    }
    expect(
      section(customizations, "EntityRelationships", "EntityRelationship").map((relationship) => [
        attribute(relationship, "Name"),
        childText(relationship, "ReferencingEntityName"),
        childText(relationship, "ReferencedEntityName"),
      ]),
    ).toEqual([
      ["fsi_msdyn_workorder_fsi_project", "msdyn_workorder", "fsi_project"],
      ["fsi_project_fsi_company", "fsi_project", "cdm_company"],
      ["fsi_project_fsi_customer", "fsi_project", "account"],
    ]);
  });

  it("hold every file a control manifest, web resource or form names", () => {
    const customizations = xmlEntry(unmanaged, "customizations.xml");
    const controls = section(customizations, "CustomControls", "CustomControl");
    expect(controls).toHaveLength(solutionControls.length);
    for (const control of controls) {
      const manifestEntry = (childText(control, "FileName") ?? "").replace(/^\//, "");
      const manifest = xmlEntry(unmanaged, manifestEntry);
      const folder = path.posix.dirname(manifestEntry);
      expect(folder).toBe(`Controls/${childText(control, "Name") ?? ""}`);
      const named =
        childElement(childElement(manifest, "control") ?? manifest, "resources")?.children.flatMap(
          (resource) => attribute(resource, "path") ?? [],
        ) ?? [];
      expect(named.length).toBeGreaterThan(0);
      for (const file of named) expect(unmanaged.has(`${folder}/${file}`)).toBe(true);
    }
    const webResources = section(customizations, "WebResources", "WebResource");
    for (const resource of webResources)
      expect(unmanaged.has((childText(resource, "FileName") ?? "").replace(/^\//, ""))).toBe(true);
    const resourceNames = new Set(webResources.map((resource) => childText(resource, "Name")));
    const controlNames = new Set(controls.map((control) => childText(control, "Name")));
    const forms = descendants(customizations, (element) => element.name === "systemform");
    expect(forms).toHaveLength(7);
    for (const form of forms) {
      for (const library of descendants(form, (element) => element.name === "Library"))
        expect(resourceNames.has(attribute(library, "name"))).toBe(true);
      for (const handler of descendants(form, (element) => element.name === "Handler"))
        expect(resourceNames.has(attribute(handler, "libraryName"))).toBe(true);
      for (const component of descendants(
        form,
        (element) => element.name === "customControl" && attribute(element, "name") !== undefined,
      )) {
        expect(controlNames.has(attribute(component, "name"))).toBe(true);
      }
    }
  });

  it("declare a content type for every entry, by extension or by part name", () => {
    const types = xmlEntry(unmanaged, "[Content_Types].xml");
    const extensions = new Set(childElements(types, "Default").map((entry) => attribute(entry, "Extension")));
    const parts = new Set(childElements(types, "Override").map((entry) => attribute(entry, "PartName")));
    for (const entry of unmanaged.keys()) {
      const name = path.posix.basename(entry);
      const extension = name.includes(".") ? name.slice(name.lastIndexOf(".") + 1).toLowerCase() : undefined;
      expect({
        entry,
        covered: (extension !== undefined && extensions.has(extension)) || parts.has(`/${entry}`),
      }).toEqual({ entry, covered: true });
    }
    expect([...parts].sort()).toEqual(
      [...unmanaged.keys()]
        .filter((entry) => entry.startsWith("WebResources/"))
        .map((entry) => `/${entry}`)
        .sort(),
    );
  });

  it("are byte-identical when built twice, with sorted entries, fixed dates and [Content_Types].xml last", async () => {
    const again = await buildSolutionPackages(fixture.options);
    expect(again.unmanaged.equals(packages.unmanaged)).toBe(true);
    expect(again.managed.equals(packages.managed)).toBe(true);
    const zip = await JSZip.loadAsync(packages.unmanaged);
    const names = Object.keys(zip.files);
    expect(names.at(-1)).toBe("[Content_Types].xml");
    expect(names.slice(0, -1)).toEqual([...names.slice(0, -1)].sort());
    expect(new Set(Object.values(zip.files).map((entry) => entry.date.toISOString()))).toEqual(
      new Set(["1980-01-01T00:00:00.000Z"]),
    );
  });

  it("differ, managed from unmanaged, only in solution.xml's <Managed>", () => {
    expect([...managed.keys()]).toEqual([...unmanaged.keys()]);
    const different = [...unmanaged]
      .filter(([name, content]) => managed.get(name)?.equals(content) !== true)
      .map(([name]) => name);
    expect(different).toEqual(["solution.xml"]);
    const unmanagedSolution = entryText(unmanaged, "solution.xml");
    const managedSolution = entryText(managed, "solution.xml");
    expect(unmanagedSolution).toContain("<Managed>0</Managed>");
    expect(managedSolution.replace("<Managed>1</Managed>", "<Managed>0</Managed>")).toBe(unmanagedSolution);
  });

  it("unpack to the staged source and pack back to the same bytes", async () => {
    for (const [zip, isManaged] of [
      [packages.unmanaged, false],
      [packages.managed, true],
    ] as const) {
      const tree = await unpackSolution(zip);
      expect(await packSolution(tree, { managed: isManaged })).toEqual(zip);
    }
    const unpacked = await unpackSolution(packages.unmanaged);
    expect(compareTrees(packages.staged.tree, unpacked)).toEqual({ missing: [], changed: [], extra: [] });
    // Without the built files, the unpacked zip is the committed source, file for file.
    const committed = new Map(
      [...unpacked].filter(
        ([file]) =>
          !/^Controls\/[^/]+\/(?!ControlManifest\.xml\.data\.xml$)/.test(file) &&
          !/^WebResources\/.*(?<!\.data\.xml)$/.test(file),
      ),
    );
    expect(compareTrees(readTree(sourceFolder), committed)).toEqual({ missing: [], changed: [], extra: [] });
  });

  it("register exactly the steps solutionWebhookSteps() returns, for the sandbox to register too", () => {
    const messages = new Map(Object.entries(sdkMessageIds).map(([message, id]) => [id, message]));
    const customizations = xmlEntry(unmanaged, "customizations.xml");
    const fromZip = section(customizations, "SdkMessageProcessingSteps", "SdkMessageProcessingStep").map((step) => ({
      id: bare(attribute(step, "SdkMessageProcessingStepId")),
      name: attribute(step, "Name"),
      message: messages.get(childText(step, "SdkMessageId") ?? ""),
      primaryEntity: childText(step, "PrimaryEntity"),
      stage: Number(childText(step, "Stage")),
      mode: Number(childText(step, "Mode")),
      serviceEndpointId: bare(childText(step, "EventHandler")),
      filteringAttributes: (childText(step, "FilteringAttributes") ?? "").split(",").filter((column) => column !== ""),
      images: descendants(step, (element) => element.name === "SdkMessageProcessingStepImage").map((image) => ({
        id: bare(childText(image, "SdkMessageProcessingStepImageId")),
        entityAlias: childText(image, "EntityAlias"),
        imageType: Number(childText(image, "ImageType")),
        attributes: (childText(image, "Attributes") ?? "").split(","),
      })),
    }));
    const expected = solutionWebhookSteps().map((step) => ({
      id: step.id,
      name: step.name,
      message: step.message,
      primaryEntity: step.primaryEntity,
      stage: step.stage,
      mode: step.mode,
      serviceEndpointId: step.serviceEndpointId,
      filteringAttributes: step.filteringAttributes,
      images: step.images.map((image) => ({
        id: image.id,
        entityAlias: image.entityAlias,
        imageType: image.imageType,
        attributes: image.attributes,
      })),
    }));
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    expect(fromZip.sort(byId)).toEqual(expected.sort(byId));
  });

  it("carry the package.json version in solution.xml and stamp it into every control manifest", () => {
    expect(descendants(xmlEntry(unmanaged, "solution.xml"), (element) => element.name === "Version")[0]?.text).toBe(
      `${packageVersion()}.0`,
    );
    const manifests = [...unmanaged.keys()].filter((entry) => entry.endsWith("/ControlManifest.xml"));
    expect(manifests).toHaveLength(solutionControls.length);
    for (const entry of manifests)
      expect(
        attribute(childElement(xmlEntry(unmanaged, entry), "control") ?? xmlEntry(unmanaged, entry), "version"),
      ).toBe(packageVersion());
  });

  it("define the environment variables with their types and defaults", () => {
    const variables = [...unmanaged.keys()]
      .filter((entry) => entry.startsWith("environmentvariabledefinitions/"))
      .map((entry) => {
        const definition = xmlEntry(unmanaged, entry);
        return [
          attribute(definition, "schemaname"),
          childText(definition, "type"),
          childText(definition, "defaultvalue"),
        ];
      });
    expect(variables).toEqual([
      ["fsi_DefaultCompany", "100000000", "usmf"],
      ["fsi_EntraAuthority", "100000000", "https://login.microsoftonline.com/organizations"],
      ["fsi_NearbyRadiusKm", "100000001", "25"],
      ["fsi_ScmUnavailablePolicy", "100000000", "block"],
      ["fsi_ValidationApiClientId", "100000000", "00000000-0000-0000-0000-000000000000"],
      ["fsi_ValidationApiScope", "100000000", "api://fsi-validation/Validate.Records"],
      ["fsi_ValidationApiUrl", "100000000", "http://127.0.0.1:8080/plugins/validate"],
    ]);
  });

  it("point the webhook endpoints at the URL configured at pack time", async () => {
    const configured = await buildSolutionPackages({
      ...fixture.options,
      webhookHostUrl: "https://fsi.contoso.com",
    });
    const customizations = xmlEntry(await readZip(configured.unmanaged, "configured"), "customizations.xml");
    const urls = section(customizations, "ServiceEndpoints", "ServiceEndpoint").map((endpoint) => [
      attribute(endpoint, "Name"),
      childText(endpoint, "Url"),
    ]);
    expect(urls).toEqual(
      solutionServiceEndpoints({ webhookHostUrl: "https://fsi.contoso.com" }).map((endpoint) => [
        endpoint.name,
        endpoint.url,
      ]),
    );
    expect(urls[0]?.[1]).toBe("https://fsi.contoso.com/plugins/webhooks/validate");
    const defaults = section(xmlEntry(unmanaged, "customizations.xml"), "ServiceEndpoints", "ServiceEndpoint").map(
      (endpoint) => childText(endpoint, "Url"),
    );
    expect(defaults).toEqual([
      "http://127.0.0.1:8080/plugins/webhooks/validate",
      "http://127.0.0.1:8080/plugins/webhooks/sync-to-scm",
      "http://127.0.0.1:8080/plugins/webhooks/sync-status",
      "http://127.0.0.1:8080/plugins/inventory/webhooks/inventory-posting-lock",
      "http://127.0.0.1:8080/plugins/inventory/webhooks/inventory-post",
      "http://127.0.0.1:8080/plugins/inventory/webhooks/work-order-project",
      "http://127.0.0.1:8080/plugins/inventory/webhooks/work-order-sales-order",
    ]);
  });
});
